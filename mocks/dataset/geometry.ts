import { readFileSync } from 'node:fs';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { DISTRICTS, type DistrictCode, type LatLng } from '../../shared/domain/index.js';
import type { Random } from './random.js';

/** Properties of one district feature of the offline base map. */
export interface DistrictProperties {
  name: string;
  /** A representative point (the seat), [lng, lat]. */
  cp?: [number, number];
}

/** One district boundary; the feature `id` is the GB/T 2260 code. */
export type DistrictFeature = Feature<Polygon | MultiPolygon, DistrictProperties>;

/** The ten district boundaries of 平顶山市. */
export type DistrictCollection = FeatureCollection<Polygon | MultiPolygon, DistrictProperties>;

const GEOJSON_URL = new URL('../../assets/geo/pingdingshan-districts.geojson', import.meta.url);

/**
 * Reads the offline base map (assets/geo/pingdingshan-districts.geojson) from disk and checks
 * that it holds exactly the ten districts of the contract.
 */
export function loadDistrictGeometry(): DistrictCollection {
  const collection = JSON.parse(readFileSync(GEOJSON_URL, 'utf8')) as DistrictCollection;
  const codes = new Set(collection.features.map((feature) => String(feature.id)));
  const missing = DISTRICTS.filter((d) => !codes.has(d.code)).map((d) => d.code);
  if (missing.length > 0 || collection.features.length !== DISTRICTS.length) {
    throw new Error(`district geometry: expected the ${DISTRICTS.length} districts, missing ${missing.join(', ') || 'none'}`);
  }
  return collection;
}

/** A district boundary prepared for sampling: bounding box and seat. */
export interface DistrictShape {
  code: DistrictCode;
  feature: DistrictFeature;
  /** [minLng, minLat, maxLng, maxLat]. */
  bbox: [number, number, number, number];
  /** The seat (`cp`), or the first sampled point when the file has none inside. */
  seat: LatLng;
  /** Coarse raster of the bbox, see {@link buildMask}: most points are decided without the exact test. */
  mask: Uint8Array;
}

/** Cells per side of a district's {@link DistrictShape.mask}. */
const MASK_CELLS = 256;
const OUTSIDE = 0;
const INSIDE = 1;
const BOUNDARY = 2;

function cellOf(bbox: DistrictShape['bbox'], lng: number, lat: number): [number, number] {
  const column = Math.min(MASK_CELLS - 1, Math.floor(((lng - bbox[0]) / (bbox[2] - bbox[0])) * MASK_CELLS));
  const row = Math.min(MASK_CELLS - 1, Math.floor(((lat - bbox[1]) / (bbox[3] - bbox[1])) * MASK_CELLS));
  return [column, row];
}

/**
 * Marks every cell an edge's bounding box touches as boundary (conservative, exact test later);
 * every other cell lies wholly inside or wholly outside.
 */
function buildMask(feature: DistrictFeature, bbox: DistrictShape['bbox']): Uint8Array {
  const mask = new Uint8Array(MASK_CELLS * MASK_CELLS).fill(255);
  const polygons = feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
  for (const ring of polygons.flat()) {
    for (let i = 1; i < ring.length; i++) {
      const [c0, r0] = cellOf(bbox, Math.min(ring[i - 1]![0]!, ring[i]![0]!), Math.min(ring[i - 1]![1]!, ring[i]![1]!));
      const [c1, r1] = cellOf(bbox, Math.max(ring[i - 1]![0]!, ring[i]![0]!), Math.max(ring[i - 1]![1]!, ring[i]![1]!));
      for (let r = Math.max(0, r0 - 1); r <= Math.min(MASK_CELLS - 1, r1 + 1); r++) {
        for (let c = Math.max(0, c0 - 1); c <= Math.min(MASK_CELLS - 1, c1 + 1); c++) mask[r * MASK_CELLS + c] = BOUNDARY;
      }
    }
  }
  // A run of non-boundary cells along a row has no edge between them: one exact test decides the run.
  const width = (bbox[2] - bbox[0]) / MASK_CELLS;
  const height = (bbox[3] - bbox[1]) / MASK_CELLS;
  for (let r = 0; r < MASK_CELLS; r++) {
    let state = -1;
    for (let c = 0; c < MASK_CELLS; c++) {
      const index = r * MASK_CELLS + c;
      if (mask[index] === BOUNDARY) {
        state = -1;
        continue;
      }
      if (state < 0) state = booleanPointInPolygon([bbox[0] + (c + 0.5) * width, bbox[1] + (r + 0.5) * height], feature) ? INSIDE : OUTSIDE;
      mask[index] = state;
    }
  }
  return mask;
}

/** Prepares every district of the collection for sampling, keyed by code. */
export function districtShapes(collection: DistrictCollection, random: Random): Map<DistrictCode, DistrictShape> {
  const shapes = new Map<DistrictCode, DistrictShape>();
  for (const district of DISTRICTS) {
    const feature = collection.features.find((f) => String(f.id) === district.code);
    if (!feature) throw new Error(`district geometry: no feature ${district.code}`);
    const rings: Position[][] = feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates[0]!] : feature.geometry.coordinates.map((p) => p[0]!);
    const bbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const ring of rings) {
      for (const [lng, lat] of ring) {
        bbox[0] = Math.min(bbox[0], lng!);
        bbox[1] = Math.min(bbox[1], lat!);
        bbox[2] = Math.max(bbox[2], lng!);
        bbox[3] = Math.max(bbox[3], lat!);
      }
    }
    const shape: DistrictShape = { code: district.code, feature, bbox, seat: { lat: 0, lng: 0 }, mask: buildMask(feature, bbox) };
    const cp = feature.properties.cp;
    const seat = cp ? { lat: roundCoordinate(cp[1]), lng: roundCoordinate(cp[0]) } : undefined;
    shape.seat = seat && contains(shape, seat) ? seat : sampleUniform(shape, random);
    shapes.set(district.code, shape);
  }
  return shapes;
}

/** Rounds a coordinate to 6 decimals (about 0.1 m). */
export function roundCoordinate(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** Whether the point lies inside the district (boundary excluded). */
export function contains(shape: DistrictShape, point: LatLng): boolean {
  const { bbox } = shape;
  if (point.lng <= bbox[0] || point.lng >= bbox[2] || point.lat <= bbox[1] || point.lat >= bbox[3]) return false;
  const [column, row] = cellOf(bbox, point.lng, point.lat);
  const cell = shape.mask[row * MASK_CELLS + column];
  if (cell !== BOUNDARY) return cell === INSIDE;
  return booleanPointInPolygon([point.lng, point.lat], shape.feature, { ignoreBoundary: true });
}

/** A uniform point inside the district: rejection sampling from its bounding box. */
export function sampleUniform(shape: DistrictShape, random: Random): LatLng {
  const [minLng, minLat, maxLng, maxLat] = shape.bbox;
  for (;;) {
    const point = { lat: roundCoordinate(random.float(minLat, maxLat)), lng: roundCoordinate(random.float(minLng, maxLng)) };
    if (contains(shape, point)) return point;
  }
}

const METRES_PER_DEGREE_LAT = 111_320;

/** Moves a point by `metres` towards `bearing` (radians, 0 = north); flat-earth, fine below 100 km. */
export function offsetPoint(point: LatLng, metres: number, bearing: number): LatLng {
  const dLat = (metres * Math.cos(bearing)) / METRES_PER_DEGREE_LAT;
  const dLng = (metres * Math.sin(bearing)) / (METRES_PER_DEGREE_LAT * Math.cos((point.lat * Math.PI) / 180));
  return { lat: roundCoordinate(point.lat + dLat), lng: roundCoordinate(point.lng + dLng) };
}

/** Distance in metres between two points (equirectangular; exact enough within a city). */
export function distanceMetres(a: LatLng, b: LatLng): number {
  const dLat = (b.lat - a.lat) * METRES_PER_DEGREE_LAT;
  const dLng = (b.lng - a.lng) * METRES_PER_DEGREE_LAT * Math.cos((((a.lat + b.lat) / 2) * Math.PI) / 180);
  return Math.hypot(dLat, dLng);
}

/**
 * A point inside the district scattered around `centre` (normal, `spreadMetres` standard
 * deviation), by rejection; after `tries` misses it falls back to a uniform point.
 */
export function sampleNear(shape: DistrictShape, centre: LatLng, spreadMetres: number, random: Random, tries = 30): LatLng {
  for (let i = 0; i < tries; i++) {
    const point = offsetPoint(centre, Math.abs(random.normal()) * spreadMetres, random.float(0, 2 * Math.PI));
    if (contains(shape, point)) return point;
  }
  return sampleUniform(shape, random);
}
