import { describe, expect, it } from 'vitest';
import { heatGrid, MAX_HEAT_CELLS } from '../../server/services/risk-heat.js';

const AT = '2026-11-30T02:00:00.000Z';

describe(heatGrid.name, () => {
  it('puts schools of about 1 km apart in cells of 1 km, weighted by their summed score over the hottest cell', () => {
    const heat = heatGrid([
      { lat: 33.7370, lng: 113.2940, score: 30 },
      { lat: 33.7372, lng: 113.2942, score: 20 }, // same cell
      { lat: 33.7800, lng: 113.3500, score: 25 },
      { lat: 33.7000, lng: 113.2000, score: 0 }, // no score: no cell
    ], AT);
    expect(heat.cellKm).toBe(1);
    expect(heat.maxScore).toBe(50);
    expect(heat.cells).toHaveLength(2);
    expect(heat.cells[0]).toMatchObject({ weight: 1, schools: 2, score: 50 });
    expect(heat.cells[1]).toMatchObject({ weight: 0.5, schools: 1, score: 25 });
    expect(Math.abs(heat.cells[0]!.lat - 33.7371)).toBeLessThan(heat.cellLat);
  });

  it('stays within MAX_HEAT_CELLS over a province, with bigger cells', () => {
    let seed = 1;
    const rand = () => ((seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647);
    const points = Array.from({ length: 50_000 }, () => ({ lat: 31.4 + rand() * 4.9, lng: 110.4 + rand() * 6.2, score: Math.floor(rand() * 60) }));
    const heat = heatGrid(points, AT);
    expect(heat.cellKm).toBeGreaterThan(1);
    expect(heat.cells.length).toBeLessThanOrEqual(MAX_HEAT_CELLS);
    expect(heat.cells.reduce((n, c) => n + c.schools, 0)).toBe(points.filter((p) => p.score > 0).length);
  });

  it('answers an empty grid for no schools', () => {
    expect(heatGrid([], AT)).toMatchObject({ maxScore: 0, cells: [] });
  });
});
