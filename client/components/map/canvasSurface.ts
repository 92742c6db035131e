import { CanvasRecorder, sentToWorker, type PaintContext, type SentToWorker } from './canvasRecording.js';
import { fromCanvasWorkerSchema, type ToCanvasWorker } from './canvasMessages.js';

/**
 * Where a point canvas' drawing goes (issue 17 item 4). In a browser that can hand a canvas to a
 * worker (`transferControlToOffscreen`), the paints are recorded and a worker draws them
 * (pointCanvas.worker.ts): at province scale the rasterising and the commit of a full-screen
 * bitmap were most of a pan's long frame, on the page's thread. Elsewhere (tests, an old browser,
 * a worker that failed) the paints draw on the canvas directly, as before.
 */
export interface CanvasSurface {
  /** What the paints draw with. */
  readonly ctx: PaintContext;
  /** The bitmap's size, device pixels. */
  readonly width: number;
  readonly height: number;
  /** Grows the bitmap to at least this size (device pixels; it never shrinks), its CSS size by `ratio`. Clears it. */
  grow(width: number, height: number, ratio: number): void;
  /** Clears the whole bitmap, whatever the transform. */
  clear(): void;
  /**
   * Runs `then` once what has been drawn so far is on the canvas: at once on the page; with a
   * worker, once it has drawn the frame (the canvas is moved to a new view's place only then, or
   * its old dots would show a frame at the new place).
   */
  whenDrawn(then: () => void): void;
  /** The canvas leaves the map. */
  release(): void;
}

/** The paints draw on the canvas itself. */
class PageSurface implements CanvasSurface {
  readonly ctx: CanvasRenderingContext2D;

  constructor(private readonly canvas: HTMLCanvasElement) {
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('point canvas: no 2D context');
    this.ctx = ctx;
  }

  get width(): number {
    return this.canvas.width;
  }

  get height(): number {
    return this.canvas.height;
  }

  grow(width: number, height: number, ratio: number): void {
    this.canvas.width = Math.max(this.canvas.width, width);
    this.canvas.height = Math.max(this.canvas.height, height);
    this.canvas.style.width = `${this.canvas.width / ratio}px`;
    this.canvas.style.height = `${this.canvas.height / ratio}px`;
  }

  clear(): void {
    this.ctx.save();
    this.ctx.setTransform(1, 0, 0, 1, 0, 0);
    this.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.ctx.restore();
  }

  whenDrawn(then: () => void): void {
    then();
  }

  release(): void {}
}

/** The page's one point-canvas worker, its canvases, and the sprites and strings it already holds. */
interface WorkerLink {
  worker: Worker;
  surfaces: Map<number, WorkerSurface>;
  /** The sprites and style strings it already holds. */
  sent: SentToWorker;
  /** Set when the worker failed: its canvases go back to the page. */
  lost: boolean;
}

let link: WorkerLink | null | undefined;
let nextCanvasId = 1;

/** Whether this browser can hand a canvas to a worker, and sprites to it as ImageBitmaps. */
function workerCanvasesSupported(): boolean {
  return (
    typeof Worker === 'function' &&
    typeof OffscreenCanvas === 'function' &&
    typeof ImageBitmap === 'function' &&
    typeof HTMLCanvasElement !== 'undefined' &&
    typeof HTMLCanvasElement.prototype.transferControlToOffscreen === 'function'
  );
}

function workerLink(): WorkerLink | null {
  if (link !== undefined) return link && !link.lost ? link : null;
  link = null;
  if (!workerCanvasesSupported()) return null;
  let worker: Worker;
  try {
    worker = new Worker(new URL('./pointCanvas.worker.ts', import.meta.url), { type: 'module' });
  } catch (error) {
    console.warn('point canvases: no worker, drawing on the page', error);
    return null;
  }
  const made: WorkerLink = { worker, surfaces: new Map(), sent: sentToWorker(), lost: false };
  worker.addEventListener('message', (event: MessageEvent<unknown>) => {
    const parsed = fromCanvasWorkerSchema.safeParse(event.data);
    if (!parsed.success) return;
    const { id, frame, error } = parsed.data;
    if (error !== undefined) {
      console.error(`point canvas ${id}: frame ${frame} not drawn: ${error}`);
      made.surfaces.get(id)?.ctx.forgetKept();
    }
    made.surfaces.get(id)?.drawn(frame);
  });
  worker.addEventListener('error', (event) => {
    // The worker did not load or died: its canvases cannot come back to the page's context, so
    // their owners make new ones, drawn on the page (`onLost`).
    console.error('point canvas worker failed: drawing on the page', event.message);
    made.lost = true;
    const surfaces = [...made.surfaces.values()];
    made.surfaces.clear();
    for (const surface of surfaces) surface.lose();
  });
  link = made;
  return made;
}

/** The paints are recorded and the worker draws them. */
class WorkerSurface implements CanvasSurface {
  readonly ctx: CanvasRecorder;
  private readonly id = nextCanvasId++;
  private nextFrame = 1;
  private size: [number, number];
  private newSize: [number, number] | null = null;
  private flushQueued = false;
  /** What to run once the frame being recorded is drawn. */
  private waiting: (() => void)[] = [];
  /** Frames sent and not yet drawn, oldest first, each with what waits for it. */
  private readonly inFlight: { frame: number; then: (() => void)[] }[] = [];
  private released = false;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly link: WorkerLink,
    private readonly onLost: () => void,
  ) {
    this.size = [canvas.width, canvas.height];
    const offscreen = canvas.transferControlToOffscreen();
    link.surfaces.set(this.id, this);
    this.post({ kind: 'canvas', id: this.id, canvas: offscreen }, [offscreen]);
    this.ctx = new CanvasRecorder(link.sent, () => this.flushSoon());
  }

  get width(): number {
    return this.size[0];
  }

  get height(): number {
    return this.size[1];
  }

  grow(width: number, height: number, ratio: number): void {
    const size: [number, number] = [Math.max(this.size[0], width), Math.max(this.size[1], height)];
    if (size[0] === this.size[0] && size[1] === this.size[1]) return;
    this.size = size;
    this.newSize = size;
    this.flushSoon();
    // The canvas' CSS size with the bitmap of that size, not before (a frame stretched otherwise).
    this.whenDrawn(() => {
      this.canvas.style.width = `${size[0] / ratio}px`;
      this.canvas.style.height = `${size[1] / ratio}px`;
    });
  }

  clear(): void {
    this.ctx.clearAll();
  }

  whenDrawn(then: () => void): void {
    if (this.ctx.pending || this.newSize || this.flushQueued) this.waiting.push(then);
    else if (this.inFlight.length > 0) this.inFlight[this.inFlight.length - 1]?.then.push(then);
    else then();
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.link.surfaces.delete(this.id);
    this.waiting = [];
    this.inFlight.length = 0;
    if (!this.link.lost) this.post({ kind: 'drop', id: this.id });
  }

  /** The worker has drawn `frame` (and so every frame before it): what was recorded meanwhile goes now. */
  drawn(frame: number): void {
    while (this.inFlight.length > 0 && (this.inFlight[0]?.frame ?? Infinity) <= frame) {
      for (const then of this.inFlight.shift()?.then ?? []) then();
    }
    this.flush();
  }

  /** The worker failed. */
  lose(): void {
    this.release();
    this.onLost();
  }

  private flushSoon(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    // Everything drawn in this task goes as one frame.
    queueMicrotask(() => this.flush());
  }

  /**
   * Sends what is recorded as one frame, unless the worker is still drawing the last one: then it
   * waits for it (`drawn`), and redraws recorded meanwhile replace each other (`clearAll`), so a
   * burst of redraws faster than the worker draws never queues up behind it.
   */
  private flush(): void {
    this.flushQueued = false;
    if (this.released || this.inFlight.length > 0 || (!this.ctx.pending && !this.newSize)) return;
    const recorded = this.ctx.take();
    const frame = this.nextFrame++;
    this.inFlight.push({ frame, then: this.waiting });
    this.waiting = [];
    this.post({ kind: 'frame', id: this.id, frame, size: this.newSize, ...recorded }, [recorded.ops.buffer]);
    this.newSize = null;
  }

  private post(message: ToCanvasWorker, transfer: Transferable[] = []): void {
    this.link.worker.postMessage(message, transfer);
  }
}

/**
 * The drawing surface of a new point canvas: handed to the worker where the browser can, drawn on
 * the page otherwise. `onLost` runs if the worker fails later: the owner then makes a new canvas
 * (which gets a page surface).
 */
export function canvasSurface(canvas: HTMLCanvasElement, onLost: () => void): CanvasSurface {
  const worker = workerLink();
  if (worker) {
    try {
      return new WorkerSurface(canvas, worker, onLost);
    } catch (error) {
      console.warn('point canvas: not handed to the worker, drawing on the page', error);
    }
  }
  return new PageSurface(canvas);
}
