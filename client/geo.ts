import type { FeatureCollection, Geometry } from 'geojson';

/** South-west and north-east corners of 平顶山市's ten divisions (from the district GeoJSON). */
export const CITY_BOUNDS: [[number, number], [number, number]] = [
  [33.129, 112.248],
  [34.346, 113.691],
];

/** Where the district polygons are served (assets/geo, Vite's publicDir and the server's static root). */
export const DISTRICTS_GEOJSON_URL = '/geo/pingdingshan-districts.geojson';

/** South-west and north-east corners, `[[south, west], [north, east]]` (Leaflet's order). */
export type LatLngBoundsTuple = [[number, number], [number, number]];

/** The bounds of a set of `[lng, lat]` positions (GeoJSON order), or null when there are none. */
function boundsOfPositions(positions: Iterable<readonly number[]>): LatLngBoundsTuple | null {
  let south = Infinity;
  let west = Infinity;
  let north = -Infinity;
  let east = -Infinity;
  for (const [lng, lat] of positions) {
    if (lng === undefined || lat === undefined) continue;
    south = Math.min(south, lat);
    north = Math.max(north, lat);
    west = Math.min(west, lng);
    east = Math.max(east, lng);
  }
  return Number.isFinite(south) ? [[south, west], [north, east]] : null;
}

function* positionsOf(geometry: Geometry | null): Generator<readonly number[]> {
  if (!geometry) return;
  if (geometry.type === 'Polygon') for (const ring of geometry.coordinates) yield* ring;
  else if (geometry.type === 'MultiPolygon') for (const polygon of geometry.coordinates) for (const ring of polygon) yield* ring;
}

/**
 * Where a map opens for a person's scope: the whole city for city-level people; a county-level
 * person's own district (its polygon once loaded, its schools until then), so 新华区's operator
 * does not open on nine districts they cannot see.
 */
export function scopeBounds(
  districtCode: string | null,
  shapes: FeatureCollection | null,
  schools: readonly { districtCode: string; lat: number; lng: number }[],
): LatLngBoundsTuple {
  if (!districtCode) return CITY_BOUNDS;
  const feature = shapes?.features.find((candidate) => String(candidate.id) === districtCode);
  const fromShape = feature ? boundsOfPositions(positionsOf(feature.geometry)) : null;
  if (fromShape) return fromShape;
  const own = schools.filter((school) => school.districtCode === districtCode).map((school) => [school.lng, school.lat] as const);
  return boundsOfPositions(own) ?? CITY_BOUNDS;
}
