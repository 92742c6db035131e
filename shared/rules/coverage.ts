import type { DistrictCode } from '../domain/districts.js';
import type { GuardPost, LatLng, PolicePost, School, SchoolSetting } from '../domain/entities.js';
import { distanceM } from '../geo.js';

/** How near a 护学岗 and a police post must be for a school to count as covered. */
export interface CoverageRule {
  guardPostM: number;
  policePostM: number;
}

/** Defaults: a 护学岗 within 500 m, a police post within 1 km. */
export const DEFAULT_COVERAGE_RULE: CoverageRule = { guardPostM: 500, policePostM: 1000 };

/** The nearest post found within reach. */
export interface ReachedPost {
  id: string;
  distanceM: number;
}

/** One school's coverage. */
export interface SchoolCoverage {
  schoolId: string;
  districtCode: DistrictCode;
  setting: SchoolSetting;
  /** A 护学岗 that lists the school, or the nearest one within reach; null is a gap. */
  guardPost: ReachedPost | null;
  policePost: ReachedPost | null;
}

/** Counts of a roll-up row: 设置率 is `withGuardPost / schools`. */
export interface CoverageCounts {
  schools: number;
  withGuardPost: number;
  withPolicePost: number;
  /** Both within reach. */
  covered: number;
}

/** The city's coverage: every school, and roll-ups by district and by setting. */
export interface CoverageReport {
  rule: CoverageRule;
  schools: SchoolCoverage[];
  byDistrict: (CoverageCounts & { districtCode: DistrictCode })[];
  bySetting: (CoverageCounts & { setting: SchoolSetting })[];
  total: CoverageCounts;
}

/** A uniform grid of ~1 km cells, so "what is within d metres" never scans every point. */
class GridIndex<T extends LatLng> {
  private readonly cells = new Map<string, T[]>();
  constructor(points: readonly T[], private readonly cellDeg = 0.01) {
    for (const p of points) {
      const key = this.key(Math.floor(p.lat / cellDeg), Math.floor(p.lng / cellDeg));
      const cell = this.cells.get(key);
      if (cell) cell.push(p);
      else this.cells.set(key, [p]);
    }
  }
  private key(row: number, col: number): string {
    return `${row}:${col}`;
  }
  /** The nearest point within `radiusM` of `from`, or null. */
  nearestWithin(from: LatLng, radiusM: number): { item: T; distanceM: number } | null {
    // 0.01° of latitude ≈ 1.11 km; of longitude at 34° N ≈ 0.92 km: pad the search a cell.
    const reach = Math.ceil(radiusM / 900) + 1;
    const row = Math.floor(from.lat / this.cellDeg);
    const col = Math.floor(from.lng / this.cellDeg);
    let best: { item: T; distanceM: number } | null = null;
    for (let r = row - reach; r <= row + reach; r++) {
      for (let c = col - reach; c <= col + reach; c++) {
        for (const item of this.cells.get(this.key(r, c)) ?? []) {
          const d = distanceM(from, item);
          if (d <= radiusM && (!best || d < best.distanceM)) best = { item, distanceM: d };
        }
      }
    }
    return best;
  }
}

function emptyCounts(): CoverageCounts {
  return { schools: 0, withGuardPost: 0, withPolicePost: 0, covered: 0 };
}

function count(into: CoverageCounts, school: SchoolCoverage): void {
  into.schools++;
  if (school.guardPost) into.withGuardPost++;
  if (school.policePost) into.withPolicePost++;
  if (school.guardPost && school.policePost) into.covered++;
}

const round = (m: number) => Math.round(m);

function bucket<K>(map: Map<K, CoverageCounts>, key: K): CoverageCounts {
  let counts = map.get(key);
  if (!counts) map.set(key, (counts = emptyCounts()));
  return counts;
}

/** Which schools have a 护学岗 and a police post within reach, and the gaps rolled up. */
export function coverage(input: { schools: readonly School[]; guardPosts: readonly GuardPost[]; policePosts: readonly PolicePost[] }, rule: CoverageRule = DEFAULT_COVERAGE_RULE): CoverageReport {
  const assigned = new Map<string, GuardPost>();
  for (const post of input.guardPosts) for (const id of post.schoolIds) if (!assigned.has(id)) assigned.set(id, post);
  const guardIndex = new GridIndex(input.guardPosts);
  const policeIndex = new GridIndex(input.policePosts);

  const schools: SchoolCoverage[] = input.schools.map((school) => {
    const own = assigned.get(school.id);
    const guard = own ? { item: own, distanceM: distanceM(school, own) } : guardIndex.nearestWithin(school, rule.guardPostM);
    const police = policeIndex.nearestWithin(school, rule.policePostM);
    return {
      schoolId: school.id,
      districtCode: school.districtCode,
      setting: school.setting,
      guardPost: guard ? { id: guard.item.id, distanceM: round(guard.distanceM) } : null,
      policePost: police ? { id: police.item.id, distanceM: round(police.distanceM) } : null,
    };
  });

  const byDistrict = new Map<DistrictCode, CoverageCounts>();
  const bySetting = new Map<SchoolSetting, CoverageCounts>();
  const total = emptyCounts();
  for (const s of schools) {
    count(total, s);
    count(bucket(byDistrict, s.districtCode), s);
    count(bucket(bySetting, s.setting), s);
  }
  return {
    rule,
    schools,
    byDistrict: [...byDistrict].sort(([a], [b]) => a.localeCompare(b)).map(([districtCode, c]) => ({ districtCode, ...c })),
    bySetting: [...bySetting].map(([setting, c]) => ({ setting, ...c })),
    total,
  };
}
