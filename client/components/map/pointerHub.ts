import L from 'leaflet';
import type { Located } from '../../grid-index.js';

/** A point under the pointer, and what it does. */
export interface Hit {
  at: Located;
  click: () => void;
  tooltip: (() => { content: string | HTMLElement; offset: number }) | null;
}

/** What the pointer listener needs of a layer. */
export interface HitLayer {
  /** Higher is on top: asked first. */
  readonly stackRank: number;
  hitAt: (at: L.Point) => Hit | null;
}

interface PointerHub {
  layers: Set<HitLayer>;
  hide: () => void;
}

const hubs = new WeakMap<L.Map, PointerHub>();
/** A press that moves more than this (px) is a drag, not a click. */
const CLICK_SLOP = 5;

/**
 * One pointer listener per map for every canvas layer: the topmost canvas would otherwise take
 * every pointer event. The topmost layer (pane z-index, then its order on a shared canvas) with a point under the pointer gets the
 * click and shows its tooltip; nothing under the pointer on a canvas → nothing happens.
 */
export function pointerHub(map: L.Map): PointerHub {
  const existing = hubs.get(map);
  if (existing) return existing;
  const container = map.getContainer();
  const layers = new Set<HitLayer>();
  let tooltip: L.Tooltip | null = null;
  let pressedAt: { x: number; y: number } | null = null;
  let hoverQueued: MouseEvent | null = null;
  const onCanvas = (event: MouseEvent): boolean => event.target instanceof HTMLCanvasElement && container.contains(event.target);
  const topHit = (event: MouseEvent): Hit | null => {
    const at = map.mouseEventToContainerPoint(event);
    const ordered = [...layers].sort((a, b) => b.stackRank - a.stackRank);
    for (const layer of ordered) {
      const hit = layer.hitAt(at);
      if (hit) return hit;
    }
    return null;
  };
  const hide = (): void => {
    tooltip?.remove();
    tooltip = null;
    container.style.cursor = '';
  };
  const hover = (): void => {
    const event = hoverQueued;
    hoverQueued = null;
    if (!event || !onCanvas(event) || event.buttons !== 0) return hide();
    const found = topHit(event);
    const shown = found?.tooltip?.();
    container.style.cursor = found ? 'pointer' : '';
    if (!found || !shown) {
      tooltip?.remove();
      tooltip = null;
      return;
    }
    tooltip ??= L.tooltip({ direction: 'top', className: 'map-tooltip' });
    tooltip.options.offset = [0, -shown.offset];
    tooltip.setLatLng([found.at.lat, found.at.lng]).setContent(shown.content);
    if (!map.hasLayer(tooltip)) tooltip.addTo(map);
  };
  container.addEventListener('mousemove', (event) => {
    if (hoverQueued === null) requestAnimationFrame(hover);
    hoverQueued = event;
  });
  container.addEventListener('mouseleave', hide);
  container.addEventListener('mousedown', (event) => {
    pressedAt = { x: event.clientX, y: event.clientY };
    hide();
  });
  container.addEventListener('click', (event) => {
    const pressed = pressedAt;
    pressedAt = null;
    if (!onCanvas(event) || (pressed && Math.hypot(event.clientX - pressed.x, event.clientY - pressed.y) > CLICK_SLOP)) return;
    topHit(event)?.click();
  });
  map.on('movestart zoomstart', hide);
  const hub = { layers, hide };
  hubs.set(map, hub);
  return hub;
}
