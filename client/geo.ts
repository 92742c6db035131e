import type { LatLng } from '../shared/domain/index.js';

/** South-west and north-east corners of 平顶山市's ten divisions (from the district GeoJSON). */
export const CITY_BOUNDS: [[number, number], [number, number]] = [
  [33.129, 112.248],
  [34.346, 113.691],
];

/** Where the district polygons are served (assets/geo, Vite's publicDir and the server's static root). */
export const DISTRICTS_GEOJSON_URL = '/geo/pingdingshan-districts.geojson';

const EARTH_RADIUS_M = 6_371_000;

/** Great-circle distance in metres; enough for "the nearest police post is 1.2 km away". */
export function distanceM(a: LatLng, b: LatLng): number {
  const toRad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * toRad;
  const dLng = (b.lng - a.lng) * toRad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * toRad) * Math.cos(b.lat * toRad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The `count` points nearest to `from`, each with its distance, nearest first. */
export function nearest<T extends LatLng>(from: LatLng, points: readonly T[], count: number): { item: T; distanceM: number }[] {
  return points
    .map((item) => ({ item, distanceM: distanceM(from, item) }))
    .sort((a, b) => a.distanceM - b.distanceM)
    .slice(0, count);
}
