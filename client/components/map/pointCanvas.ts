import L from 'leaflet';
import { ensurePane } from '../../composables/useLeafletMap.js';
import { GridIndex, type Located } from '../../grid-index.js';
import { CanvasRecorder, type PaintContext } from './canvasRecording.js';
import { canvasJobWaiting, dropCanvasJob, queueCanvasJob } from './canvasTurns.js';
import { keptDrawingFits, KEPT_REACH, type KeptDrawing } from './keptDrawing.js';
import { PaintingCanvas, type RendererInternals } from './paintingCanvas.js';
import { pointerHub, type Hit } from './pointerHub.js';

/**
 * A map layer of many points drawn on one canvas (issue 17: province scale): only the points in
 * the padded view are projected and drawn, found through a grid, when the map comes to rest; a
 * drag only moves the canvas. No Leaflet layer per point, so adding 50,000 of them costs the grid,
 * and a pointer's hit test and tooltip look at the few points around it.
 *
 * The canvas is Leaflet's own `L.Canvas` renderer (placement, padding, zoom animation), with its
 * drawing of paths replaced by `paint`.
 */

/**
 * The panes of the point canvases, by z-index (Leaflet's overlay pane is 400, markers 600): one
 * canvas each. `schools`: the 护学岗 coverage circles under the school dots, under the district
 * names (425); `posts`: the 护学岗 rings under the police posts, under the cluster bubbles (445).
 */
export const POINT_PANES = { schools: 420, posts: 430 } as const;
export type PointPane = keyof typeof POINT_PANES;

/** The pane of a point canvas, with its z-index. */
export function pointPane(map: L.Map, pane: PointPane): HTMLElement {
  return ensurePane(map, pane, POINT_PANES[pane]);
}

/** A point as the paint function gets it: the item and where it lies, in layer pixels. */
export interface Placed<T> {
  item: T;
  x: number;
  y: number;
}

export interface PointCanvasOptions<T extends Located> {
  /**
   * The pane whose one canvas the layer draws on. Layers given the same pane share its canvas
   * (see `SharedCanvas`), drawn in the order of `order`, lowest first.
   */
  pane: PointPane;
  /** The layer's place among the layers on its pane's canvas: lower drawn first (under), 0 when not given. */
  order?: number;
  /** How far past the view's edge (px) a point can still show: its radius, or its coverage circle's. */
  reach: (zoom: number) => number;
  /** Whether the layer draws anything at this zoom at all: when not, its points are not even looked up. */
  drawsAt?: (zoom: number) => boolean;
  /**
   * Draws the points given (their order is the items' order; the paint may reorder): those in the
   * padded view, and with a canvas worker those around it too (a drawing kept for the next pans,
   * see `PointCanvas.paintOnto`). `inView` counts the ones in the padded view.
   */
  paint: (ctx: PaintContext, placed: Placed<T>[], zoom: number, inView: number) => void;
  /**
   * A layer whose paint chooses how to draw by the count in view (fewer details when thousands
   * show) says how here: a kept drawing is drawn again only while this answers the same.
   */
  detail?: (inView: number) => string;
  /** Interactive layers: how near (px) the pointer must be to a point to hit it. */
  hitRadius?: (zoom: number) => number;
  /** Whether a point can be hit now (e.g. not hidden inside a cluster). */
  hittable?: (item: T) => boolean;
  onClick?: (item: T) => void;
  tooltip?: (item: T) => string | HTMLElement;
  /** Offset of the tooltip above the point, px. */
  tooltipOffset?: (zoom: number) => number;
}

/** Leaflet's Web Mercator bound on latitude (SphericalMercator.MAX_LATITUDE). */
const MAX_LATITUDE = 85.0511287798;
const RADIANS = Math.PI / 180;

/**
 * Where points lie in layer pixels at `zoom`: Leaflet's `latLngToLayerPoint` for Web Mercator
 * (EPSG:3857, the map's CRS) as plain arithmetic — the same rounded pixel, without its two objects
 * per point (a province view places tens of thousands). Any other CRS goes through Leaflet.
 */
export function layerPointOf(map: L.Map, zoom: number): { x: (at: Located) => number; y: (at: Located) => number } {
  if (map.options.crs !== L.CRS.EPSG3857) {
    return { x: (at) => map.latLngToLayerPoint([at.lat, at.lng]).x, y: (at) => map.latLngToLayerPoint([at.lat, at.lng]).y };
  }
  const world = 256 * 2 ** zoom;
  const origin = map.getPixelOrigin();
  return {
    x: (at) => Math.round(world * (0.5 + at.lng / 360)) - origin.x,
    y: (at) => {
      const sin = Math.sin(Math.max(-MAX_LATITUDE, Math.min(MAX_LATITUDE, at.lat)) * RADIANS);
      return Math.round(world * (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI))) - origin.y;
    },
  };
}

/** The next point layer's slot for its kept drawing in the canvas worker. */
let nextSlot = 1;

/** The padded view, as Leaflet's canvas renderer covers it: Leaflet's default (a larger canvas costs every redraw and every frame). */
const PADDING = 0.1;
/** What a canvas shared by layers needs of each of them. */
interface CanvasMember {
  readonly order: number;
  readonly visible: boolean;
  paintOnto: () => void;
}

/**
 * One canvas for the point layers given the same pane (issue 17 item 4): every canvas on the page
 * is a bitmap of the padded view (12 MB at 1920×1080, 48 MB on a 4K wall) and, in the compositor,
 * buffers of the same size for its next frames; each new one is memory first touched, which on a
 * slow machine was 50–90 ms a canvas at the load. Layers next to each other in the map's stacking
 * order (the 护学岗 coverage under the schools; the 护学岗 rings under the police posts) draw on
 * one canvas, in their order: a redraw asked by any of them clears it and paints them all, once
 * however many asked before its turn.
 */
class SharedCanvas {
  readonly renderer: RendererInternals;
  private readonly members: CanvasMember[] = [];

  constructor(
    private readonly map: L.Map,
    private readonly pane: PointPane,
  ) {
    pointPane(map, pane);
    this.renderer = new PaintingCanvas({ pane, padding: PADDING });
    this.renderer._paintPoints = () => this.paintAll();
    // The worker failed: the canvas is made again, drawn on the page this time.
    this.renderer._onLost = () => {
      if (!this.map.hasLayer(this.renderer)) return;
      this.renderer.remove();
      this.renderer.addTo(this.map);
    };
  }

  get paneZIndex(): number {
    return POINT_PANES[this.pane];
  }

  join(member: CanvasMember): void {
    this.members.push(member);
    this.members.sort((a, b) => a.order - b.order);
    this.showIfAnyVisible();
  }

  /** Takes a layer off; the last one off removes the canvas. Answers whether any layer is left. */
  leave(member: CanvasMember): boolean {
    const at = this.members.indexOf(member);
    if (at >= 0) this.members.splice(at, 1);
    if (this.members.length > 0) {
      this.showIfAnyVisible();
      this.redrawSoon();
      return true;
    }
    dropCanvasJob(this);
    this.renderer._paintPoints = undefined;
    this.renderer._onLost = undefined;
    this.renderer.remove();
    return false;
  }

  /** The canvas is on the map while any of its layers is shown (a hidden canvas costs no redraw). */
  showIfAnyVisible(): void {
    const any = this.members.some((member) => member.visible);
    if (any && !this.map.hasLayer(this.renderer)) this.renderer.addTo(this.map);
    else if (!any && this.map.hasLayer(this.renderer)) this.renderer.remove();
  }

  /** Whether a turn that draws this canvas is already waiting. */
  get drawWaiting(): boolean {
    return canvasJobWaiting(this) || canvasJobWaiting(this.renderer);
  }

  /** Draws again in the canvases' turns (`queueCanvasJob`), once however many layers ask before it. */
  redrawSoon(): void {
    if (this.drawWaiting) return;
    queueCanvasJob(this, () => this.redraw());
  }

  /** Clears the canvas and paints every shown layer on it, lowest first. */
  redraw(): void {
    const surface = this.renderer._surface;
    if (!surface) return;
    surface.clear();
    this.paintAll();
  }

  /** Runs `then` once what has been painted so far is on the canvas (canvasSurface.ts, `whenDrawn`). */
  whenDrawn(then: () => void): void {
    const surface = this.renderer._surface;
    if (surface) surface.whenDrawn(then);
    else then();
  }

  /** Paints every shown layer, lowest first; one layer's failure does not keep the others off the canvas (it is thrown after). */
  private paintAll(): void {
    let failure: unknown = null;
    for (const member of this.members) {
      if (!member.visible) continue;
      try {
        member.paintOnto();
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== null) throw failure;
  }
}

const sharedCanvases = new WeakMap<L.Map, Map<PointPane, SharedCanvas>>();

function sharedCanvas(map: L.Map, pane: PointPane): SharedCanvas {
  let panes = sharedCanvases.get(map);
  if (!panes) sharedCanvases.set(map, (panes = new Map()));
  let shared = panes.get(pane);
  if (!shared) panes.set(pane, (shared = new SharedCanvas(map, pane)));
  return shared;
}

export class PointCanvas<T extends Located> implements CanvasMember {
  private grid = new GridIndex<T>([]);
  private readonly canvas: SharedCanvas;
  private shown = true;
  /** The last drawing, for the pans that stay inside it (with a canvas worker). */
  private kept: KeptDrawing<Placed<T>> | null = null;
  /** Where the canvas worker keeps this layer's drawing (`CanvasRecorder.keep`): one slot per layer on the page. */
  private readonly slot = nextSlot++;

  constructor(
    private readonly map: L.Map,
    private readonly options: PointCanvasOptions<T>,
  ) {
    this.canvas = sharedCanvas(map, options.pane);
    this.canvas.join(this);
    if (options.hitRadius) pointerHub(map).layers.add(this);
  }

  get order(): number {
    return this.options.order ?? 0;
  }

  get visible(): boolean {
    return this.shown;
  }

  /** Where the layer lies for the pointer: its pane, then its order on the pane's canvas (higher is on top). */
  get stackRank(): number {
    return this.canvas.paneZIndex * 1_000 + this.order;
  }

  /**
   * Replaces the points (a new registry) and draws them, in a turn of its own (`queueCanvasJob`):
   * the snapshot's arrival sets every layer's points at once, and one long task for all of them
   * would hold the page.
   */
  setItems(items: readonly T[]): void {
    queueCanvasJob(this, () => {
      this.grid = new GridIndex(items);
      this.kept = null;
      // The drawing in a turn of its own: a province's grid is 10–40 ms to build, its first paint as much.
      this.canvas.redrawSoon();
    });
  }

  /** Shows or hides the whole layer (a layer toggle). */
  setVisible(visible: boolean): void {
    if (visible === this.shown) return;
    this.shown = visible;
    this.canvas.showIfAnyVisible();
    this.canvas.redrawSoon();
  }

  /**
   * Draws again soon, once however many changes come before it (a burst of live states): in the
   * canvases' turns (`queueCanvasJob`), after at most a few frames, unless a turn that draws this
   * layer's canvas is already waiting.
   */
  redrawSoon(): void {
    this.kept = null;
    if (canvasJobWaiting(this)) return;
    this.canvas.redrawSoon();
  }

  /** Draws again now (a style or the hidden set changed): the whole canvas, with the layers sharing it. */
  redraw(): void {
    this.kept = null;
    this.canvas.redraw();
  }

  /** Runs `then` once what this layer has painted so far is on the canvas (with a worker, once it has drawn it). */
  whenDrawn(then: () => void): void {
    this.canvas.whenDrawn(then);
  }

  /**
   * Paints this layer's points in view on its canvas, over what the layers under it drew.
   *
   * With a canvas worker, the layer keeps what it recorded, and the points it covers: the points
   * in the padded view and those up to half a map around it (`KEPT_REACH`). A pan's end at the same
   * zoom that stays inside them, with nothing changed since (`redrawSoon`, `redraw`, new items) and
   * the same `detail`, has the worker draw the drawing it keeps again (`drawKept`: two numbers sent,
   * not the drawing) — no grid walk, no placing, no paint, no copy: at province scale those were
   * most of a pan's end on the page's thread (issue 17 item 4).
   * In layer pixels a point does not move while the zoom stays (the pixel origin changes only with
   * a zoom or a reset); the canvas' transform, set before, places the drawing in the new view.
   */
  paintOnto(): void {
    const ctx = this.canvas.renderer._surface?.ctx;
    if (!ctx || !this.map.getSize().x) return;
    const zoom = this.map.getZoom();
    if (this.options.drawsAt && !this.options.drawsAt(zoom)) return;
    const size = this.map.getSize();
    const reach = this.options.reach(zoom);
    const pad = size.multiplyBy(PADDING).add([reach, reach]);
    const view = L.bounds(this.map.containerPointToLayerPoint(pad.multiplyBy(-1)), this.map.containerPointToLayerPoint(size.add(pad)));
    const origin = this.map.getPixelOrigin();
    const detailOf = (inView: number): string => this.options.detail?.(inView) ?? '';
    const kept = this.kept;
    if (kept && keptDrawingFits(kept, { ctx, zoom, origin, view }, detailOf) && kept.ctx.drawKept(this.slot, kept.generation)) return;
    this.kept = null;
    const recorder = ctx instanceof CanvasRecorder ? ctx : null;
    const around = recorder ? size.multiplyBy(KEPT_REACH) : L.point(0, 0);
    const region = L.bounds(view.min?.subtract(around) ?? view.getCenter(), view.max?.add(around) ?? view.getCenter());
    const topLeft = this.map.layerPointToLatLng(region.getTopLeft());
    const bottomRight = this.map.layerPointToLatLng(region.getBottomRight());
    const placed: Placed<T>[] = [];
    const project = layerPointOf(this.map, zoom);
    const { min, max } = view as Required<L.Bounds>;
    let inView = 0;
    this.grid.forEachWithin(bottomRight.lat, topLeft.lng, topLeft.lat, bottomRight.lng, (item) => {
      const x = project.x(item);
      const y = project.y(item);
      placed.push({ item, x, y });
      if (x >= min.x && x <= max.x && y >= min.y && y <= max.y) inView += 1;
    });
    const generation = recorder?.keep(this.slot);
    ctx.save();
    try {
      this.options.paint(ctx, placed, zoom, inView);
    } finally {
      // A paint that throws still closes its save and its kept drawing (the next paint keeps anew).
      ctx.restore();
      recorder?.keepEnd();
    }
    if (recorder && generation !== undefined) this.kept = { ctx: recorder, zoom, origin, region, placed, detail: detailOf(inView), generation };
  }

  /** The hittable point nearest the container point within the hit radius, if any. */
  hit(at: L.Point): T | null {
    if (!this.options.hitRadius || !this.shown || !this.map.hasLayer(this.canvas.renderer)) return null;
    const radius = this.options.hitRadius(this.map.getZoom());
    const corner = this.map.containerPointToLatLng(at.subtract([radius, radius]));
    const opposite = this.map.containerPointToLatLng(at.add([radius, radius]));
    let best: T | null = null;
    let bestDistance = radius * radius;
    this.grid.forEachWithin(opposite.lat, corner.lng, corner.lat, opposite.lng, (item) => {
      if (this.options.hittable && !this.options.hittable(item)) return;
      const point = this.map.latLngToContainerPoint([item.lat, item.lng]);
      const distance = (point.x - at.x) ** 2 + (point.y - at.y) ** 2;
      if (distance <= bestDistance) [best, bestDistance] = [item, distance];
    });
    return best;
  }

  /** What the pointer at `at` would hit on this layer: its point, its click and its tooltip. */
  hitAt(at: L.Point): Hit | null {
    const item = this.hit(at);
    if (item === null) return null;
    const { onClick, tooltip, tooltipOffset } = this.options;
    return {
      at: item,
      click: () => onClick?.(item),
      tooltip: tooltip ? () => ({ content: tooltip(item), offset: tooltipOffset?.(this.map.getZoom()) ?? 8 }) : null,
    };
  }

  remove(): void {
    this.kept?.ctx.forget(this.slot);
    this.kept = null;
    dropCanvasJob(this);
    pointerHub(this.map).layers.delete(this);
    pointerHub(this.map).hide();
    if (!this.canvas.leave(this)) sharedCanvases.get(this.map)?.delete(this.options.pane);
  }
}
