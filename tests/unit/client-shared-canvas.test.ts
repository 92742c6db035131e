// @vitest-environment happy-dom
import L from 'leaflet';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PointCanvas, type Placed } from '../../client/components/map/pointCanvas.js';
import { mapAt } from '../helpers/leaflet-map.js';

/**
 * Point layers sharing a canvas (client/components/map/pointCanvas.ts, `SharedCanvas`): the 护学岗
 * coverage under the schools, the 护学岗 rings under the police posts — two canvases on the map,
 * not four (issue 17 item 4). happy-dom has no 2D canvas: each canvas gets a context that records
 * what is drawn on it, in order, which is all these tests read.
 */
const drawn: string[] = [];

/** The pane a canvas lies in, from its parent's class (`leaflet-posts-pane`). */
function paneOf(canvas: HTMLCanvasElement): string {
  return canvas.parentElement?.className.match(/leaflet-(\w+)-pane/)?.[1] ?? '?';
}

function recordingContext(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  return new Proxy({} as CanvasRenderingContext2D, {
    get: (_, name) => (name === 'canvas' ? canvas : name === 'clearRect' ? () => drawn.push(`clear ${paneOf(canvas)}`) : () => undefined),
    set: () => true,
  });
}

interface Point {
  id: string;
  lat: number;
  lng: number;
}
const POINTS: Point[] = [
  { id: 'a', lat: 33.74, lng: 113.19 },
  { id: 'b', lat: 33.75, lng: 113.2 },
];

function layer(map: L.Map, name: string, pane: 'schools' | 'posts', order: number, paint?: (placed: Placed<Point>[]) => void): PointCanvas<Point> {
  return new PointCanvas<Point>(map, {
    pane,
    order,
    reach: () => 10,
    paint: (_ctx, placed) => {
      drawn.push(`${name} ${placed.length}`);
      paint?.(placed);
    },
  });
}

function canvases(map: L.Map): HTMLCanvasElement[] {
  return [...map.getContainer().querySelectorAll('canvas')];
}

describe('point layers sharing one canvas', () => {
  let map: L.Map;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame', 'cancelAnimationFrame', 'performance'] });
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(function (this: HTMLCanvasElement) {
      return recordingContext(this) as never;
    });
    drawn.length = 0;
    map = mapAt([33.745, 113.195], 13);
  });
  afterEach(() => {
    vi.runOnlyPendingTimers();
    map.remove();
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('draws the layers of a pane on one canvas, lowest order first, in one redraw however many asked', () => {
    const coverage = layer(map, 'coverage', 'schools', -1);
    const schools = layer(map, 'schools', 'schools', 0);
    const police = layer(map, 'police', 'posts', 1);
    const rings = layer(map, 'rings', 'posts', 0);
    expect(canvases(map).map(paneOf).sort()).toEqual(['posts', 'schools']);
    vi.advanceTimersByTime(17 * 10);
    drawn.length = 0;

    for (const each of [police, rings, schools, coverage]) each.setItems(POINTS);
    vi.advanceTimersByTime(17 * 10);
    // Each canvas cleared once and drawn once, its layers in their order, whatever order they were given points in.
    expect(drawn.filter((entry) => !entry.startsWith('clear'))).toEqual(['rings 2', 'police 2', 'coverage 2', 'schools 2']);
    expect(drawn.filter((entry) => entry.startsWith('clear')).sort()).toEqual(['clear posts', 'clear schools']);

    // A live change of the schools redraws their canvas, the coverage under them included, and not the other.
    drawn.length = 0;
    schools.redrawSoon();
    coverage.redrawSoon();
    vi.advanceTimersByTime(17 * 5);
    expect(drawn).toEqual(['clear schools', 'coverage 2', 'schools 2']);
  });

  it('a hidden layer is skipped; with none shown the canvas leaves the map; removing the last layer removes it', () => {
    const rings = layer(map, 'rings', 'posts', 0);
    const police = layer(map, 'police', 'posts', 1);
    rings.setItems(POINTS);
    police.setItems(POINTS);
    vi.advanceTimersByTime(17 * 10);

    drawn.length = 0;
    police.setVisible(false);
    vi.advanceTimersByTime(17 * 5);
    expect(drawn).toEqual(['clear posts', 'rings 2']);
    rings.setVisible(false);
    vi.advanceTimersByTime(17 * 5);
    expect(canvases(map)).toHaveLength(0);
    police.setVisible(true);
    vi.advanceTimersByTime(17 * 5);
    expect(canvases(map)).toHaveLength(1);

    drawn.length = 0;
    rings.setVisible(true);
    rings.remove();
    vi.advanceTimersByTime(17 * 5);
    expect(drawn.filter((entry) => !entry.startsWith('clear'))).toEqual(['police 2']);
    police.remove();
    expect(canvases(map)).toHaveLength(0);
    // A layer made again on the pane gets a canvas again.
    layer(map, 'rings again', 'posts', 0);
    expect(canvases(map)).toHaveLength(1);
  });

  it("one layer's failure does not keep the others off the canvas", () => {
    const rings = layer(map, 'rings', 'posts', 0, () => {
      throw new Error('a broken layer');
    });
    const police = layer(map, 'police', 'posts', 1);
    rings.setItems(POINTS);
    police.setItems(POINTS);
    expect(() => vi.advanceTimersByTime(17 * 10)).toThrow('a broken layer');
    expect(drawn.filter((entry) => !entry.startsWith('clear'))).toContain('police 2');
  });
});
