import L from 'leaflet';
import { canvasSurface, type CanvasSurface } from './canvasSurface.js';
import { canvasJobWaiting, dropCanvasJob, queueCanvasJob } from './canvasTurns.js';

/** Leaflet's canvas renderer with its internals the point layers use. */
export interface RendererInternals extends L.Canvas {
  /** Where the paints draw: the canvas itself, or a worker's copy of it (canvasSurface.ts). */
  _surface?: CanvasSurface;
  _container?: HTMLCanvasElement;
  _paintPoints?: () => void;
  /** The worker drawing this canvas failed: a new canvas is made, drawn on the page. */
  _onLost?: () => void;
}

/** What the renderer's overrides read of Leaflet's renderer, beyond its public face. */
interface UpdateInternals {
  _map: L.Map & { _animatingZoom?: boolean };
  _bounds?: L.Bounds;
  _surface?: CanvasSurface;
  _container?: HTMLCanvasElement;
  _applied?: boolean;
  _onLost?: () => void;
  _onMouseMove: (event: Event) => void;
  _onClick: (event: Event) => void;
  _handleMouseOut: (event: Event) => void;
  fire(type: string): void;
}

/**
 * Leaflet's `L.Canvas` renderer (placement, padding, zoom animation) made to draw the point layers
 * (pointCanvas.ts): its path drawing replaced by `_paintPoints`, its drawing on a surface that may
 * be a worker's (canvasSurface.ts), its view applied in the canvases' turns (canvasTurns.ts).
 */
export const PaintingCanvas = L.Canvas.extend({
  /**
   * Leaflet's `_initContainer` (the canvas and its pointer handlers), with the drawing surface
   * made by `canvasSurface`: handed to a worker where the browser can, instead of the canvas'
   * own 2D context.
   */
  _initContainer(this: UpdateInternals) {
    const container = document.createElement('canvas');
    this._container = container;
    L.DomEvent.on(container, 'mousemove', this._onMouseMove, this);
    L.DomEvent.on(container, 'click dblclick mousedown mouseup contextmenu', this._onClick, this);
    L.DomEvent.on(container, 'mouseout', this._handleMouseOut, this);
    (container as HTMLCanvasElement & { _leaflet_disable_events?: boolean })._leaflet_disable_events = true;
    this._surface = canvasSurface(container, () => this._onLost?.());
  },
  _destroyContainer(this: UpdateInternals) {
    this._surface?.release();
    delete this._surface;
    this._applied = false;
    const container = this._container;
    if (!container) return;
    L.DomUtil.remove(container);
    L.DomEvent.off(container);
    delete this._container;
  },
  /** Leaflet's clear of the whole canvas (the point layers never ask for a part). */
  _clear(this: UpdateInternals) {
    this._surface?.clear();
  },
  _draw(this: RendererInternals & UpdateInternals) {
    // Before its first view is applied the canvas has no size or place, and with a view waiting
    // (a reset moved the canvas) its turn draws: nothing to draw now.
    if (this._applied && !canvasJobWaiting(this)) this._paintPoints?.();
  },
  /**
   * Leaflet's `L.Canvas._update`, in two parts: the new bounds now (Leaflet's zoom transforms read
   * them), the canvas placed, cleared and drawn in a turn of its own (`queueCanvasJob`).
   */
  _update(this: UpdateInternals & { _applyUpdate: () => void }) {
    if (this._map._animatingZoom && this._bounds) return;
    (L.Renderer.prototype as unknown as { _update: (this: UpdateInternals) => void })._update.call(this);
    queueCanvasJob(this, () => this._applyUpdate());
  },
  /**
   * The rest of Leaflet's `_update`, with two changes: the canvas keeps its bitmap when it is
   * large enough (every pan's end), cleared instead of reallocated — Leaflet sets its width and
   * height every time, a new bitmap per canvas per pan; and it moves to the view's place once the
   * view is drawn on it (at once on the page; with a worker, when the worker has drawn it).
   */
  _applyUpdate(this: UpdateInternals) {
    // Mid-zoom, Leaflet's transform scales the canvas: the zoom's end brings a new update.
    if (this._map._animatingZoom) return;
    const bounds = this._bounds;
    const container = this._container;
    const surface = this._surface;
    if (!bounds?.min || !bounds.max || !container || !surface) return;
    const min = bounds.min;
    const size = bounds.getSize();
    const ratio = L.Browser.retina ? 2 : 1;
    // A canvas only grows: one already large enough keeps its bitmap, the part past the padded view
    // left blank (a map a few pixels smaller — a bar above it taking a line as the data comes — was
    // a new bitmap for every layer, 50–120 ms each in software rendering, and new buffers at the
    // next commits).
    if (surface.width < ratio * size.x || surface.height < ratio * size.y) surface.grow(ratio * size.x, ratio * size.y, ratio);
    surface.clear();
    surface.ctx.setTransform(ratio, 0, 0, ratio, -ratio * min.x, -ratio * min.y);
    this._applied = true;
    this.fire('update');
    surface.whenDrawn(() => {
      // A placement that comes mid-zoom is left to the zoom's end (which places and draws anew).
      if (this._container === container && !this._map._animatingZoom) L.DomUtil.setPosition(container, min);
    });
  },
  onRemove(this: UpdateInternals & { _applyUpdate: () => void }) {
    dropCanvasJob(this);
    (L.Canvas.prototype as unknown as { onRemove: (this: UpdateInternals) => void }).onRemove.call(this);
  },
}) as unknown as new (options: L.RendererOptions) => RendererInternals;
