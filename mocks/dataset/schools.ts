import { DISTRICTS, type DistrictCode, type LatLng, type School, type SchoolSetting, type SchoolStage } from '../../shared/domain/index.js';
import { requiredGuards } from '../../shared/rules/guards.js';
import { distanceMetres, type DistrictShape, sampleNear, sampleUniform } from './geometry.js';
import type { NameBook } from './names.js';
import { DISTRICT_PLACES } from './places.js';
import type { Random } from './random.js';

/** A generated school and where it sits, which the posts need for their own names. */
export interface SchoolSite {
  school: School;
  /** The 街道 or 镇/乡 it belongs to. */
  township: string;
  road: string;
}

/** Residents (万人), roughly: schools are spread in proportion, so the city's districts come out denser per km². */
const POPULATION: Record<DistrictCode, number> = {
  '410402': 40, '410403': 35, '410404': 5, '410411': 35, '410421': 50,
  '410422': 80, '410423': 80, '410425': 58, '410481': 30, '410482': 95,
};

/** Setting mix: a city district is mostly 城市; a county (县) has 城镇 at its seat and is mostly 乡村; a county-level city (县级市) has some 城市. */
const SETTING_MIX = {
  urban: { city: 0.85, town: 0.1, rural: 0.05 },
  smallUrban: { city: 0.7, town: 0.2, rural: 0.1 },
  county: { city: 0, town: 0.4, rural: 0.6 },
  countyCity: { city: 0.25, town: 0.2, rural: 0.55 },
} as const satisfies Record<string, Record<SchoolSetting, number>>;

/**
 * The city's schools by stage, as 平顶山市 publishes them (2021 education statistics, about 3,130
 * schools): kindergartens ~1,659, primary ~1,148, junior secondary ~238, senior secondary ~47,
 * special ~9; the remaining 29 are nine-year schools (九年一贯制), which the published tables count
 * under primary/junior (docs/dataset.md).
 */
export const CITY_STAGE_COUNTS: Readonly<Record<SchoolStage, number>> = { kindergarten: 1659, primary: 1148, junior: 238, senior: 47, nine_year: 29, special: 9 };

/**
 * Stages that stand only at a district's seat or town (city or town setting), never in a village:
 * a senior high school or a special-education school in the countryside is the exception, and
 * {@link RURAL_EXCEPTIONS} lists the districts that have one (none today).
 */
export const SEAT_ONLY_STAGES: readonly SchoolStage[] = ['senior', 'special'];
/** District × stage pairs of {@link SEAT_ONLY_STAGES} that do have a rural school (empty: no district does). */
export const RURAL_EXCEPTIONS: Readonly<Partial<Record<DistrictCode, readonly SchoolStage[]>>> = {};

/** Median students by stage and setting (log-normal around it, spread `sigma`), and hard bounds. */
const STUDENTS: Record<SchoolStage, { median: Record<SchoolSetting, number>; sigma: number; min: number; max: number }> = {
  kindergarten: { median: { city: 260, town: 180, rural: 90 }, sigma: 0.5, min: 27, max: 600 },
  primary: { median: { city: 1500, town: 800, rural: 220 }, sigma: 0.55, min: 40, max: 3400 },
  junior: { median: { city: 1600, town: 1100, rural: 450 }, sigma: 0.45, min: 100, max: 3500 },
  senior: { median: { city: 2600, town: 2200, rural: 1200 }, sigma: 0.35, min: 400, max: 3600 },
  nine_year: { median: { city: 1400, town: 900, rural: 400 }, sigma: 0.5, min: 80, max: 3400 },
  special: { median: { city: 120, town: 90, rural: 60 }, sigma: 0.4, min: 27, max: 300 },
};

/** Chance of being a boarding school (寄宿制), and the share of its students who board. */
const BOARDING: Record<SchoolStage, { chance: Record<SchoolSetting, number>; share: [number, number] }> = {
  kindergarten: { chance: { city: 0, town: 0, rural: 0 }, share: [0, 0] },
  primary: { chance: { city: 0.01, town: 0.03, rural: 0.08 }, share: [0.1, 0.4] },
  junior: { chance: { city: 0.1, town: 0.4, rural: 0.6 }, share: [0.3, 0.8] },
  senior: { chance: { city: 0.5, town: 0.8, rural: 0.85 }, share: [0.5, 0.95] },
  nine_year: { chance: { city: 0.1, town: 0.3, rural: 0.5 }, share: [0.2, 0.6] },
  special: { chance: { city: 0.3, town: 0.3, rural: 0.3 }, share: [0.3, 0.8] },
};

const MAX_PEOPLE = 4000;
/** Share of schools that are counter-terror key units (反恐重点单位): the largest, mostly in the city. */
const COUNTER_TERROR_SHARE = 0.05;
/** Share of schools one guard short of 附件1, and share with one to spare. */
const GUARD_SHORT_SHARE = 0.12;
const GUARD_SPARE_SHARE = 0.1;

interface Centre {
  name: string;
  point: LatLng;
}

function districtKind(code: DistrictCode): keyof typeof SETTING_MIX {
  if (code === '410404') return 'smallUrban';
  if (DISTRICTS.find((d) => d.code === code)?.urban) return 'urban';
  return code === '410481' || code === '410482' ? 'countyCity' : 'county';
}

/** Splits `total` over the districts in proportion to population (largest remainder). */
export function allocate(total: number): Map<DistrictCode, number> {
  const sum = DISTRICTS.reduce((s, d) => s + POPULATION[d.code], 0);
  const exact = DISTRICTS.map((d) => ({ code: d.code, share: (total * POPULATION[d.code]) / sum }));
  const counts = new Map(exact.map((e) => [e.code, Math.floor(e.share)] as const));
  let left = total - [...counts.values()].reduce((s, n) => s + n, 0);
  for (const e of [...exact].sort((a, b) => (b.share % 1) - (a.share % 1))) {
    if (left-- <= 0) break;
    counts.set(e.code, (counts.get(e.code) ?? 0) + 1);
  }
  return counts;
}

/** Street centres crowd around the seat; towns lie anywhere in the district. */
function centres(shape: DistrictShape, random: Random): { streets: Centre[]; towns: Centre[] } {
  const places = DISTRICT_PLACES[shape.code];
  const spread = shape.code === '410404' ? 1000 : DISTRICTS.find((d) => d.code === shape.code)?.urban ? 2500 : 1500;
  const streets = places.streets.map((name) => ({ name, point: sampleNear(shape, shape.seat, spread, random) }));
  const towns = places.towns.map((name) => ({ name, point: sampleUniform(shape, random) }));
  return { streets, towns };
}

function nearest(centres: Centre[], point: LatLng): Centre {
  return centres.reduce((best, c) => (distanceMetres(c.point, point) < distanceMetres(best.point, point) ? c : best));
}

function logNormal(random: Random, median: number, sigma: number): number {
  return median * Math.exp(sigma * random.normal());
}

function headcount(stage: SchoolStage, setting: SchoolSetting, random: Random) {
  const spec = STUDENTS[stage];
  const ratio = random.float(0.08, 0.12);
  let students = Math.round(Math.min(spec.max, Math.max(spec.min, logNormal(random, spec.median[setting], spec.sigma))));
  students = Math.min(students, Math.floor(MAX_PEOPLE / (1 + ratio)));
  const staff = Math.min(MAX_PEOPLE - students, Math.max(3, Math.round(students * ratio)));
  const boarding = random.chance(BOARDING[stage].chance[setting]);
  const [low, high] = BOARDING[stage].share;
  const boarders = boarding ? Math.max(1, Math.round(students * random.float(low, high))) : 0;
  return { students, staff, boarding, boarders };
}

/** The setting mix a school of `stage` in `code` is drawn from: seat-only stages lose the rural share unless the district is an exception. */
function settingMix(code: DistrictCode, stage: SchoolStage): Record<SchoolSetting, number> {
  const mix: Record<SchoolSetting, number> = { ...SETTING_MIX[districtKind(code)] };
  if (SEAT_ONLY_STAGES.includes(stage) && !RURAL_EXCEPTIONS[code]?.includes(stage)) mix.rural = 0;
  return mix;
}

/** The stages of each district's schools: every stage's city count split by population, in a shuffled order. */
function districtStages(counts: Readonly<Record<SchoolStage, number>>, random: Random): Map<DistrictCode, SchoolStage[]> {
  const stages = new Map<DistrictCode, SchoolStage[]>(DISTRICTS.map((d) => [d.code, []]));
  for (const stage of Object.keys(counts) as SchoolStage[]) {
    for (const [code, n] of allocate(counts[stage])) for (let i = 0; i < n; i++) stages.get(code)!.push(stage);
  }
  for (const list of stages.values()) {
    for (let i = list.length - 1; i > 0; i--) {
      const j = random.int(0, i);
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
  }
  return stages;
}

/** Inputs of {@link generateSchools}. */
export interface SchoolInput {
  /** Schools by stage for the whole city ({@link CITY_STAGE_COUNTS} at city scale). */
  stageCounts: Readonly<Record<SchoolStage, number>>;
  /** Digits of the numeric part of ids: 4 → S0001. */
  idWidth: number;
  shapes: Map<DistrictCode, DistrictShape>;
  random: Random;
  names: NameBook;
}

/** Generates the schools, district by district, each inside its district's polygon. */
export function generateSchools(input: SchoolInput): SchoolSite[] {
  const { random, names } = input;
  const sites: SchoolSite[] = [];
  for (const [code, stages] of districtStages(input.stageCounts, random)) {
    const shape = input.shapes.get(code);
    if (!shape) throw new Error(`no geometry for district ${code}`);
    const places = DISTRICT_PLACES[code];
    const district = DISTRICTS.find((d) => d.code === code)!;
    const { streets, towns } = centres(shape, random);
    for (const stage of stages) {
      const setting = random.weighted(settingMix(code, stage));
      const atSeat = setting === 'city' || (setting === 'town' && (towns.length === 0 || (!district.urban && random.chance(0.55))));
      const candidates = atSeat || towns.length === 0 ? streets : towns;
      let centre = random.pick(candidates);
      let point: LatLng;
      if (setting === 'rural' && random.chance(0.4)) {
        // a village anywhere in the district, belonging to the nearest township
        point = sampleUniform(shape, random);
        centre = nearest(candidates, point);
      } else {
        point = sampleNear(shape, centre.point, setting === 'rural' ? 4000 : atSeat ? 900 : 700, random);
      }
      const road = random.pick(places.roads);
      const village = setting === 'rural' ? names.village() : null;
      const name = names.schoolName({
        stage, setting, prefix: places.schoolPrefix, owner: district.urban ? '平顶山市' : places.schoolPrefix,
        town: atSeat ? null : centre.name, village, road,
      });
      const number = random.int(1, atSeat ? 399 : 99);
      const address = `平顶山市${district.name}${atSeat ? '' : centre.name}${village ? `${village}村${number}号` : `${road}${number}号`}`;
      const id = `S${String(sites.length + 1).padStart(input.idWidth, '0')}`;
      const school: School = {
        id, name, districtCode: code, address, stage, setting,
        ...headcount(stage, setting, random), counterTerror: false, guards: 0, ...point,
      };
      sites.push({ school, township: centre.name, road });
    }
  }
  markCounterTerror(sites, random);
  for (const { school } of sites) school.guards = employedGuards(school, random);
  return sites;
}

/** The largest schools, city ones first, become counter-terror key units. */
function markCounterTerror(sites: SchoolSite[], random: Random): void {
  const weight = { city: 1.6, town: 1, rural: 0.4 } as const;
  const ranked = sites
    .map(({ school }) => ({ school, score: (school.students + school.staff) * weight[school.setting] * random.float(0.6, 1.4) }))
    .sort((a, b) => b.score - a.score);
  for (const { school } of ranked.slice(0, Math.round(sites.length * COUNTER_TERROR_SHARE))) school.counterTerror = true;
}

/** Most schools meet 附件1; some are one short, some have one to spare. */
function employedGuards(school: School, random: Random): number {
  const required = requiredGuards({ people: school.students + school.staff, boarding: school.boarding, boarders: school.boarders }).value;
  const r = random.next();
  if (r < GUARD_SHORT_SHARE) return required - 1;
  return r < GUARD_SHORT_SHARE + GUARD_SPARE_SHARE ? required + 1 : required;
}
