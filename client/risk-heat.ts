import { RISK_LEVEL_COLOURS } from './theme-risk.js';

/** A point of heat in the canvas's CSS pixels, its intensity 0..1. */
export interface HeatPoint {
  x: number;
  y: number;
  value: number;
}

/**
 * The heat's colour ramp, from faint to hot: the risk levels' own colours (蓝 → 黄 → 橙 → 红), so
 * the map and the list speak the same colours. Stops are of the accumulated intensity 0..1.
 */
export const HEAT_STOPS: readonly (readonly [number, string])[] = [
  [0.0, 'rgba(61,139,255,0)'],
  [0.18, RISK_LEVEL_COLOURS.blue],
  [0.45, RISK_LEVEL_COLOURS.yellow],
  [0.7, RISK_LEVEL_COLOURS.orange],
  [0.92, RISK_LEVEL_COLOURS.red],
];

/** The most opaque the heat gets: the district borders and school dots stay readable under it. */
const MAX_ALPHA = 0.78;

/** Accumulated alpha (0–255) below which nothing is drawn. */
const FRINGE = 6;

/** 256 RGBA entries along HEAT_STOPS (a 256×1 gradient read back). */
function palette(): Uint8ClampedArray {
  const canvas = document.createElement('canvas');
  canvas.width = 256;
  canvas.height = 1;
  const context = canvas.getContext('2d');
  if (!context) return new Uint8ClampedArray(1024);
  const gradient = context.createLinearGradient(0, 0, 256, 0);
  for (const [stop, colour] of HEAT_STOPS) gradient.addColorStop(stop, colour);
  context.fillStyle = gradient;
  context.fillRect(0, 0, 256, 1);
  return context.getImageData(0, 0, 256, 1).data;
}

let cachedPalette: Uint8ClampedArray | null = null;

/** A soft round stamp of `radius` (device pixels): alpha 1 at the centre fading to 0 at the edge. */
function stamp(radius: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  const size = Math.max(2, Math.ceil(radius * 2));
  canvas.width = size;
  canvas.height = size;
  const context = canvas.getContext('2d');
  if (!context) return canvas;
  const gradient = context.createRadialGradient(size / 2, size / 2, 0, size / 2, size / 2, size / 2);
  gradient.addColorStop(0, 'rgba(0,0,0,1)');
  gradient.addColorStop(0.45, 'rgba(0,0,0,0.55)');
  gradient.addColorStop(1, 'rgba(0,0,0,0)');
  context.fillStyle = gradient;
  context.fillRect(0, 0, size, size);
  return canvas;
}

/**
 * Draws the heat into `canvas` (already sized in device pixels, `ratio` device pixels per CSS
 * pixel): each point is a soft blob of `radius` CSS pixels whose opacity is its value; the
 * accumulated alpha is then coloured along HEAT_STOPS. The simpleheat technique, with no library.
 */
export function drawHeat(canvas: HTMLCanvasElement, points: readonly HeatPoint[], radius: number, ratio: number): void {
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) return;
  context.clearRect(0, 0, canvas.width, canvas.height);
  if (points.length === 0 || canvas.width === 0 || canvas.height === 0) return;
  const deviceRadius = radius * ratio;
  const blob = stamp(deviceRadius);
  const half = blob.width / 2;
  for (const point of points) {
    const x = point.x * ratio;
    const y = point.y * ratio;
    if (x < -half || y < -half || x > canvas.width + half || y > canvas.height + half) continue;
    context.globalAlpha = Math.min(1, Math.max(0.04, point.value));
    context.drawImage(blob, x - half, y - half);
  }
  context.globalAlpha = 1;
  const image = context.getImageData(0, 0, canvas.width, canvas.height);
  const pixels = image.data;
  cachedPalette ??= palette();
  const colours = cachedPalette;
  for (let i = 3; i < pixels.length; i += 4) {
    const alpha = pixels[i] ?? 0;
    if (alpha === 0) continue;
    const offset = alpha * 4;
    pixels[i - 3] = colours[offset] ?? 0;
    pixels[i - 2] = colours[offset + 1] ?? 0;
    pixels[i - 1] = colours[offset + 2] ?? 0;
    // The faintest fringe is left out (no haze over the whole map); the rest is at least clearly tinted.
    pixels[i] = alpha < FRINGE ? 0 : Math.round(Math.min(255 * MAX_ALPHA, 50 + alpha * 0.85));
  }
  context.putImageData(image, 0, 0);
}
