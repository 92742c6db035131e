// @vitest-environment happy-dom
import L from 'leaflet';
import { afterEach, describe, expect, it } from 'vitest';
import { KeptSvg, OUTLINE_REACH } from '../../client/components/map/keptSvg.js';
import { mapAt } from '../helpers/leaflet-map.js';

/**
 * The district outlines' renderer (client/components/map/keptSvg.ts, issue 17 item 4): Leaflet
 * clips every outline again at each pan's end; this one clips them half a map past the view and
 * leaves them as they are while a pan stays inside that, at the same zoom, origin and size.
 */
const CENTRE = { lat: 33.745, lng: 113.195 };
const ZOOM = 12;
/** A square far larger than the map at ZOOM, so that any clip cuts it. */
const SQUARE: L.LatLngExpression[] = [
  [CENTRE.lat - 1, CENTRE.lng - 1],
  [CENTRE.lat - 1, CENTRE.lng + 1],
  [CENTRE.lat + 1, CENTRE.lng + 1],
  [CENTRE.lat + 1, CENTRE.lng - 1],
];
/** A square inside the map at ZOOM and ZOOM + 1 (≈ 290 and 580 px across), never cut. */
const SMALL: L.LatLngExpression[] = [
  [CENTRE.lat - 0.05, CENTRE.lng - 0.05],
  [CENTRE.lat - 0.05, CENTRE.lng + 0.05],
  [CENTRE.lat + 0.05, CENTRE.lng + 0.05],
  [CENTRE.lat + 0.05, CENTRE.lng - 0.05],
];

let map: L.Map;

afterEach(() => {
  map.remove();
  document.body.replaceChildren();
});

function outline(renderer: L.Renderer, shape = SQUARE): { path: () => string | null; svg: () => string | null } {
  const polygon = L.polygon(shape, { renderer, interactive: false }).addTo(map);
  const element = (polygon as unknown as { _path: SVGPathElement })._path;
  return { path: () => element.getAttribute('d'), svg: () => element.ownerSVGElement?.getAttribute('viewBox') ?? null };
}

/** The view in layer pixels and the renderer's clip bounds, to check that what is kept covers the view. */
function covers(renderer: L.Renderer): boolean {
  const bounds = (renderer as unknown as { _bounds: L.Bounds })._bounds;
  const view = L.bounds(map.containerPointToLayerPoint([0, 0]), map.containerPointToLayerPoint(map.getSize()));
  return bounds.contains(view);
}

describe('the district outlines kept through pans', () => {
  it('leaves the outlines as they are for a pan inside what was clipped, and covers the view', () => {
    map = mapAt(CENTRE, ZOOM);
    const renderer = new KeptSvg({});
    const { path, svg } = outline(renderer);
    const first = path();
    const box = svg();
    expect(first).toMatch(/^M/);
    map.panBy([300, -200], { animate: false });
    map.panBy([-500, 150], { animate: false });
    expect(path()).toBe(first);
    expect(svg()).toBe(box);
    expect(covers(renderer)).toBe(true);
  });

  it('clips anew when a pan leaves what was clipped', () => {
    map = mapAt(CENTRE, ZOOM);
    const renderer = new KeptSvg({});
    const { path, svg } = outline(renderer);
    const first = path();
    // Past half a map east: the view is no longer inside.
    map.panBy([map.getSize().x * OUTLINE_REACH + 40, 0], { animate: false });
    expect(path()).not.toBe(first);
    expect(svg()).not.toBe(null);
    expect(covers(renderer)).toBe(true);
    // And the next small pan is kept again, from the new place.
    const second = path();
    map.panBy([100, 100], { animate: false });
    expect(path()).toBe(second);
  });

  it('draws anew at another zoom', () => {
    map = mapAt(CENTRE, ZOOM);
    const renderer = new KeptSvg({});
    const { path } = outline(renderer, SMALL);
    const first = path();
    map.setZoom(ZOOM + 1, { animate: false });
    expect(path()).not.toBe(first);
    expect(covers(renderer)).toBe(true);
  });

  it('clips anew when the map changes size', () => {
    map = mapAt(CENTRE, ZOOM);
    const renderer = new KeptSvg({});
    const { path, svg } = outline(renderer);
    const first = path();
    const box = svg();
    Object.defineProperty(map.getContainer(), 'clientWidth', { value: 1280 });
    map.invalidateSize({ animate: false, pan: false });
    expect(path()).not.toBe(first);
    expect(svg()).not.toBe(box);
    expect(covers(renderer)).toBe(true);
  });

  it("is what Leaflet's own renderer is not: its outlines are clipped again at every pan", () => {
    map = mapAt(CENTRE, ZOOM);
    const { path } = outline(L.svg({ padding: OUTLINE_REACH }));
    const first = path();
    map.panBy([300, -200], { animate: false });
    expect(path()).not.toBe(first);
  });
});
