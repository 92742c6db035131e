/**
 * The point canvases' drawing as data (issue 17 item 4): the page's paints record what they draw
 * into a `CanvasRecorder` and a worker replays it (canvasReplay.ts) on the canvas it was handed
 * (`transferControlToOffscreen`), so the rasterising and the commit of a full-screen bitmap —
 * most of a province pan's long frame in software rendering — leave the page's thread.
 *
 * Only what the point layers draw is recorded: sprite stamps, rectangles and arcs filled or
 * stroked, the alpha, styles, line width and dashes, and the transform. The frame goes as one
 * `Float64Array` (transferred, not copied) with the style strings it has not sent before.
 *
 * A layer's drawing can be kept by the worker (`keep` … `keepEnd`) and drawn again by its slot
 * (`drawKept`): a pan that stays inside a layer's last drawing sends two numbers, not the drawing.
 */

/** What a point layer's paint draws with: a real 2D context on the page, or a recorder. */
export interface PaintContext {
  globalAlpha: number;
  fillStyle: string | CanvasGradient | CanvasPattern;
  strokeStyle: string | CanvasGradient | CanvasPattern;
  lineWidth: number;
  save(): void;
  restore(): void;
  setTransform(a: number, b: number, c: number, d: number, e: number, f: number): void;
  clearRect(x: number, y: number, width: number, height: number): void;
  beginPath(): void;
  moveTo(x: number, y: number): void;
  arc(x: number, y: number, radius: number, startAngle: number, endAngle: number): void;
  rect(x: number, y: number, width: number, height: number): void;
  fill(): void;
  stroke(): void;
  setLineDash(segments: number[]): void;
  drawImage(image: CanvasImageSource, x: number, y: number, width: number, height: number): void;
}

/** The operations of a recorded frame, each followed by its numbers. */
export const OP = {
  save: 1,
  restore: 2,
  /** a b c d e f */
  setTransform: 3,
  /** x y width height */
  clearRect: 4,
  /** The whole bitmap, whatever the transform. */
  clearAll: 5,
  beginPath: 6,
  /** x y */
  moveTo: 7,
  /** x y radius start end */
  arc: 8,
  /** x y width height */
  rect: 9,
  fill: 10,
  stroke: 11,
  /** count, then the segments */
  lineDash: 12,
  /** alpha */
  alpha: 13,
  /** string id (the worker keeps each string by id, sent once) */
  fillStyle: 14,
  /** string id */
  strokeStyle: 15,
  /** width */
  lineWidth: 16,
  /** sprite id, width, height, count, then count × (x, y): the sprite's top-left corners */
  stamp: 17,
  /** slot: what follows, up to `keptEnd`, is drawn and also kept by the worker in this slot of the canvas (replacing what it held) */
  keep: 18,
  keptEnd: 19,
  /** slot: the drawing the worker keeps in this slot, drawn again */
  drawKept: 20,
  /** slot: the worker lets go of what it keeps in this slot */
  forget: 21,
} as const;

/** A sprite the worker is sent once and stamps by its id. */
export interface SpriteImage {
  id: number;
  image: ImageBitmap;
}

/** A style string the worker is sent once and looks up by its id. */
export interface StyleString {
  id: number;
  text: string;
}

/** One recorded frame, as it is posted to the worker: its operations, and the sprites and strings the worker does not hold yet. */
export interface RecordedFrame {
  ops: Float64Array<ArrayBuffer>;
  strings: StyleString[];
  sprites: SpriteImage[];
}

/**
 * What one worker already holds, shared by the recorders of its canvases: a frame sends only the
 * sprites and strings that are new to it, and a drawing it keeps stays valid — their ids mean the
 * same to that worker for as long as it lives.
 */
export interface SentToWorker {
  sprites: Set<number>;
  strings: Set<number>;
}

export function sentToWorker(): SentToWorker {
  return { sprites: new Set(), strings: new Set() };
}

/** Sprite ids, one per sprite image, and string ids, one per style string, for every recorder on the page. */
const spriteIds = new WeakMap<object, number>();
let nextSpriteId = 1;
const stringIds = new Map<string, number>();
/** Kept drawings' generations, for every recorder on the page. */
let nextKeptGeneration = 1;
/** At most this many style strings get ids (the map's layers use a dozen colours); past it, a string is refused. */
const MAX_STRING_IDS = 10_000;

interface StyleState {
  globalAlpha: number;
  fillStyle: string;
  strokeStyle: string;
  lineWidth: number;
}

const INITIAL_STYLE: StyleState = { globalAlpha: 1, fillStyle: '#000000', strokeStyle: '#000000', lineWidth: 1 };

/**
 * Records drawing calls for a worker to replay. Setting a style records it; reading one answers
 * the last set (save and restore kept in step). Gradients and patterns are not recorded (the point
 * layers draw none): setting one throws, so a paint that starts using them fails loudly in tests.
 */
export class CanvasRecorder implements PaintContext {
  private ops: Float64Array<ArrayBuffer> = new Float64Array(4_096);
  private length = 0;
  private newStrings: StyleString[] = [];
  private newSprites: SpriteImage[] = [];
  private style: StyleState = { ...INITIAL_STYLE };
  private readonly styles: StyleState[] = [];
  /** How many saves are open: a clear of the whole canvas outside them starts the drawing anew. */
  private depth = 0;
  /** The last transform set outside any save since the last `take`: kept when the drawing before a clear is dropped. */
  private transform: [number, number, number, number, number, number] | null = null;
  /** The slots whose kept drawing the worker holds (or gets in the frame being recorded), with its generation. */
  private readonly keptSlots = new Map<number, number>();
  /** The slots kept, and those let go, in the frame being recorded: a clear that drops the frame drops them too. */
  private pendingKeeps: number[] = [];
  private pendingForgets: number[] = [];
  /** The slot of the kept drawing being recorded. */
  private keeping: number | null = null;

  /**
   * @param sent what the worker already holds (shared by the recorders of one worker)
   * @param onFirstOp called when a frame's first operation is recorded (the owner schedules its flush)
   */
  constructor(
    private readonly sent: SentToWorker,
    private readonly onFirstOp: () => void,
  ) {}

  /** Whether anything is recorded since the last `take`. */
  get pending(): boolean {
    return this.length > 0;
  }

  /** The frame recorded so far, and a fresh start for the next. */
  take(): RecordedFrame {
    const frame = { ops: this.ops.slice(0, this.length), strings: this.newStrings, sprites: this.newSprites };
    this.length = 0;
    this.pendingKeeps = [];
    this.pendingForgets = [];
    this.newStrings = [];
    this.newSprites = [];
    this.transform = null;
    return frame;
  }

  get globalAlpha(): number {
    return this.style.globalAlpha;
  }
  set globalAlpha(alpha: number) {
    this.style.globalAlpha = alpha;
    this.push(OP.alpha, alpha);
  }
  get fillStyle(): string {
    return this.style.fillStyle;
  }
  set fillStyle(style: string | CanvasGradient | CanvasPattern) {
    this.style.fillStyle = this.styleString(style);
    this.push(OP.fillStyle, this.intern(this.style.fillStyle));
  }
  get strokeStyle(): string {
    return this.style.strokeStyle;
  }
  set strokeStyle(style: string | CanvasGradient | CanvasPattern) {
    this.style.strokeStyle = this.styleString(style);
    this.push(OP.strokeStyle, this.intern(this.style.strokeStyle));
  }
  get lineWidth(): number {
    return this.style.lineWidth;
  }
  set lineWidth(width: number) {
    this.style.lineWidth = width;
    this.push(OP.lineWidth, width);
  }

  save(): void {
    this.styles.push({ ...this.style });
    this.depth += 1;
    this.push(OP.save);
  }
  restore(): void {
    this.style = this.styles.pop() ?? { ...INITIAL_STYLE };
    this.depth = Math.max(0, this.depth - 1);
    this.push(OP.restore);
  }
  setTransform(a: number, b: number, c: number, d: number, e: number, f: number): void {
    if (this.depth === 0) this.transform = [a, b, c, d, e, f];
    this.push(OP.setTransform, a, b, c, d, e, f);
  }
  clearRect(x: number, y: number, width: number, height: number): void {
    this.push(OP.clearRect, x, y, width, height);
  }
  /**
   * Clears the whole bitmap, whatever the transform (the page does not know the worker's bitmap
   * size). Outside any save, whatever was recorded since the last `take` would be wiped by this
   * clear: it is dropped (but for the last transform set), so a frame waiting for a busy worker
   * holds one drawing however many redraws came meanwhile. The drawings it kept are dropped with
   * it; the slots it let go are let go again.
   */
  clearAll(): void {
    if (this.depth === 0 && this.length > 0) {
      const transform = this.transform;
      const forgets = this.pendingForgets;
      this.length = 0;
      for (const slot of this.pendingKeeps) this.keptSlots.delete(slot);
      this.pendingKeeps = [];
      this.pendingForgets = [];
      if (transform) this.setTransform(...transform);
      for (const slot of forgets) {
        this.pendingForgets.push(slot);
        this.push(OP.forget, slot);
      }
    }
    this.push(OP.clearAll);
  }
  beginPath(): void {
    this.push(OP.beginPath);
  }
  moveTo(x: number, y: number): void {
    this.push(OP.moveTo, x, y);
  }
  arc(x: number, y: number, radius: number, startAngle: number, endAngle: number): void {
    this.push(OP.arc, x, y, radius, startAngle, endAngle);
  }
  rect(x: number, y: number, width: number, height: number): void {
    this.push(OP.rect, x, y, width, height);
  }
  fill(): void {
    this.push(OP.fill);
  }
  stroke(): void {
    this.push(OP.stroke);
  }
  setLineDash(segments: number[]): void {
    this.push(OP.lineDash, segments.length, ...segments);
  }
  drawImage(image: CanvasImageSource, x: number, y: number, width: number, height: number): void {
    this.stamp(image, width, height, [x, y]);
  }

  /**
   * Stamps `image` (`width` × `height` CSS px) with its top-left corner at each (x, y) of
   * `corners`, flat: one operation for a whole layer's points.
   */
  stamp(image: CanvasImageSource, width: number, height: number, corners: ArrayLike<number>): void {
    if (!(typeof ImageBitmap === 'function' && image instanceof ImageBitmap)) throw new Error('canvas recorder: only ImageBitmap sprites can be sent to the worker');
    const count = Math.floor(corners.length / 2);
    if (count === 0) return;
    let id = spriteIds.get(image);
    if (id === undefined) spriteIds.set(image, (id = nextSpriteId++));
    if (!this.sent.sprites.has(id)) {
      this.sent.sprites.add(id);
      this.newSprites.push({ id, image });
    }
    this.push(OP.stamp, id, width, height, count);
    this.reserve(count * 2);
    for (let i = 0; i < count * 2; i += 1) this.ops[this.length++] = corners[i] ?? 0;
  }

  private styleString(style: string | CanvasGradient | CanvasPattern): string {
    if (typeof style !== 'string') throw new Error('canvas recorder: only colour strings can be sent to the worker');
    return style;
  }

  /**
   * Starts a drawing the worker keeps in `slot` of this canvas as it draws it, replacing what the
   * slot held; `keepEnd` ends it. What is recorded in between must leave the context as it found
   * it (saves and restores in pairs, styles set inside them), as it is drawn again elsewhere in
   * later frames. Answers the drawing's generation, for `drawKept`.
   */
  keep(slot: number): number {
    if (this.keeping !== null) throw new Error('canvas recorder: a kept drawing inside another');
    const generation = nextKeptGeneration++;
    this.keeping = slot;
    this.keptSlots.set(slot, generation);
    this.pendingKeeps.push(slot);
    this.push(OP.keep, slot);
    return generation;
  }

  keepEnd(): void {
    if (this.keeping === null) throw new Error('canvas recorder: no kept drawing to end');
    this.keeping = null;
    this.push(OP.keptEnd);
  }

  /**
   * Records the drawing kept in `slot` again, if the worker holds that generation of it (or gets
   * it in this frame); answers false when it does not — a clear dropped the frame that carried
   * it, or the worker failed a frame since — and the layer paints anew.
   */
  drawKept(slot: number, generation: number): boolean {
    if (this.keeping !== null || this.keptSlots.get(slot) !== generation) return false;
    this.push(OP.drawKept, slot);
    return true;
  }

  /** The layer that kept drawings in `slot` left: the worker lets go of them. */
  forget(slot: number): void {
    if (!this.keptSlots.delete(slot)) return;
    this.pendingForgets.push(slot);
    this.push(OP.forget, slot);
  }

  /** The worker failed a frame: what it keeps may not be what this recorder thinks, so nothing is drawn again from it. */
  forgetKept(): void {
    this.keptSlots.clear();
  }

  private intern(text: string): number {
    let id = stringIds.get(text);
    if (id === undefined) {
      if (stringIds.size >= MAX_STRING_IDS) throw new Error('canvas recorder: too many style strings');
      stringIds.set(text, (id = stringIds.size + 1));
    }
    if (!this.sent.strings.has(id)) {
      this.sent.strings.add(id);
      this.newStrings.push({ id, text });
    }
    return id;
  }

  private push(op: number, ...numbers: number[]): void {
    if (this.length === 0) this.onFirstOp();
    this.reserve(1 + numbers.length);
    this.ops[this.length++] = op;
    for (const value of numbers) this.ops[this.length++] = value;
  }

  private reserve(more: number): void {
    if (this.length + more <= this.ops.length) return;
    let size = this.ops.length * 2;
    while (size < this.length + more) size *= 2;
    const grown = new Float64Array(size);
    grown.set(this.ops.subarray(0, this.length));
    this.ops = grown;
  }
}
