import type L from 'leaflet';
import { layoutLabels, nearestPointOnBox, type Box, type LabelRequest } from '../../label-layout.js';
import { nextTask } from '../../reactive-bulk.js';

/** One drawn alarm ring whose label the labeller places. */
export interface LabelledRing {
  id: string;
  latLng: L.LatLngExpression;
  /** The label element, positioned relative to the ring's centre. */
  label: HTMLElement;
  /** The leader line from the ring to a displaced label. */
  leader: HTMLElement;
  /** Lower is placed first. */
  priority: number;
}

/** Half the ring's core (40 px + its white halo): labels and other rings' labels keep off it. */
const CORE_HALF = 24;
/** Kept clear along the map's edge: the kiosk draws a 6 px frame round a pinned alarm's map. */
const EDGE = 10;
/** An overlay covering more than this share of the map is a curtain (a banner), not a panel to avoid. */
const CURTAIN_SHARE = 0.6;

function relative(rect: DOMRect, origin: DOMRect): Box {
  return { left: rect.left - origin.left, top: rect.top - origin.top, width: rect.width, height: rect.height };
}

/**
 * Panels drawn over the map (the wall's legend and school card, Leaflet's zoom and scale
 * controls, anything marked `data-map-obstacle`): a label under them could not be read or clicked.
 */
function overlayBoxes(container: HTMLElement): Box[] {
  const origin = container.getBoundingClientRect();
  const elements = [
    ...[...(container.parentElement?.children ?? [])].filter((element) => element !== container),
    ...container.querySelectorAll('.leaflet-control'),
    ...document.querySelectorAll('[data-map-obstacle]'),
  ];
  const boxes: Box[] = [];
  for (const element of elements) {
    const rect = element.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) continue;
    if (rect.width * rect.height > CURTAIN_SHARE * origin.width * origin.height) continue;
    boxes.push(relative(rect, origin));
  }
  return boxes;
}

function hide(ring: LabelledRing): void {
  ring.label.dataset.placed = 'false';
  ring.label.style.visibility = 'hidden';
  ring.leader.style.display = 'none';
}

function show(ring: LabelledRing, box: Box, anchor: L.Point, displaced: boolean): void {
  ring.label.dataset.placed = 'true';
  ring.label.style.visibility = '';
  ring.label.style.left = `${box.left - anchor.x}px`;
  ring.label.style.top = `${box.top - anchor.y}px`;
  if (!displaced) {
    ring.leader.style.display = 'none';
    return;
  }
  const end = nearestPointOnBox(box, anchor.x, anchor.y);
  const dx = end.x - anchor.x;
  const dy = end.y - anchor.y;
  ring.leader.style.display = '';
  ring.leader.style.width = `${Math.hypot(dx, dy)}px`;
  ring.leader.style.transform = `rotate(${Math.atan2(dy, dx)}rad)`;
}

/** Events after which the drawn labels no longer fit the view: the rings have moved under them. */
const VIEW_CHANGES = 'move zoom zoomanim viewreset resize';

/**
 * Lays the rings' labels out without overlap inside the map (see label-layout.ts) when the map
 * comes to rest after a move, zoom or resize, and whenever `schedule()` is called (the rings
 * changed): once per burst of calls, in the same task as the last of them (a microtask), so the
 * map is never at rest with labels placed for an earlier view, however late the next animation
 * frame comes (a busy or hidden page). Reads every size first and writes every position after,
 * so one layout costs one style recalculation. While the map moves, labels travel with their
 * rings (the panel clips them) until it settles.
 *
 * The map's container carries `data-labels`: `placed` once the map is still (from `moveend` to
 * the next `movestart`) and its labels are laid out for the view shown; `moving` otherwise (the
 * e2e suites wait for `placed`). Answers how many labels found no place.
 */
export function createRingLabeller(map: L.Map, rings: () => Iterable<LabelledRing>, laidOut: (unplaced: number) => void): { schedule: () => void; dispose: () => void } {
  const container = map.getContainer();
  /** A layout is on its way: in this task's microtasks (the map came to rest) or in the next task (the rings changed). */
  let queued: 'microtask' | 'task' | null = null;
  let disposed = false;
  /** From `movestart` to `moveend`: a pan, zoom or flight is under way. */
  let moving = false;

  function run(): void {
    if (!queued || disposed) return;
    queued = null;
    const size = map.getSize();
    const all = [...rings()];
    const anchors = new Map(all.map((ring) => [ring.id, map.latLngToContainerPoint(ring.latLng)]));
    const inView = all.filter((ring) => {
      const anchor = anchors.get(ring.id);
      return anchor !== undefined && anchor.x >= 0 && anchor.y >= 0 && anchor.x <= size.x && anchor.y <= size.y;
    });
    // No ring in view, nothing to place: no read of the page's layout (it would force one on every move's end).
    const obstacles = [
      ...(inView.length > 0 ? overlayBoxes(map.getContainer()) : []),
      ...inView.map((ring) => {
        const anchor = anchors.get(ring.id)!;
        return { left: anchor.x - CORE_HALF, top: anchor.y - CORE_HALF, width: 2 * CORE_HALF, height: 2 * CORE_HALF };
      }),
    ];
    const requests: LabelRequest[] = inView.map((ring) => {
      const anchor = anchors.get(ring.id)!;
      return { id: ring.id, x: anchor.x, y: anchor.y, width: ring.label.offsetWidth, height: ring.label.offsetHeight, priority: ring.priority };
    });
    const layout = layoutLabels(requests, { width: size.x, height: size.y, obstacles, anchorRadius: CORE_HALF + 1, gap: 4, margin: EDGE });
    const placed = new Map(layout.placed.map((box) => [box.id, box]));
    for (const ring of all) {
      const box = placed.get(ring.id);
      const anchor = anchors.get(ring.id);
      if (box && anchor) show(ring, box, anchor, box.displaced);
      else hide(ring);
    }
    container.dataset.labels = moving ? 'moving' : 'placed';
    laidOut(layout.unplaced.length);
  }

  /** The map came to rest (or its size changed): laid out in this task, before the page is painted. */
  function layOutNow(): void {
    if (queued === 'microtask') return;
    queued = 'microtask';
    queueMicrotask(run);
  }

  /**
   * The rings changed: laid out in the next task, not in the one that changed them, whose work it
   * would add to (a console's snapshot of thousands of alarms: its layout read and placing cost
   * 40–80 ms with sixty rings on a busy machine). Meanwhile the labels are `moving`; a rest of the
   * map before then lays them out at once, and the task's turn then finds nothing to do.
   */
  function schedule(): void {
    if (queued || disposed) return;
    queued = 'task';
    container.dataset.labels = 'moving';
    void nextTask().then(run);
  }

  function moved(): void {
    container.dataset.labels = 'moving';
  }

  function started(): void {
    moving = true;
    moved();
  }

  function ended(): void {
    moving = false;
    layOutNow();
  }

  container.dataset.labels = 'moving';
  map.on(VIEW_CHANGES, moved);
  map.on('movestart', started);
  map.on('moveend', ended);
  map.on('zoomend resize', layOutNow);
  void document.fonts?.ready.then(layOutNow);
  layOutNow();
  return {
    schedule,
    dispose: () => {
      disposed = true;
      map.off(VIEW_CHANGES, moved);
      map.off('movestart', started);
      map.off('moveend', ended);
      map.off('zoomend resize', layOutNow);
    },
  };
}
