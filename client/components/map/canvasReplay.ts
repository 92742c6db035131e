import { OP } from './canvasRecording.js';

/**
 * The worker's side of the point canvases' recorded drawing (canvasRecording.ts): a frame's
 * operations replayed on the canvas the worker was handed (pointCanvas.worker.ts), the sprites and
 * style strings looked up by the ids the page gave them.
 */

/** What a replay draws on: a worker's OffscreenCanvas context, or any 2D context (tests). */
export type ReplayContext = Pick<
  OffscreenCanvasRenderingContext2D,
  'save' | 'restore' | 'setTransform' | 'clearRect' | 'beginPath' | 'moveTo' | 'arc' | 'rect' | 'fill' | 'stroke' | 'setLineDash' | 'drawImage'
> & { globalAlpha: number; fillStyle: unknown; strokeStyle: unknown; lineWidth: number; readonly canvas: { width: number; height: number } };

/** What a replay looks up by id: the style strings, the sprites, and the canvas' kept drawings by slot (which it also fills). */
export interface ReplayHeld {
  strings: ReadonlyMap<number, string>;
  sprites: ReadonlyMap<number, CanvasImageSource>;
  kept: Map<number, Float64Array>;
}

/**
 * Replays a recorded frame's operations on `ctx`, the sprites, strings and kept drawings looked up
 * by id. An unknown operation or id, or a frame cut short, throws, and the context's saves made by
 * the frame are undone first: the next frame starts from the state this one started from.
 */
export function replay(ctx: ReplayContext, ops: Float64Array, held: ReplayHeld): void {
  let depth = 0;
  try {
    replayOps(ctx, ops, held, true, (change) => (depth += change));
  } catch (error) {
    for (; depth > 0; depth -= 1) ctx.restore();
    throw error;
  }
}

/** `keeping`: whether the operations may keep drawings and draw kept ones (a frame's may; a kept drawing's may not). */
function replayOps(ctx: ReplayContext, ops: Float64Array, held: ReplayHeld, keeping: boolean, saved: (change: number) => void): void {
  const { strings, sprites, kept } = held;
  /** The slot and first operation of the kept drawing being replayed. */
  let keptFrom: { slot: number; at: number } | null = null;
  let at = 0;
  const next = (): number => {
    if (at >= ops.length) throw new Error('canvas replay: the frame ends inside an operation');
    return ops[at++] as number;
  };
  const text = (id: number): string => {
    const found = strings.get(id);
    if (found === undefined) throw new Error(`canvas replay: no string ${id}`);
    return found;
  };
  while (at < ops.length) {
    const op = next();
    switch (op) {
      case OP.save:
        ctx.save();
        saved(1);
        break;
      case OP.restore:
        ctx.restore();
        saved(-1);
        break;
      case OP.setTransform:
        ctx.setTransform(next(), next(), next(), next(), next(), next());
        break;
      case OP.clearRect:
        ctx.clearRect(next(), next(), next(), next());
        break;
      case OP.clearAll:
        ctx.save();
        ctx.setTransform(1, 0, 0, 1, 0, 0);
        ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
        ctx.restore();
        break;
      case OP.beginPath:
        ctx.beginPath();
        break;
      case OP.moveTo:
        ctx.moveTo(next(), next());
        break;
      case OP.arc:
        ctx.arc(next(), next(), next(), next(), next());
        break;
      case OP.rect:
        ctx.rect(next(), next(), next(), next());
        break;
      case OP.fill:
        ctx.fill();
        break;
      case OP.stroke:
        ctx.stroke();
        break;
      case OP.lineDash: {
        const count = next();
        const segments: number[] = [];
        for (let i = 0; i < count; i += 1) segments.push(next());
        ctx.setLineDash(segments);
        break;
      }
      case OP.alpha:
        ctx.globalAlpha = next();
        break;
      case OP.fillStyle:
        ctx.fillStyle = text(next());
        break;
      case OP.strokeStyle:
        ctx.strokeStyle = text(next());
        break;
      case OP.lineWidth:
        ctx.lineWidth = next();
        break;
      case OP.stamp: {
        const id = next();
        const [width, height, count] = [next(), next(), next()];
        const image = sprites.get(id);
        if (!image) throw new Error(`canvas replay: no sprite ${id}`);
        if (at + count * 2 > ops.length) throw new Error('canvas replay: the frame ends inside a stamp');
        for (let i = 0; i < count; i += 1) ctx.drawImage(image, ops[at++] as number, ops[at++] as number, width, height);
        break;
      }
      case OP.keep:
        if (!keeping || keptFrom) throw new Error('canvas replay: a kept drawing inside another');
        keptFrom = { slot: next(), at: 0 };
        keptFrom.at = at;
        break;
      case OP.keptEnd:
        if (!keptFrom) throw new Error('canvas replay: the end of no kept drawing');
        kept.set(keptFrom.slot, ops.slice(keptFrom.at, at - 1));
        keptFrom = null;
        break;
      case OP.drawKept: {
        const slot = next();
        const drawing = kept.get(slot);
        if (!keeping || keptFrom) throw new Error('canvas replay: a kept drawing drawn inside one');
        if (!drawing) throw new Error(`canvas replay: no kept drawing ${slot}`);
        replayOps(ctx, drawing, held, false, saved);
        break;
      }
      case OP.forget:
        kept.delete(next());
        break;
      default:
        throw new Error(`canvas replay: unknown operation ${op}`);
    }
  }
  if (keptFrom) throw new Error('canvas replay: the frame ends inside a kept drawing');
}
