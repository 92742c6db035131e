// @vitest-environment happy-dom
import L from 'leaflet';
import { describe, expect, it } from 'vitest';
import { layerPointOf } from '../../client/components/map/pointCanvas.js';
import { mapAt } from '../helpers/leaflet-map.js';

/** A real Leaflet map in a 1920×1080 box (happy-dom lays nothing out: the box's size is given). */
/** Points over the province and beyond, a pole past Mercator's bound among them. */
const POINTS = [
  { lat: 33.7453, lng: 113.1926 },
  { lat: 31.38, lng: 110.36 },
  { lat: 36.37, lng: 116.65 },
  { lat: 34.0001, lng: 112.9999 },
  { lat: 89.9, lng: -179.5 },
  { lat: -60.25, lng: 12.5 },
];

describe('layerPointOf: the canvas layers place points as Leaflet does', () => {
  it.each([
    [[33.74, 113.19], 9.6],
    [[33.74, 113.19], 13],
    [[34.2, 113.6], 17.3],
    [[10, -20], 3],
  ] as const)('at %j zoom %d, every point on the same pixel as latLngToLayerPoint', (center, zoom) => {
    const map = mapAt([center[0], center[1]], zoom);
    map.panBy([337, -121], { animate: false });
    const project = layerPointOf(map, map.getZoom());
    for (const point of POINTS) {
      const leaflet = map.latLngToLayerPoint([point.lat, point.lng]);
      expect({ x: project.x(point), y: project.y(point) }).toEqual({ x: leaflet.x, y: leaflet.y });
    }
  });

  it('goes through Leaflet for another CRS', () => {
    const map = mapAt([33.74, 113.19], 9, { crs: L.CRS.EPSG4326 });
    const project = layerPointOf(map, map.getZoom());
    const leaflet = map.latLngToLayerPoint([POINTS[0]!.lat, POINTS[0]!.lng]);
    expect({ x: project.x(POINTS[0]!), y: project.y(POINTS[0]!) }).toEqual({ x: leaflet.x, y: leaflet.y });
  });
});
