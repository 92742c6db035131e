import type { LatLng } from '../domain/entities.js';
import { distanceM } from '../geo.js';

/** A uniform grid of ~1 km cells, so "what is within d metres" never scans every point. */
export class GridIndex<T extends LatLng> {
  private readonly cells = new Map<string, T[]>();
  constructor(points: readonly T[], private readonly cellDeg = 0.01) {
    for (const p of points) {
      const key = this.key(Math.floor(p.lat / cellDeg), Math.floor(p.lng / cellDeg));
      const cell = this.cells.get(key);
      if (cell) cell.push(p);
      else this.cells.set(key, [p]);
    }
  }
  private key(row: number, col: number): string {
    return `${row}:${col}`;
  }
  /** The nearest point within `radiusM` of `from`, or null. */
  nearestWithin(from: LatLng, radiusM: number): { item: T; distanceM: number } | null {
    // 0.01° of latitude ≈ 1.11 km; of longitude at 34° N ≈ 0.92 km: pad the search a cell.
    const reach = Math.ceil(radiusM / 900) + 1;
    const row = Math.floor(from.lat / this.cellDeg);
    const col = Math.floor(from.lng / this.cellDeg);
    let best: { item: T; distanceM: number } | null = null;
    for (let r = row - reach; r <= row + reach; r++) {
      for (let c = col - reach; c <= col + reach; c++) {
        for (const item of this.cells.get(this.key(r, c)) ?? []) {
          const d = distanceM(from, item);
          if (d <= radiusM && (!best || d < best.distanceM)) best = { item, distanceM: d };
        }
      }
    }
    return best;
  }
}
