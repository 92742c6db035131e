/**
 * Points bucketed on a latitude/longitude grid, so that the ones inside a view (or near a pointer)
 * are found without walking all of them: at province scale a map layer holds tens of thousands of
 * points, of which a street view shows a few dozen.
 */

/** Anything with a position. */
export interface Located {
  lat: number;
  lng: number;
}

/** A cell's side in degrees: ≈ 5.5 km north–south, a few hundred points at most in a dense city. */
const DEFAULT_CELL_DEGREES = 0.05;
/** Cells per row of the key space: wide enough for any longitude at the smallest cell. */
const KEY_COLUMNS = 1 << 20;

export class GridIndex<T extends Located> {
  private readonly cells = new Map<number, T[]>();

  constructor(
    readonly items: readonly T[],
    private readonly cellDegrees = DEFAULT_CELL_DEGREES,
  ) {
    for (const item of items) {
      const key = this.key(this.row(item.lat), this.column(item.lng));
      const cell = this.cells.get(key);
      if (cell) cell.push(item);
      else this.cells.set(key, [item]);
    }
  }

  private row(lat: number): number {
    return Math.floor(lat / this.cellDegrees);
  }

  private column(lng: number): number {
    return Math.floor(lng / this.cellDegrees);
  }

  private key(row: number, column: number): number {
    return row * KEY_COLUMNS + column;
  }

  /** Calls `visit` for every point inside `[south, north] × [west, east]` (degrees), cell by cell. */
  forEachWithin(south: number, west: number, north: number, east: number, visit: (item: T) => void): void {
    const [rowFrom, rowTo] = [this.row(south), this.row(north)];
    const [columnFrom, columnTo] = [this.column(west), this.column(east)];
    // A view wider than the cells that hold anything (zoomed far out): walk the occupied cells instead.
    if ((rowTo - rowFrom + 1) * (columnTo - columnFrom + 1) > this.cells.size) {
      for (const cell of this.cells.values()) for (const item of cell) if (item.lat >= south && item.lat <= north && item.lng >= west && item.lng <= east) visit(item);
      return;
    }
    for (let row = rowFrom; row <= rowTo; row++) {
      for (let column = columnFrom; column <= columnTo; column++) {
        const cell = this.cells.get(this.key(row, column));
        if (!cell) continue;
        for (const item of cell) if (item.lat >= south && item.lat <= north && item.lng >= west && item.lng <= east) visit(item);
      }
    }
  }

  /** The points inside the box, in the order they were given. */
  within(south: number, west: number, north: number, east: number): T[] {
    const found: T[] = [];
    this.forEachWithin(south, west, north, east, (item) => found.push(item));
    return found;
  }
}
