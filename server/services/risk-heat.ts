import type { RiskHeat, RiskHeatCell } from '../../shared/risk.js';

/** The most cells a grid may have: past it, the cells grow (×2 a side) until it fits. */
export const MAX_HEAT_CELLS = 4096;
/** The cell side aimed at, km. */
export const HEAT_CELL_KM = 1;
const KM_PER_DEG_LAT = 111.32;

/**
 * The risk heat grid (issue 15 item 2, computed on the server): a fixed grid of about 1 km cells
 * over the box of the schools given, each cell weighted by the sum of its schools' scores divided
 * by the highest cell's (0–1). Only cells with a score are sent. Bounded: at most MAX_HEAT_CELLS
 * cells over the whole box (a province's box gets bigger cells), one pass over the schools.
 */
export function heatGrid(points: readonly { lat: number; lng: number; score: number }[], computedAt: string): RiskHeat {
  if (points.length === 0) return { computedAt, cellKm: HEAT_CELL_KM, cellLat: HEAT_CELL_KM / KM_PER_DEG_LAT, cellLng: HEAT_CELL_KM / KM_PER_DEG_LAT, maxScore: 0, cells: [] };
  let minLat = Infinity, maxLat = -Infinity, minLng = Infinity, maxLng = -Infinity;
  for (const p of points) {
    if (p.lat < minLat) minLat = p.lat;
    if (p.lat > maxLat) maxLat = p.lat;
    if (p.lng < minLng) minLng = p.lng;
    if (p.lng > maxLng) maxLng = p.lng;
  }
  const midLat = (minLat + maxLat) / 2;
  let cellKm = HEAT_CELL_KM;
  const size = () => {
    const cellLat = cellKm / KM_PER_DEG_LAT;
    const cellLng = cellKm / (KM_PER_DEG_LAT * Math.cos((midLat * Math.PI) / 180));
    return { cellLat, cellLng, rows: Math.floor((maxLat - minLat) / cellLat) + 1, cols: Math.floor((maxLng - minLng) / cellLng) + 1 };
  };
  let grid = size();
  while (grid.rows * grid.cols > MAX_HEAT_CELLS) {
    cellKm *= 2;
    grid = size();
  }
  const sums = new Map<number, { score: number; schools: number }>();
  for (const p of points) {
    if (p.score <= 0) continue;
    const key = Math.floor((p.lat - minLat) / grid.cellLat) * grid.cols + Math.floor((p.lng - minLng) / grid.cellLng);
    const cell = sums.get(key) ?? { score: 0, schools: 0 };
    cell.score += p.score;
    cell.schools += 1;
    sums.set(key, cell);
  }
  let maxScore = 0;
  for (const cell of sums.values()) if (cell.score > maxScore) maxScore = cell.score;
  const round = (n: number) => Math.round(n * 1e5) / 1e5;
  const cells: RiskHeatCell[] = [...sums].map(([key, cell]) => {
    const row = Math.floor(key / grid.cols);
    const col = key % grid.cols;
    return {
      lat: round(minLat + (row + 0.5) * grid.cellLat),
      lng: round(minLng + (col + 0.5) * grid.cellLng),
      weight: Math.round((cell.score / maxScore) * 1000) / 1000,
      schools: cell.schools,
      score: cell.score,
    };
  });
  cells.sort((a, b) => b.weight - a.weight || a.lat - b.lat || a.lng - b.lng);
  return { computedAt, cellKm, cellLat: round(grid.cellLat), cellLng: round(grid.cellLng), maxScore, cells };
}
