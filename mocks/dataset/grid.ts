import type { LatLng } from '../../shared/domain/index.js';
import { distanceMetres } from './geometry.js';

/**
 * A uniform grid over lat/lng for "what is near this point" questions, so that placing
 * posts beside tens of thousands of schools stays linear instead of quadratic.
 */
export class GridIndex<T extends LatLng> {
  private readonly cells = new Map<string, T[]>();

  /** @param cellDegrees cell size; pick it at least as large as the radius you will query. */
  constructor(private readonly cellDegrees: number) {}

  private key(row: number, column: number): string {
    return `${row}:${column}`;
  }

  private rowOf(point: LatLng): number {
    return Math.floor(point.lat / this.cellDegrees);
  }

  private columnOf(point: LatLng): number {
    return Math.floor(point.lng / this.cellDegrees);
  }

  /** Adds an item at its own position. */
  add(item: T): void {
    const key = this.key(this.rowOf(item), this.columnOf(item));
    const cell = this.cells.get(key);
    if (cell) cell.push(item);
    else this.cells.set(key, [item]);
  }

  /** Items within `radiusMetres` of the point, nearest first. */
  near(point: LatLng, radiusMetres: number): T[] {
    const span = Math.ceil(radiusMetres / 111_000 / this.cellDegrees / Math.cos((point.lat * Math.PI) / 180));
    const row = this.rowOf(point);
    const column = this.columnOf(point);
    const found: { item: T; distance: number }[] = [];
    for (let r = row - span; r <= row + span; r++) {
      for (let c = column - span; c <= column + span; c++) {
        for (const item of this.cells.get(this.key(r, c)) ?? []) {
          const distance = distanceMetres(point, item);
          if (distance <= radiusMetres) found.push({ item, distance });
        }
      }
    }
    return found.sort((a, b) => a.distance - b.distance).map((f) => f.item);
  }
}
