import type { LatLng } from './domain/entities.js';

/** Mean Earth radius, metres (IUGG), as used by the haversine formula. */
const EARTH_RADIUS_M = 6_371_000;

/**
 * Straight-line (great-circle, haversine) distance between two WGS-84 points, in metres.
 * Accurate to well under 1 % at city scale: enough for "the nearest police post is 1.2 km away"
 * and for coverage radii; it is not a road distance.
 */
export function distanceM(a: LatLng, b: LatLng): number {
  const toRad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * toRad;
  const dLng = (b.lng - a.lng) * toRad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * toRad) * Math.cos(b.lat * toRad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A point found by {@link nearest}, with its straight-line distance from the origin in metres. */
export interface NearbyPoint<T> {
  item: T;
  distanceM: number;
}

/**
 * The `count` points nearest to `from`, each with its straight-line distance, nearest first.
 * Ties keep the input order, so the answer is stable for a stable registry.
 */
export function nearest<T extends LatLng>(from: LatLng, points: readonly T[], count: number): NearbyPoint<T>[] {
  const wanted = Math.max(0, Math.min(count, points.length));
  if (wanted > NEAREST_BY_INSERTION) {
    return points
      .map((item) => ({ item, distanceM: distanceM(from, item) }))
      .sort((a, b) => a.distanceM - b.distanceM)
      .slice(0, wanted);
  }
  // A few of a province's thousands of posts (a school card's three nearest): one pass keeping the
  // best few in order, not a record and a sort of every post (≈ 20 ms on the console's thread).
  const best: NearbyPoint<T>[] = [];
  if (wanted === 0) return best;
  for (const item of points) {
    const away = distanceM(from, item);
    if (best.length === wanted && away >= best[wanted - 1]!.distanceM) continue;
    let at = best.length;
    // After every point as near: ties keep the input order.
    while (at > 0 && best[at - 1]!.distanceM > away) at -= 1;
    best.splice(at, 0, { item, distanceM: away });
    if (best.length > wanted) best.pop();
  }
  return best;
}

/** Up to this many nearest points are kept by insertion; more, by sorting them all. */
const NEAREST_BY_INSERTION = 16;
