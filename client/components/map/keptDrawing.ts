import type L from 'leaflet';
import type { CanvasRecorder, PaintContext } from './canvasRecording.js';

/**
 * A point layer's last drawing, kept for the pans that stay inside it (pointCanvas.ts,
 * `paintOnto`; issue 17 item 4): in layer pixels a point does not move while the zoom stays, so a
 * pan's end asks the canvas worker to draw the drawing it keeps again instead of walking the grid,
 * placing and painting.
 */

/**
 * How far around the padded view a layer's kept drawing reaches, in map sizes on each side: a pan
 * of up to this much draws the kept drawing again instead of painting anew.
 */
export const KEPT_REACH = 0.5;

/** A layer's drawing, recorded once and recorded again at each pan that stays inside it. */
export interface KeptDrawing<P extends { x: number; y: number }> {
  /** The recorder it belongs to: its sprite and string ids mean something to that worker only. */
  ctx: CanvasRecorder;
  zoom: number;
  origin: L.Point;
  /** What it covers, layer px. */
  region: L.Bounds;
  /** The points it drew, where they lie (layer px). */
  placed: readonly P[];
  /** The layer's detail when it was drawn (`PointCanvasOptions.detail`). */
  detail: string;
  /** Its generation in the layer's slot of the canvas worker (`CanvasRecorder.keep`). */
  generation: number;
}

/** Where a layer is asked to paint now: its canvas' context, the zoom, the pixel origin and the padded view (layer px). */
export interface PaintingView {
  ctx: PaintContext;
  zoom: number;
  origin: L.Point;
  view: L.Bounds;
}

/**
 * Whether the kept drawing can be recorded again for this view: the same recorder, zoom and pixel
 * origin, the view inside what it covers, and the same detail for the count now in view.
 */
export function keptDrawingFits<P extends { x: number; y: number }>(kept: KeptDrawing<P>, now: PaintingView, detailOf: (inView: number) => string): boolean {
  return (
    kept.ctx === now.ctx &&
    kept.zoom === now.zoom &&
    kept.origin.equals(now.origin) &&
    kept.region.contains(now.view) &&
    kept.detail === detailOf(countWithin(kept.placed, now.view))
  );
}

/** How many of the placed points lie inside the box (layer px). */
function countWithin(placed: readonly { x: number; y: number }[], box: L.Bounds): number {
  const { min, max } = box as Required<L.Bounds>;
  let count = 0;
  for (const { x, y } of placed) if (x >= min.x && x <= max.x && y >= min.y && y <= max.y) count += 1;
  return count;
}
