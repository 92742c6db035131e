// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { CanvasRecorder, OP, sentToWorker, type PaintContext, type RecordedFrame } from '../../client/components/map/canvasRecording.js';
import { replay, type ReplayContext, type ReplayHeld } from '../../client/components/map/canvasReplay.js';
import { stamp, type Sprite } from '../../client/components/map/sprites.js';

/**
 * The point canvases' drawing recorded on the page and replayed by the canvas worker
 * (client/components/map/canvasRecording.ts, issue 17 item 4): what the worker draws must be
 * what the page would have drawn, call for call.
 */

/** An ImageBitmap with nothing in it (happy-dom's cannot be made with `new`): the recorder only checks its kind and keeps its identity. */
function bitmap(): ImageBitmap {
  return Object.create(ImageBitmap.prototype) as ImageBitmap;
}

/** A 2D context that writes down every call and every style set, in order. */
function loggingContext(log: string[], names: Map<unknown, string>): PaintContext & ReplayContext {
  const state = { globalAlpha: 1, fillStyle: '#000000' as unknown, strokeStyle: '#000000' as unknown, lineWidth: 1 };
  const call =
    (name: string) =>
    (...args: unknown[]): void => {
      log.push(`${name}(${args.map((arg) => (typeof arg === 'object' && arg !== null ? (names.get(arg) ?? '?') : JSON.stringify(arg))).join(', ')})`);
    };
  return {
    canvas: { width: 640, height: 480 },
    get globalAlpha() {
      return state.globalAlpha;
    },
    set globalAlpha(value: number) {
      state.globalAlpha = value;
      log.push(`globalAlpha = ${value}`);
    },
    get fillStyle() {
      return state.fillStyle as string;
    },
    set fillStyle(value: unknown) {
      state.fillStyle = value;
      log.push(`fillStyle = ${String(value)}`);
    },
    get strokeStyle() {
      return state.strokeStyle as string;
    },
    set strokeStyle(value: unknown) {
      state.strokeStyle = value;
      log.push(`strokeStyle = ${String(value)}`);
    },
    get lineWidth() {
      return state.lineWidth;
    },
    set lineWidth(value: number) {
      state.lineWidth = value;
      log.push(`lineWidth = ${value}`);
    },
    save: call('save'),
    restore: call('restore'),
    setTransform: call('setTransform'),
    clearRect: call('clearRect'),
    beginPath: call('beginPath'),
    moveTo: call('moveTo'),
    arc: call('arc'),
    rect: call('rect'),
    fill: call('fill'),
    stroke: call('stroke'),
    setLineDash: call('setLineDash'),
    drawImage: call('drawImage'),
  } as PaintContext & ReplayContext;
}

/** The worker's strings after a frame: those it held (`held`) and the frame's new ones. */
function stringsOf(frame: RecordedFrame, held = new Map<number, string>()): Map<number, string> {
  for (const { id, text } of frame.strings) held.set(id, text);
  return held;
}

/** A paint of the kinds the map's layers make: coverage circles, stamped dots, dense squares. */
/** What the worker holds for a replay: the strings, the sprites, and the canvas' kept drawings. */
function heldBy(strings: ReadonlyMap<number, string>, sprites: ReadonlyMap<number, CanvasImageSource>, kept = new Map<number, Float64Array>()): ReplayHeld {
  return { strings, sprites, kept };
}

function paintLikeTheMap(ctx: PaintContext, dot: Sprite, ring: Sprite): void {
  ctx.setTransform(2, 0, 0, 2, -100, -60);
  ctx.save();
  ctx.beginPath();
  ctx.moveTo(40.5, 30);
  ctx.arc(30.5, 30, 10, 0, Math.PI * 2);
  ctx.fillStyle = '#22d3ee';
  ctx.globalAlpha = 0.12;
  ctx.fill();
  ctx.globalAlpha = 0.6;
  ctx.strokeStyle = '#22d3ee';
  ctx.lineWidth = 1;
  ctx.setLineDash([4, 4]);
  ctx.stroke();
  ctx.restore();
  ctx.save();
  stamp(ctx, dot, [
    { x: 10.4, y: 20.6 },
    { x: -3, y: 7.5 },
  ]);
  ctx.globalAlpha = 0.55;
  stamp(ctx, ring, [{ x: 100, y: 50 }]);
  stamp(ctx, ring, []);
  ctx.restore();
  ctx.beginPath();
  ctx.rect(1, 2, 5, 5);
  ctx.rect(11, 12, 5, 5);
  ctx.fillStyle = '#3b82f6';
  ctx.fill();
  ctx.clearRect(0, 0, 4, 4);
}

describe('the point canvases recorded and replayed', () => {
  it('replays a frame as the same calls, in the same order, as drawing on the page', () => {
    const dot: Sprite = { image: bitmap(), width: 9, height: 9 };
    const ring: Sprite = { image: bitmap(), width: 14, height: 14 };
    const names = new Map<unknown, string>([
      [dot.image, 'dot'],
      [ring.image, 'ring'],
    ]);

    const direct: string[] = [];
    paintLikeTheMap(loggingContext(direct, names), dot, ring);

    const recorder = new CanvasRecorder(sentToWorker(), () => {});
    paintLikeTheMap(recorder, dot, ring);
    const frame = recorder.take();
    const sprites = new Map(frame.sprites.map(({ id, image }) => [id, image]));
    const replayed: string[] = [];
    replay(loggingContext(replayed, names), frame.ops, heldBy(stringsOf(frame), sprites));

    expect(replayed).toEqual(direct);
    expect(direct).toContain('drawImage(dot, 6, 16, 9, 9)');
    // Two colours, each sent once however often it is set.
    expect(frame.strings.map(({ text }) => text)).toEqual(['#22d3ee', '#3b82f6']);
  });

  it('sends each sprite to the worker once, in the first frame that stamps it', () => {
    const dot: Sprite = { image: bitmap(), width: 9, height: 9 };
    const sent = sentToWorker();
    const recorder = new CanvasRecorder(sent, () => {});
    stamp(recorder, dot, [{ x: 1, y: 1 }]);
    expect(recorder.take().sprites.map(({ image }) => image)).toEqual([dot.image]);
    stamp(recorder, dot, [{ x: 2, y: 2 }]);
    expect(recorder.take().sprites).toEqual([]);
    // Another canvas of the same worker: the sprite is already there.
    const other = new CanvasRecorder(sent, () => {});
    stamp(other, dot, [{ x: 3, y: 3 }]);
    expect(other.take().sprites).toEqual([]);
  });

  it('sends each style string once per worker, however many frames set it', () => {
    const sent = sentToWorker();
    const recorder = new CanvasRecorder(sent, () => {});
    recorder.fillStyle = '#123456';
    const first = recorder.take();
    recorder.fillStyle = '#123456';
    recorder.strokeStyle = '#654321';
    const second = recorder.take();
    expect(first.strings.map(({ text }) => text)).toEqual(['#123456']);
    expect(second.strings.map(({ text }) => text)).toEqual(['#654321']);
    // The worker's table after both frames answers every id the operations use.
    const held = stringsOf(second, stringsOf(first));
    const log: string[] = [];
    replay(loggingContext(log, new Map()), second.ops, heldBy(held, new Map()));
    expect(log).toEqual(['fillStyle = #123456', 'strokeStyle = #654321']);
  });

  it('keeps a drawing in the worker and draws it again by its slot: the next frame is a few numbers and draws the same calls', () => {
    const dot: Sprite = { image: bitmap(), width: 9, height: 9 };
    const ring: Sprite = { image: bitmap(), width: 14, height: 14 };
    const names = new Map<unknown, string>([
      [dot.image, 'dot'],
      [ring.image, 'ring'],
    ]);
    const recorder = new CanvasRecorder(sentToWorker(), () => {});
    recorder.setTransform(2, 0, 0, 2, 0, 0);
    const generation = recorder.keep(4);
    paintLikeTheMap(recorder, dot, ring);
    recorder.keepEnd();
    const first = recorder.take();
    const worker = heldBy(stringsOf(first), new Map(first.sprites.map(({ id, image }) => [id, image])));
    const drawnFirst: string[] = [];
    replay(loggingContext(drawnFirst, names), first.ops, worker);
    expect(worker.kept.has(4)).toBe(true);

    // The next pan: a new transform, then the kept drawing instead of painting again.
    recorder.setTransform(2, 0, 0, 2, -40, -40);
    expect(recorder.drawKept(4, generation)).toBe(true);
    const second = recorder.take();
    expect([second.strings, second.sprites]).toEqual([[], []]);
    expect(second.ops).toEqual(new Float64Array([OP.setTransform, 2, 0, 0, 2, -40, -40, OP.drawKept, 4]));
    const drawnSecond: string[] = [];
    replay(loggingContext(drawnSecond, names), second.ops, worker);
    expect(drawnSecond.slice(1)).toEqual(drawnFirst.slice(1));
    expect(drawnSecond[0]).toBe('setTransform(2, 0, 0, 2, -40, -40)');
    expect(drawnSecond).toContain('drawImage(ring, 93, 43, 14, 14)');
    // An older generation of the slot is not drawn: the worker holds only the last.
    const newer = recorder.keep(4);
    recorder.keepEnd();
    expect(recorder.drawKept(4, generation)).toBe(false);
    expect(recorder.drawKept(4, newer)).toBe(true);
  });

  it('answers no kept drawing when a clear dropped the frame that carried it, or after the worker failed a frame', () => {
    const recorder = new CanvasRecorder(sentToWorker(), () => {});
    const sent = recorder.keep(1);
    recorder.rect(0, 0, 1, 1);
    recorder.keepEnd();
    recorder.take();
    // Kept in a frame a clear then dropped: the worker never got it.
    const dropped = recorder.keep(2);
    recorder.rect(1, 1, 1, 1);
    recorder.keepEnd();
    recorder.clearAll();
    expect(recorder.drawKept(2, dropped)).toBe(false);
    // The one sent before still is the worker's.
    expect(recorder.drawKept(1, sent)).toBe(true);
    recorder.take();
    recorder.forgetKept();
    expect(recorder.drawKept(1, sent)).toBe(false);
  });

  it('has the worker let go of a slot, even when a clear drops the frame that said so', () => {
    const recorder = new CanvasRecorder(sentToWorker(), () => {});
    const generation = recorder.keep(3);
    recorder.rect(0, 0, 1, 1);
    recorder.keepEnd();
    const worker = heldBy(new Map(), new Map());
    replay(loggingContext([], new Map()), recorder.take().ops, worker);
    expect([...worker.kept.keys()]).toEqual([3]);
    recorder.forget(3);
    recorder.rect(5, 5, 1, 1);
    recorder.clearAll();
    expect(recorder.drawKept(3, generation)).toBe(false);
    replay(loggingContext([], new Map()), recorder.take().ops, worker);
    expect(worker.kept.size).toBe(0);
  });

  it('tells its owner when a frame starts, once per frame, and starts each frame empty', () => {
    let starts = 0;
    const recorder = new CanvasRecorder(sentToWorker(), () => (starts += 1));
    expect(recorder.pending).toBe(false);
    recorder.beginPath();
    recorder.rect(0, 0, 1, 1);
    recorder.fill();
    expect([starts, recorder.pending]).toEqual([1, true]);
    expect(recorder.take().ops).toEqual(new Float64Array([OP.beginPath, OP.rect, 0, 0, 1, 1, OP.fill]));
    expect(recorder.pending).toBe(false);
    recorder.stroke();
    expect(starts).toBe(2);
  });

  it('grows past its first buffer without losing a stamp', () => {
    const dot: Sprite = { image: bitmap(), width: 2, height: 2 };
    const recorder = new CanvasRecorder(sentToWorker(), () => {});
    const points = Array.from({ length: 50_000 }, (_, i) => ({ x: i + 1, y: i + 1 }));
    stamp(recorder, dot, points);
    const frame = recorder.take();
    let stamps = 0;
    let last = '';
    const names = new Map<unknown, string>([[dot.image, 'dot']]);
    const log: string[] = [];
    replay(loggingContext(log, names), frame.ops, heldBy(stringsOf(frame), new Map(frame.sprites.map(({ id, image }) => [id, image]))));
    for (const line of log) if (line.startsWith('drawImage')) [stamps, last] = [stamps + 1, line];
    expect(stamps).toBe(50_000);
    expect(last).toBe('drawImage(dot, 49999, 49999, 2, 2)');
  });

  it('refuses a frame cut short or with an unknown operation, and undoes its saves', () => {
    const log: string[] = [];
    const ctx = loggingContext(log, new Map());
    const nothing = (): ReplayHeld => heldBy(new Map(), new Map());
    expect(() => replay(ctx, new Float64Array([OP.save, OP.save, OP.rect, 1, 2]), nothing())).toThrow(/ends inside/);
    expect(log).toEqual(['save()', 'save()', 'restore()', 'restore()']);
    expect(() => replay(ctx, new Float64Array([99]), nothing())).toThrow(/unknown operation 99/);
    expect(() => replay(ctx, new Float64Array([OP.stamp, 7, 2, 2, 1, 0, 0]), nothing())).toThrow(/no sprite 7/);
    expect(() => replay(ctx, new Float64Array([OP.fillStyle, 3]), heldBy(new Map([[1, '#fff']]), new Map()))).toThrow(/no string 3/);
    expect(() => replay(ctx, new Float64Array([OP.drawKept, 5]), nothing())).toThrow(/no kept drawing 5/);
    expect(() => replay(ctx, new Float64Array([OP.keep, 1, OP.rect, 0, 0, 1, 1]), nothing())).toThrow(/ends inside a kept drawing/);
    // A kept drawing that would draw kept drawings (or keep one) is refused, not followed.
    const looping = heldBy(new Map(), new Map(), new Map([[1, new Float64Array([OP.drawKept, 1])]]));
    expect(() => replay(ctx, new Float64Array([OP.drawKept, 1]), looping)).toThrow(/inside one/);
  });

  it('refuses a gradient or a canvas as a sprite: the worker could not be sent them', () => {
    const recorder = new CanvasRecorder(sentToWorker(), () => {});
    expect(() => (recorder.fillStyle = {} as CanvasGradient)).toThrow(/colour strings/);
    expect(() => recorder.drawImage({} as HTMLCanvasElement, 0, 0, 1, 1)).toThrow(/ImageBitmap/);
  });
});

describe('a frame waiting for a busy worker', () => {
  it('holds one drawing however many redraws come: a clear outside any save drops what came before it, but for the transform', () => {
    const recorder = new CanvasRecorder(sentToWorker(), () => {});
    recorder.setTransform(2, 0, 0, 2, -10, -20);
    recorder.clearAll();
    recorder.save();
    recorder.rect(0, 0, 5, 5);
    recorder.fill();
    recorder.restore();
    // A second redraw before the frame went: the first one's drawing would be wiped by it.
    recorder.clearAll();
    recorder.save();
    recorder.rect(1, 1, 5, 5);
    recorder.restore();
    expect([...recorder.take().ops]).toEqual([OP.setTransform, 2, 0, 0, 2, -10, -20, OP.clearAll, OP.save, OP.rect, 1, 1, 5, 5, OP.restore]);
    // Inside a save a clear drops nothing; the next frame starts without the last frame's transform to keep.
    recorder.rect(0, 0, 1, 1);
    recorder.save();
    recorder.clearAll();
    recorder.restore();
    recorder.clearAll();
    expect([...recorder.take().ops]).toEqual([OP.clearAll]);
  });
});
