/** South-west and north-east corners of 平顶山市's ten divisions (from the district GeoJSON). */
export const CITY_BOUNDS: [[number, number], [number, number]] = [
  [33.129, 112.248],
  [34.346, 113.691],
];

/** Where the district polygons are served (assets/geo, Vite's publicDir and the server's static root). */
export const DISTRICTS_GEOJSON_URL = '/geo/pingdingshan-districts.geojson';
