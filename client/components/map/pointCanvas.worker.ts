import { replay } from './canvasReplay.js';
import { toCanvasWorkerSchema, type FromCanvasWorker } from './canvasMessages.js';

/**
 * Draws the map's point canvases off the page's thread (canvasSurface.ts): each canvas was handed
 * over with `transferControlToOffscreen`, each frame arrives as recorded operations
 * (canvasRecording.ts) and is replayed here. The bitmap reaches the screen when this task ends,
 * and the page is told the frame is drawn, so it moves the canvas to the frame's place only then.
 */
const canvases = new Map<number, OffscreenCanvasRenderingContext2D>();
const sprites = new Map<number, ImageBitmap>();
/** The style strings, by id: each sent once (canvasRecording.ts). */
const strings = new Map<number, string>();
/** Each canvas' kept drawings, by slot (canvasRecording.ts, `keep`): let go with the canvas. */
const kept = new Map<number, Map<number, Float64Array>>();

function answer(message: FromCanvasWorker): void {
  self.postMessage(message);
}

/** The canvas and frame numbers of a message that looks like a frame, whatever else is wrong with it. */
function frameOf(data: unknown): { id: number; frame: number } | null {
  if (typeof data !== 'object' || data === null) return null;
  const { kind, id, frame } = data as Record<string, unknown>;
  if (kind !== 'frame' || !Number.isInteger(id) || !Number.isInteger(frame) || (id as number) < 1 || (frame as number) < 0) return null;
  return { id: id as number, frame: frame as number };
}

self.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = toCanvasWorkerSchema.safeParse(event.data);
  if (!parsed.success) {
    // A frame refused is still answered: the page sends its next frame only once this one is done.
    const refused = frameOf(event.data);
    if (refused) answer({ kind: 'drawn', ...refused, error: `frame refused: ${parsed.error.issues[0]?.message ?? 'bad shape'}` });
    else console.warn('point canvas worker: a message refused', parsed.error.issues[0]?.message);
    return;
  }
  const message = parsed.data;
  if (message.kind === 'canvas') {
    const ctx = message.canvas.getContext('2d');
    if (ctx) canvases.set(message.id, ctx);
    return;
  }
  if (message.kind === 'drop') {
    canvases.delete(message.id);
    kept.delete(message.id);
    return;
  }
  for (const { id, image } of message.sprites) sprites.set(id, image);
  for (const { id, text } of message.strings) strings.set(id, text);
  const ctx = canvases.get(message.id);
  let error: string | undefined;
  if (!ctx) {
    error = `no canvas ${message.id}`;
  } else {
    try {
      if (message.size) {
        const [width, height] = message.size;
        // Setting a side resets the bitmap and the context's state: only when it grows.
        if (ctx.canvas.width !== width || ctx.canvas.height !== height) [ctx.canvas.width, ctx.canvas.height] = [width, height];
      }
      let canvasKept = kept.get(message.id);
      if (!canvasKept) kept.set(message.id, (canvasKept = new Map()));
      replay(ctx, message.ops, { strings, sprites, kept: canvasKept });
    } catch (failure) {
      error = failure instanceof Error ? failure.message : String(failure);
    }
  }
  answer({ kind: 'drawn', id: message.id, frame: message.frame, ...(error === undefined ? {} : { error }) });
});
