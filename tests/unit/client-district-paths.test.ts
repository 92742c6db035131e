// @vitest-environment happy-dom
import L from 'leaflet';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pathOncePerProjection } from '../../client/components/map/districtPaths.js';

/**
 * The district outlines' SVG paths (client/components/map/districtPaths.ts, issue 17 item 4):
 * Leaflet rewrites every outline's path at the end of every pan; unclipped, a path only changes
 * with its projection (a zoom, a reset of the view), so it is made once per projection.
 */
function mapAt(center: L.LatLngExpression, zoom: number): L.Map {
  const element = document.createElement('div');
  Object.defineProperty(element, 'clientWidth', { value: 1920 });
  Object.defineProperty(element, 'clientHeight', { value: 1080 });
  document.body.append(element);
  return L.map(element, { fadeAnimation: false, zoomAnimation: false }).setView(center, zoom, { animate: false });
}

/** A square district of 400 points around the map's centre. */
function outline(): L.LatLngExpression[] {
  const points: L.LatLngExpression[] = [];
  for (let i = 0; i < 400; i += 1) {
    const side = Math.floor(i / 100);
    const along = (i % 100) / 100;
    const corners: [number, number][] = [[0, along], [along, 1], [1, 1 - along], [1 - along, 0]];
    const corner = corners[side] ?? [0, 0];
    points.push([33.6 + corner[0] * 0.3, 113.1 + corner[1] * 0.3]);
  }
  return points;
}

describe('district outlines', () => {
  let map: L.Map;
  let writes: string[];
  beforeEach(() => {
    map = mapAt([33.75, 113.25], 11);
    writes = [];
  });
  afterEach(() => map.remove());

  function polygon(once: boolean): L.Polygon {
    const shape = L.polygon(outline(), { renderer: L.svg(), noClip: true, interactive: false });
    if (once) pathOncePerProjection(shape);
    shape.addTo(map);
    const element = shape.getElement();
    if (!element) throw new Error('no path element');
    const setAttribute = element.setAttribute.bind(element);
    vi.spyOn(element, 'setAttribute').mockImplementation((name: string, value: string) => {
      if (name === 'd') writes.push(value);
      setAttribute(name, value);
    });
    return shape;
  }

  it('keeps an outline\'s path through pans, and makes it again after a zoom', () => {
    const shape = polygon(true);
    const drawn = shape.getElement()?.getAttribute('d') ?? '';
    expect(drawn).toMatch(/^M[-\d.]+ [-\d.]+L/);
    map.panBy([300, 120], { animate: false });
    map.panBy([-500, 40], { animate: false });
    expect(writes).toEqual([]);
    expect(shape.getElement()?.getAttribute('d')).toBe(drawn);
    // A zoom projects the outline again (Leaflet's reset of the view, then its zoom's end): its path is made again.
    map.setZoom(12, { animate: false });
    const zoomed = writes.at(-1);
    expect(zoomed).toBeDefined();
    expect(zoomed).not.toBe(drawn);
    const afterZoom = writes.length;
    map.panBy([200, 200], { animate: false });
    expect(writes).toHaveLength(afterZoom);
    // A far jump resets the view (a new pixel origin): the path is made again for it.
    map.setView([34.5, 114.5], 12, { animate: false });
    expect(writes.length).toBeGreaterThan(afterZoom);
    expect(writes.at(-1)).not.toBe(zoomed);
  });

  it('without it, Leaflet writes the path at every pan (what it saves)', () => {
    polygon(false);
    map.panBy([300, 120], { animate: false });
    map.panBy([-500, 40], { animate: false });
    expect(writes).toHaveLength(2);
  });
});
