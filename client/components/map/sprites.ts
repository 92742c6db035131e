/**
 * Sprites for the canvas point layers (pointCanvas.ts): a look (a school's dot, a police post, a
 * 护学岗 ring) drawn once into a bitmap and stamped at every point.
 */
import L from 'leaflet';
import { CanvasRecorder, type PaintContext } from './canvasRecording.js';

/** A small picture drawn once and stamped at every point (`drawImage`): far cheaper than a path per point at province scale. */
export interface Sprite {
  /** An ImageBitmap where the browser has OffscreenCanvas (stamping a canvas element copies it at every stamp in Chromium's software canvas). */
  image: CanvasImageSource;
  /** Its size in CSS pixels; the image holds it at the canvas' pixel ratio. */
  width: number;
  height: number;
}

/** What a sprite is drawn with: an offscreen canvas' context or, without OffscreenCanvas, a canvas element's. */
export type SpriteContext = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

const sprites = new Map<string, Sprite>();

/**
 * The sprite `key`, `width` × `height` CSS px, drawn by `draw` (its origin at the centre) the first
 * time it is asked for. At Leaflet's pixel ratio (2 on a high-density screen, as its canvas), so a
 * stamp is as sharp as the path it replaces.
 */
export function sprite(key: string, width: number, height: number, draw: (ctx: SpriteContext) => void): Sprite {
  const ratio = L.Browser.retina ? 2 : 1;
  const cacheKey = `${key}@${ratio}`;
  const known = sprites.get(cacheKey);
  if (known) return known;
  const [pixelsX, pixelsY] = [Math.ceil(width * ratio), Math.ceil(height * ratio)];
  const paintOn = (ctx: SpriteContext | null): void => {
    if (!ctx) return;
    ctx.scale(ratio, ratio);
    ctx.translate(width / 2, height / 2);
    draw(ctx);
  };
  let image: CanvasImageSource;
  if (typeof OffscreenCanvas === 'function') {
    const offscreen = new OffscreenCanvas(pixelsX, pixelsY);
    paintOn(offscreen.getContext('2d'));
    image = offscreen.transferToImageBitmap();
  } else {
    const element = document.createElement('canvas');
    [element.width, element.height] = [pixelsX, pixelsY];
    paintOn(element.getContext('2d'));
    image = element;
  }
  const made = { image, width, height };
  sprites.set(cacheKey, made);
  return made;
}

/** Stamps `picture` centred on each point: on a recorder (canvasRecording.ts), as one operation for all of them. */
export function stamp(ctx: PaintContext, picture: Sprite, placed: readonly { x: number; y: number }[]): void {
  const { image, width, height } = picture;
  const halfW = width / 2;
  const halfH = height / 2;
  if (ctx instanceof CanvasRecorder) {
    const corners = new Float64Array(placed.length * 2);
    placed.forEach(({ x, y }, i) => {
      corners[i * 2] = Math.round(x - halfW);
      corners[i * 2 + 1] = Math.round(y - halfH);
    });
    ctx.stamp(image, width, height, corners);
    return;
  }
  for (const { x, y } of placed) ctx.drawImage(image, Math.round(x - halfW), Math.round(y - halfH), width, height);
}
