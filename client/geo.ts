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
 * Each district's south-west and north-east corners, from the district GeoJSON (rounded outwards to
 * 0.0001°; a unit test holds them to the file): where a county-level person's map opens before the
 * polygons or the schools have arrived — the map exists before its data (issue 17), and opening on
 * the whole city to jump to the district a moment later is a jolt on a screen read from afar.
 */
export const DISTRICT_BOUNDS: Readonly<Record<string, LatLngBoundsTuple>> = {
  '410402': [[33.7021, 113.0712], [33.836, 113.3145]],
  '410403': [[33.7138, 113.2919], [33.8282, 113.4737]],
  '410404': [[33.8505, 112.8447], [33.9229, 112.9297]],
  '410411': [[33.6523, 113.1367], [33.751, 113.3672]],
  '410421': [[33.7792, 112.7197], [34.0284, 113.3057]],
  '410425': [[33.7958, 113.0019], [34.1797, 113.4219]],
  '410423': [[33.5595, 112.248], [33.9913, 113.2393]],
  '410422': [[33.3339, 113.0234], [33.7627, 113.6309]],
  '410481': [[33.1289, 113.3662], [33.4288, 113.6905]],
  '410482': [[33.9423, 112.5351], [34.3458, 113.1104]],
};

/**
 * Where a map opens for a person's scope: the whole city for city-level people; a county-level
 * person's own district (its polygon once loaded, its recorded corners until then, its schools for
 * a code without corners), so 新华区's operator does not open on nine districts they cannot see.
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
  const recorded = DISTRICT_BOUNDS[districtCode];
  if (recorded) return recorded;
  const own = schools.filter((school) => school.districtCode === districtCode).map((school) => [school.lng, school.lat] as const);
  return boundsOfPositions(own) ?? CITY_BOUNDS;
}
