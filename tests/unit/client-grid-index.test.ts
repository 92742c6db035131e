import { describe, expect, it } from 'vitest';
import { GridIndex } from '../../client/grid-index.js';

/** A 40 × 40 lattice every 0.01° from (33.5, 113.0): 1,600 points, several per cell. */
const lattice = Array.from({ length: 1600 }, (_, i) => ({ id: i, lat: 33.5 + Math.floor(i / 40) * 0.01, lng: 113 + (i % 40) * 0.01 }));

function naive(south: number, west: number, north: number, east: number): number[] {
  return lattice.filter((p) => p.lat >= south && p.lat <= north && p.lng >= west && p.lng <= east).map((p) => p.id);
}

describe(GridIndex.name, () => {
  const sut = new GridIndex(lattice);

  it('finds exactly the points inside a box, edges included, as a walk of them all would', () => {
    const boxes: [number, number, number, number][] = [
      [33.6, 113.1, 33.65, 113.17],
      [33.5, 113.0, 33.5, 113.0],
      [33.549, 113.049, 33.551, 113.051],
      [30, 100, 40, 120],
      [35, 113, 36, 114],
    ];
    for (const box of boxes) expect(sut.within(...box).map((p) => p.id).sort((a, b) => a - b)).toEqual(naive(...box));
  });

  it('answers a view far wider than the points (zoomed out) by walking the occupied cells, with the same result', () => {
    expect(sut.within(-80, -170, 80, 170)).toHaveLength(lattice.length);
  });

  it('keeps points on negative coordinates apart from positive ones', () => {
    const grid = new GridIndex([{ lat: -0.01, lng: -0.01 }, { lat: 0.01, lng: 0.01 }]);
    expect(grid.within(-0.02, -0.02, 0, 0)).toEqual([{ lat: -0.01, lng: -0.01 }]);
  });
});
