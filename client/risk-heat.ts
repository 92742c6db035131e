import { RISK_LEVEL_COLOURS } from './theme-risk.js';

/** A point of heat in the canvas's CSS pixels, its intensity 0..1 (the cell's share of the hottest). */
export interface HeatPoint {
  x: number;
  y: number;
  value: number;
}

/**
 * The heat's colour ramp, from faint to hot: the risk levels' own colours (蓝 → 黄 → 橙 → 红), so
 * the map and the list speak the same colours. Stops are of the shown intensity 0..1.
 */
export const HEAT_STOPS: readonly (readonly [number, string])[] = [
  [0.0, RISK_LEVEL_COLOURS.blue],
  [0.4, RISK_LEVEL_COLOURS.yellow],
  [0.7, RISK_LEVEL_COLOURS.orange],
  [1.0, RISK_LEVEL_COLOURS.red],
];

/** Intensity steps a blob is drawn at (its stamp is made once per step and size). */
const STEPS = 32;
/** Cells below this share of the hottest are not drawn: the map stays readable where little is wrong. */
export const HEAT_FLOOR = 0.04;

/**
 * The shown intensity of a value: its square root, so a cell at a quarter of the hottest reads
 * yellow-orange rather than vanishing beside one hot spot.
 */
export function heatIntensity(value: number): number {
  return Math.sqrt(Math.min(1, Math.max(0, value)));
}

/** 256 RGB entries along HEAT_STOPS (a 256×1 gradient read back). */
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

/**
 * A soft round blob for intensity step `step` (0..STEPS-1), `radius` device pixels: its colour on
 * the ramp, opaque towards the centre in proportion to the intensity, fading to nothing at the edge.
 */
function stamp(step: number, radius: number): HTMLCanvasElement {
  cachedPalette ??= palette();
  const intensity = step / (STEPS - 1);
  const at = Math.round(intensity * 255) * 4;
  const [r, g, b] = [cachedPalette[at] ?? 0, cachedPalette[at + 1] ?? 0, cachedPalette[at + 2] ?? 0];
  const alpha = 0.5 + 0.45 * intensity;
  const canvas = document.createElement('canvas');
  const size = Math.max(2, Math.ceil(radius * 2));
  canvas.width = size;
  canvas.height = size;
  const context = canvas.getContext('2d');
  if (!context) return canvas;
  const gradient = context.createRadialGradient(size / 2, size / 2, 0, size / 2, size / 2, size / 2);
  gradient.addColorStop(0, `rgba(${r},${g},${b},${alpha})`);
  gradient.addColorStop(0.55, `rgba(${r},${g},${b},${alpha * 0.85})`);
  gradient.addColorStop(1, `rgba(${r},${g},${b},0)`);
  context.fillStyle = gradient;
  context.fillRect(0, 0, size, size);
  return canvas;
}

/**
 * Draws the heat into `canvas` (already sized in device pixels, `ratio` device pixels per CSS
 * pixel): each cell a soft blob in its intensity's colour, hotter cells larger and drawn over
 * cooler ones — no summing of neighbours, so a dense district of quiet schools does not turn into
 * a hot haze and a hot cell keeps its own colour. `radius` is the hottest blob's, in CSS pixels.
 */
export function drawHeat(canvas: HTMLCanvasElement, points: readonly HeatPoint[], radius: number, ratio: number): void {
  const context = canvas.getContext('2d');
  if (!context) return;
  context.clearRect(0, 0, canvas.width, canvas.height);
  if (canvas.width === 0 || canvas.height === 0) return;
  const shown = points.filter((point) => point.value >= HEAT_FLOOR).sort((a, b) => a.value - b.value);
  const stamps = new Map<number, HTMLCanvasElement>();
  for (const point of shown) {
    const step = Math.round(heatIntensity(point.value) * (STEPS - 1));
    let blob = stamps.get(step);
    if (!blob) {
      blob = stamp(step, radius * ratio * (0.6 + 0.4 * (step / (STEPS - 1))));
      stamps.set(step, blob);
    }
    const half = blob.width / 2;
    const x = point.x * ratio;
    const y = point.y * ratio;
    if (x < -half || y < -half || x > canvas.width + half || y > canvas.height + half) continue;
    context.drawImage(blob, x - half, y - half);
  }
}
