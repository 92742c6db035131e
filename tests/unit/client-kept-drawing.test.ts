// @vitest-environment happy-dom
import L from 'leaflet';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CanvasRecorder, OP, sentToWorker } from '../../client/components/map/canvasRecording.js';
import { replay, type ReplayContext, type ReplayHeld } from '../../client/components/map/canvasReplay.js';
import { PointCanvas, type Placed } from '../../client/components/map/pointCanvas.js';
import { mapAt } from '../helpers/leaflet-map.js';

/**
 * A point layer's drawing kept for the pans that stay inside it (client/components/map/pointCanvas.ts,
 * `paintOnto`, issue 17 item 4): with a canvas worker, a pan's end at the same zoom records the
 * layer's last drawing again instead of walking the grid, placing the points and painting them.
 * Here the canvas' context is a recorder, as a canvas handed to the worker has (happy-dom has no
 * worker canvases): what it records is what the worker would draw.
 */
let recorder: CanvasRecorder;

interface Point {
  id: string;
  lat: number;
  lng: number;
}

const CENTRE = { lat: 33.745, lng: 113.195 };
const ZOOM = 13;
/** Degrees of longitude per pixel at ZOOM. */
const DEG_PER_PX = 360 / (256 * 2 ** ZOOM);
/** Twenty points on a line from the map's centre to 600 px east of it. */
const LINE: Point[] = Array.from({ length: 20 }, (_, i) => ({ id: `p${i}`, lat: CENTRE.lat, lng: CENTRE.lng + i * 30 * DEG_PER_PX }));

describe("a point layer's drawing kept through pans", () => {
  let map: L.Map;
  let paints: { placed: number; inView: number }[];
  /** Makes the next paint throw halfway through. */
  let failNext = false;
  let layer: PointCanvas<Point>;

  /** What the worker holds: the style strings and the canvas' kept drawings. */
  let worker: ReplayHeld;

  /** Runs the canvases' turns, then answers the operations recorded since the last call. */
  function settle(): number[] {
    vi.advanceTimersByTime(17 * 10);
    const frame = recorder.take();
    for (const { id, text } of frame.strings) (worker.strings as Map<number, string>).set(id, text);
    return [...frame.ops];
  }

  /** The worker's replay of a frame: its transforms, paths and fills, as calls. */
  function drawnBy(ops: number[]): string[] {
    const log: string[] = [];
    const call =
      (name: string) =>
      (...args: number[]): void => {
        log.push(`${name}(${args.join(', ')})`);
      };
    const ctx = {
      globalAlpha: 1,
      fillStyle: '',
      strokeStyle: '',
      lineWidth: 1,
      canvas: { width: 4_000, height: 3_000 },
      ...Object.fromEntries(['save', 'restore', 'setTransform', 'clearRect', 'beginPath', 'moveTo', 'arc', 'rect', 'fill', 'stroke', 'setLineDash', 'drawImage'].map((name) => [name, call(name)])),
    } as unknown as ReplayContext;
    replay(ctx, new Float64Array(ops), worker);
    return log;
  }

  /** The first drawing of the points (after the empty canvas' own), and the paints counted from there. */
  function firstDrawing(): number[] {
    const ops = settle();
    expect(paints.at(-1)).toEqual({ placed: 20, inView: 20 });
    paints = [];
    return ops;
  }

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame', 'cancelAnimationFrame', 'performance'] });
    recorder = new CanvasRecorder(sentToWorker(), () => {});
    worker = { strings: new Map(), sprites: new Map(), kept: new Map() };
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(() => recorder as never);
    paints = [];
    map = mapAt(CENTRE, ZOOM);
    layer = new PointCanvas<Point>(map, {
      pane: 'schools',
      reach: () => 4,
      // A drawing the worker can tell apart point by point: a square at each.
      paint: (ctx, placed: Placed<Point>[], _zoom, inView) => {
        paints.push({ placed: placed.length, inView });
        ctx.beginPath();
        if (failNext) {
          failNext = false;
          throw new Error('a paint that fails');
        }
        for (const { x, y } of placed) ctx.rect(x - 2, y - 2, 4, 4);
        ctx.fill();
      },
      detail: (inView) => (inView === LINE.length ? 'all' : 'some'),
    });
    layer.setItems(LINE);
  });
  afterEach(() => {
    vi.runOnlyPendingTimers();
    layer.remove();
    map.remove();
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('has the worker draw its kept drawing again after a short pan, without painting or sending it', () => {
    const first = firstDrawing();
    // The layer's drawing, last, kept by the worker in the layer's slot: keep, save, beginPath, a
    // rect (5 numbers) per point, fill, restore, end.
    const drawing = first.slice(-(7 + LINE.length * 5));
    const slot = drawing[1];
    expect([drawing[0], drawing[2], drawing[3], drawing[4], drawing.at(-3), drawing.at(-2), drawing.at(-1)]).toEqual([OP.keep, OP.save, OP.beginPath, OP.rect, OP.fill, OP.restore, OP.keptEnd]);
    const firstCalls = drawnBy(first);
    const rects = firstCalls.filter((line) => line.startsWith('rect('));
    expect(rects).toHaveLength(LINE.length);

    map.panBy([150, 80], { animate: false });
    const after = settle();
    expect(paints).toHaveLength(0);
    // The new view's transform, then the kept drawing by its slot: two numbers, not the drawing.
    expect(after.slice(-2)).toEqual([OP.drawKept, slot]);
    // The frame is the canvas' clear and transforms and those two: shorter than the drawing itself.
    expect(after.length).toBeLessThan(drawing.length);
    // The worker draws the very same squares: the points' layer pixels have not moved.
    const afterCalls = drawnBy(after);
    expect(afterCalls.filter((line) => line.startsWith('rect('))).toEqual(rects);
    // Placed by the canvas' new transform.
    const transforms = (calls: string[]): string[] => calls.filter((line) => line.startsWith('setTransform('));
    expect(transforms(afterCalls)).not.toEqual(transforms(firstCalls));
  });

  it('closes a paint that throws, keeps nothing of it, and keeps the next paint', () => {
    firstDrawing();
    failNext = true;
    layer.redrawSoon();
    expect(() => settle()).toThrow('a paint that fails');
    // The failed paint's frame is whole: its kept drawing and save are closed, and nothing is kept.
    layer.redrawSoon();
    const next = settle();
    expect(() => drawnBy(next)).not.toThrow();
    expect(paints).toHaveLength(2);
    map.panBy([150, 80], { animate: false });
    const after = settle();
    expect(paints).toHaveLength(2);
    expect(after.slice(-2)).toEqual([OP.drawKept, next[next.indexOf(OP.keep) + 1]]);
  });

  it('paints anew after a pan past the kept drawing, a change, a zoom, or a change of detail', () => {
    firstDrawing();
    // Past half a map beyond the padded view: points the drawing did not hold could show.
    map.panBy([1_500, 0], { animate: false });
    settle();
    expect(paints).toHaveLength(1);
    map.panBy([-1_500, 0], { animate: false });
    settle();
    expect(paints).toHaveLength(2);

    // A live change asks for a redraw: painted anew, though the view is the same.
    layer.redrawSoon();
    settle();
    expect(paints).toHaveLength(3);

    // Another zoom: every point elsewhere.
    map.setZoom(ZOOM + 1, { animate: false });
    settle();
    expect(paints).toHaveLength(4);
    map.setZoom(ZOOM, { animate: false });
    settle();
    expect(paints).toHaveLength(5);

    // A pan west by 900 px moves the line's east end out of the padded view (past 1920 + 192 + 4
    // px) but not out of the kept drawing: the count in view changes the layer's detail, so it paints.
    map.panBy([-900, 0], { animate: false });
    settle();
    expect(paints).toHaveLength(6);
    const last = paints[5];
    expect(last?.placed).toBe(20);
    expect(last?.inView).toBeLessThan(20);
    expect(last?.inView).toBeGreaterThan(0);
  });
});
