import type { Dataset, DatasetScale } from '../../shared/dataset.js';
import { DEFAULT_SEMESTERS, type SemesterRule } from '../../shared/rules/compliance/types.js';
import { shanghaiParts } from '../../shared/time.js';
import { generateCompliance } from './compliance.js';
import { generateDevices } from './devices.js';
import { districtShapes, loadDistrictGeometry } from './geometry.js';
import { NameBook } from './names.js';
import { generatePlans } from './plans.js';
import { generateInspectionCampaigns } from './inspections.js';
import { generateGuardPosts, generatePolicePosts } from './posts.js';
import { createRandom } from './random.js';
import { CITY_STAGE_COUNTS, generateSchools } from './schools.js';
import type { Device, GbNvr, School, SchoolStage } from '../../shared/domain/index.js';
import { assignGbCodes } from '../../shared/rules/gb-assign.js';

export { CITY_STAGE_COUNTS, RURAL_EXCEPTIONS, SEAT_ONLY_STAGES } from './schools.js';

export { loadDistrictGeometry, type DistrictCollection, type DistrictFeature, type DistrictProperties } from './geometry.js';

/** The seed used when none is given (the date of the action plan's first deadline push, 2020-02-22). */
export const DEFAULT_SEED = 20200222;

/** Options of {@link generateDataset}. */
export interface DatasetOptions {
  /** Same seed, byte-identical dataset. Default {@link DEFAULT_SEED}. */
  seed?: number;
  /** Default `city`. */
  scale?: DatasetScale;
  /**
   * The local date (`YYYY-MM-DD`) the compliance data stands at: routines, hazards and record
   * history up to it. Default today in Asia/Shanghai; pin it for a repeatable dataset.
   */
  referenceDate?: string;
  /** Terms the routines follow. Default {@link DEFAULT_SEMESTERS}. */
  semesters?: readonly SemesterRule[];
  /** Generate the compliance data (records, routines, hazards). Default: for the `city` scale only. */
  compliance?: boolean;
}

export interface ScaleSpec {
  /** The city's published school counts by stage are multiplied by this. */
  schoolsTimesCity: number;
  policeRooms: number;
  policeBooths: number;
  guardPosts: number;
  /** Size-dependent camera density per school. */
  cameraDensity: number;
  schoolIdWidth: number;
  policeIdWidth: number;
  guardIdWidth: number;
}

/**
 * `city` has the city's published schools by stage (3,130, {@link CITY_STAGE_COUNTS}); its 护学岗
 * posts grew with them (450 for the former 1,800 schools, 780 for 3,130: the same share of schools
 * covered). `province` is a synthetic density for benchmarks: 16 times the city's schools (50,080) and 28 times its police posts,
 * packed into the same ten district polygons (so names run to 第三百…小学), with fewer cameras
 * per school so that the total lands near 500,000.
 */
export const SCALES: Readonly<Record<DatasetScale, Readonly<ScaleSpec>>> = {
  city: { schoolsTimesCity: 1, policeRooms: 60, policeBooths: 120, guardPosts: 780, cameraDensity: 1, schoolIdWidth: 4, policeIdWidth: 3, guardIdWidth: 4 },
  province: { schoolsTimesCity: 16, policeRooms: 1680, policeBooths: 3360, guardPosts: 12_600, cameraDensity: 0.3, schoolIdWidth: 5, policeIdWidth: 4, guardIdWidth: 5 },
};

/** The schools by stage a scale generates: the city's published counts times the scale's factor. */
export function stageCountsOf(scale: DatasetScale): Record<SchoolStage, number> {
  const times = SCALES[scale].schoolsTimesCity;
  return Object.fromEntries(Object.entries(CITY_STAGE_COUNTS).map(([stage, n]) => [stage, n * times])) as Record<SchoolStage, number>;
}

/**
 * Generates a complete synthetic registry of 平顶山市: schools inside their district polygons,
 * 警务室 / 治安岗亭, 护学岗 posts and every device, and (city scale) each school's security
 * record, routines and hazards, its people and emergency plan as of `referenceDate`. Deterministic: the same options give a
 * byte-identical result (`JSON.stringify` equal); a different seed gives a different city.
 */
export function generateDataset(options: DatasetOptions = {}): Dataset {
  const seed = options.seed ?? DEFAULT_SEED;
  const scale = options.scale ?? 'city';
  const spec = SCALES[scale];
  const random = createRandom(seed);
  const names = new NameBook(random);
  const shapes = districtShapes(loadDistrictGeometry(), random);
  // A couple of per cent either way, so that seeds differ in their totals too.
  const jitter = () => random.float(0.97, 1.03);
  // The school counts are the city's published ones for every seed; the seed moves them about.
  const sites = generateSchools({ stageCounts: stageCountsOf(scale), idWidth: spec.schoolIdWidth, shapes, random, names });
  const common = { sites, shapes, random, names };
  const policePosts = generatePolicePosts({
    ...common,
    rooms: Math.round(spec.policeRooms * jitter()),
    booths: Math.round(spec.policeBooths * jitter()),
    idWidth: spec.policeIdWidth,
  });
  const guardPosts = generateGuardPosts({ ...common, count: Math.round(spec.guardPosts * jitter()), idWidth: spec.guardIdWidth });
  const schools = sites.map((site) => site.school);
  const devices = generateDevices({ schools, guardPosts, cameraDensity: spec.cameraDensity, random });
  if (!(options.compliance ?? scale === 'city')) return { seed, scale, schools, policePosts, guardPosts, ...withGbCodes(schools, devices) };
  const referenceDate = options.referenceDate ?? shanghaiParts(Date.now()).date;
  const { droppedDevices, ...compliance } = generateCompliance({ schools, devices, seed, referenceDate, semesters: options.semesters ?? DEFAULT_SEMESTERS });
  const plans = generatePlans({ schools, policePosts, seed, referenceDate });
  const inspectionCampaigns = generateInspectionCampaigns({ schools, seed, referenceDate, semesters: options.semesters ?? DEFAULT_SEMESTERS });
  const kept = devices.filter((d) => !droppedDevices.has(d.id));
  return { seed, scale, schools, policePosts, guardPosts, ...withGbCodes(schools, kept), compliance: { ...compliance, ...plans, inspectionCampaigns } };
}

/**
 * The GB/T 28181 codes (issue 16): numbered after everything else is generated and without a
 * random draw, so every other figure of a seed is what it was before them.
 */
function withGbCodes(schools: School[], devices: Device[]): { devices: Device[]; nvrs: GbNvr[] } {
  const { devices: coded, nvrs } = assignGbCodes(schools, devices);
  return { devices: coded, nvrs };
}
