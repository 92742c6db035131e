import { z } from 'zod';

/**
 * What the page and the point-canvas worker say to each other (canvasSurface.ts,
 * pointCanvas.worker.ts), checked on arrival: a message of another shape is refused, not drawn.
 */

/** The largest bitmap side the worker makes, in device pixels: a 4K wall at ratio 2 with Leaflet's padding. */
export const MAX_BITMAP_SIDE = 16_384;

const canvasId = z.number().int().positive();

const offscreenCanvas = z.custom<OffscreenCanvas>((value) => typeof OffscreenCanvas === 'function' && value instanceof OffscreenCanvas, {
  message: 'not an OffscreenCanvas',
});
const imageBitmap = z.custom<ImageBitmap>((value) => typeof ImageBitmap === 'function' && value instanceof ImageBitmap, {
  message: 'not an ImageBitmap',
});

export const toCanvasWorkerSchema = z.discriminatedUnion('kind', [
  /** A canvas handed over: the worker draws on it from now on. */
  z.object({ kind: z.literal('canvas'), id: canvasId, canvas: offscreenCanvas }),
  /** A frame to draw: the bitmap grown first when a size is given, then the operations replayed. */
  z.object({
    kind: z.literal('frame'),
    id: canvasId,
    frame: z.number().int().nonnegative(),
    size: z.tuple([z.number().int().positive().max(MAX_BITMAP_SIDE), z.number().int().positive().max(MAX_BITMAP_SIDE)]).nullable(),
    ops: z.instanceof(Float64Array),
    strings: z.array(z.object({ id: z.number().int().positive(), text: z.string().max(200) })).max(10_000),
    sprites: z.array(z.object({ id: z.number().int().positive(), image: imageBitmap })).max(1_000),
  }),
  /** The canvas left the map: the worker lets it go. */
  z.object({ kind: z.literal('drop'), id: canvasId }),
]);
export type ToCanvasWorker = z.infer<typeof toCanvasWorkerSchema>;

export const fromCanvasWorkerSchema = z.object({
  kind: z.literal('drawn'),
  id: canvasId,
  frame: z.number().int().nonnegative(),
  /** Why the frame could not be drawn, when it could not (the page logs it). */
  error: z.string().optional(),
});
export type FromCanvasWorker = z.infer<typeof fromCanvasWorkerSchema>;
