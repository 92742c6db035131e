import type { DistrictCode } from '../domain/districts.js';
import type { GuardPost, PolicePost, School, SchoolSetting } from '../domain/entities.js';
import { GridIndex } from './grid-index.js';
import { GUARD_POST_REACH_M, guardPostRate, schoolGuardPosts, type GuardPostRate } from './guard-post-setup.js';

/** How near a 护学岗 and a police post must be for a school to count as covered. */
export interface CoverageRule {
  guardPostM: number;
  policePostM: number;
}

/** Defaults: a 护学岗 within 500 m (THE rule's reach, shared/rules/guard-post-setup.ts), a police post within 1 km. */
export const DEFAULT_COVERAGE_RULE: CoverageRule = { guardPostM: GUARD_POST_REACH_M, policePostM: 1000 };

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
  /** A 护学岗 that lists the school, or the nearest one within reach; null is a gap (THE rule, guard-post-setup.ts). */
  guardPost: ReachedPost | null;
  /** The post names no person responsible (定人 not met); false without a post. */
  noPerson: boolean;
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
  /**
   * THE 护学岗设置率 (docs/figures.md) of the schools in scope, always at the configured reach
   * (XIAOAN_GUARD_POST_REACH_M, default GUARD_POST_REACH_M) whatever reach the map explores: the figure the desk and the health
   * screen show too.
   */
  setupRate: GuardPostRate;
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
export function coverage(
  input: { schools: readonly School[]; guardPosts: readonly GuardPost[]; policePosts: readonly PolicePost[] },
  rule: CoverageRule = DEFAULT_COVERAGE_RULE,
  /** THE rule's reach and every post it may find (a post over a district line counts too, as on the desk). */
  official: { reachM: number; guardPosts: readonly GuardPost[] } = { reachM: GUARD_POST_REACH_M, guardPosts: input.guardPosts },
): CoverageReport {
  const guards = schoolGuardPosts(input.schools, input.guardPosts, rule.guardPostM);
  const setup = rule.guardPostM === official.reachM && official.guardPosts === input.guardPosts ? guards : schoolGuardPosts(input.schools, official.guardPosts, official.reachM);
  const policeIndex = new GridIndex(input.policePosts);

  const schools: SchoolCoverage[] = input.schools.map((school) => {
    const guard = guards.get(school.id) ?? null;
    const police = policeIndex.nearestWithin(school, rule.policePostM);
    return {
      schoolId: school.id,
      districtCode: school.districtCode,
      setting: school.setting,
      guardPost: guard ? { id: guard.postId, distanceM: guard.distanceM } : null,
      noPerson: guard !== null && guard.person === null,
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
    setupRate: guardPostRate(input.schools.map((school) => ({ setting: school.setting, guardPost: setup.get(school.id) ?? null })), official.reachM),
  };
}
