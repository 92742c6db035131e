import { DISTRICTS, type DistrictCode, type DutyWindow, type GuardPost, type LatLng, type PolicePost, type PolicePostKind, type School, type SchoolStage } from '../../shared/domain/index.js';
import { contains, type DistrictShape, offsetPoint } from './geometry.js';
import { GridIndex } from './grid.js';
import { chineseNumber, type NameBook } from './names.js';
import { DISTRICT_PLACES } from './places.js';
import type { Random } from './random.js';
import type { SchoolSite } from './schools.js';

/** What the post generators share. */
export interface PostInput {
  sites: SchoolSite[];
  shapes: Map<DistrictCode, DistrictShape>;
  random: Random;
  names: NameBook;
}

const urban = new Set<string>(DISTRICTS.filter((d) => d.urban).map((d) => d.code));
const districtName = (code: DistrictCode): string => DISTRICTS.find((d) => d.code === code)?.name ?? code;

/** A point `min`–`max` metres from `origin` inside the district, or `origin` itself when none is found. */
function pointAround(shape: DistrictShape, origin: LatLng, min: number, max: number, random: Random): LatLng {
  for (let i = 0; i < 10; i++) {
    const point = offsetPoint(origin, random.float(min, max), random.float(0, 2 * Math.PI));
    if (contains(shape, point)) return point;
  }
  return { lat: origin.lat, lng: origin.lng };
}

/** Draws items with probability proportional to weight, with replacement (cumulative sums + binary search). */
function weightedSampler<T>(items: readonly T[], weight: (item: T) => number, random: Random): () => T {
  const cumulative: number[] = [];
  let total = 0;
  for (const item of items) cumulative.push((total += weight(item)));
  return () => {
    const target = random.next() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (cumulative[mid]! > target) high = mid;
      else low = mid + 1;
    }
    return items[low]!;
  };
}

/** Minimum distance between two police posts, metres. */
const POLICE_POST_SPACING_M = 300;

/**
 * 警务室 and 治安岗亭 beside school clusters: each is anchored on a school drawn with a weight
 * favouring the city districts and city/town schools, a few hundred metres from it, and kept
 * apart from the posts already placed.
 */
export function generatePolicePosts(input: PostInput & { rooms: number; booths: number; idWidth: number }): PolicePost[] {
  const { random, names, shapes } = input;
  const settingWeight = { city: 3, town: 2, rural: 0.5 } as const;
  const drawAnchor = weightedSampler(input.sites, ({ school }) => (urban.has(school.districtCode) ? 2 : 1) * settingWeight[school.setting], random);
  const placed = new GridIndex<PolicePost>(0.01);
  const posts: PolicePost[] = [];
  const kinds: PolicePostKind[] = [...Array<PolicePostKind>(input.rooms).fill('room'), ...Array<PolicePostKind>(input.booths).fill('booth')];
  for (const kind of kinds) {
    let anchor = drawAnchor();
    let point = pointAround(shapes.get(anchor.school.districtCode)!, anchor.school, 80, 600, random);
    for (let tries = 0; tries < 20 && placed.near(point, POLICE_POST_SPACING_M).length > 0; tries++) {
      anchor = drawAnchor();
      point = pointAround(shapes.get(anchor.school.districtCode)!, anchor.school, 80, 600, random);
    }
    const code = anchor.school.districtCode;
    const district = districtName(code);
    const name =
      kind === 'room'
        ? names.claim([`${district}${anchor.township}警务室`], { key: `${code}/${anchor.township}/room`, name: (n) => `${district}${anchor.township}第${chineseNumber(n + 1)}警务室` })
        : names.claim([`${district}${anchor.road}治安岗亭`], { key: `${code}/${anchor.road}/booth`, name: (n) => `${district}${anchor.road}${n + 1}号治安岗亭` });
    const post: PolicePost = { id: `P${String(posts.length + 1).padStart(input.idWidth, '0')}`, name, kind, districtCode: code, ...point };
    posts.push(post);
    placed.add(post);
  }
  return posts;
}

const STAGE_WEIGHT: Record<SchoolStage, number> = { kindergarten: 0.6, primary: 1.5, junior: 1.2, senior: 1, nine_year: 1.2, special: 0.5 };
const SETTING_WEIGHT = { city: 6, town: 3, rural: 0.25 } as const;
/** Share of 护学岗 posts that also cover a neighbouring school's gate, and how near it must be. */
const SHARED_POST_SHARE = 0.05;
const SHARED_POST_RADIUS_M = 500;

const DUTIES = [
  '疏导交通、护送学生、维护校门秩序',
  '疏导交通、护送学生过马路',
  '维护校门秩序、巡查校园周边、处置突发情况',
  '护送学生、劝离可疑人员、维护校门秩序',
  '疏导交通、整治校园周边秩序、护送学生',
] as const;

const MOBILE_PREFIXES = ['130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '155', '156', '157', '158', '159', '166', '176', '177', '180', '181', '182', '183', '185', '186', '187', '188', '189', '191', '199'] as const;

/** An 11-digit mainland mobile number. */
export function mobile(random: Random): string {
  return `${random.pick(MOBILE_PREFIXES)}${String(random.int(0, 99_999_999)).padStart(8, '0')}`;
}

const dutyWindow = (start: string, end: string): DutyWindow => ({ start, end });

/** Peak windows at the gate: morning arrival, noon, afternoon dismissal; kindergartens open later. Some posts skip noon. */
function schedule(stage: SchoolStage, random: Random): DutyWindow[] {
  const morning = stage === 'kindergarten' ? dutyWindow('07:30', '08:30') : random.pick([dutyWindow('06:50', '07:50'), dutyWindow('07:00', '08:00'), dutyWindow('07:00', '08:00'), dutyWindow('07:10', '08:10')]);
  const noon = random.pick([dutyWindow('11:30', '12:30'), dutyWindow('11:30', '12:30'), dutyWindow('11:40', '12:40')]);
  const afternoon = stage === 'kindergarten' ? dutyWindow('16:30', '17:30') : random.pick([dutyWindow('17:00', '18:00'), dutyWindow('17:00', '18:00'), dutyWindow('16:50', '17:50'), dutyWindow('17:10', '18:10')]);
  return random.chance(0.2) ? [morning, afternoon] : [morning, noon, afternoon];
}

/** Drops the district prefix: 平顶山市新华区建设路小学 → 建设路小学. */
function shortName(school: School): string {
  const prefix = DISTRICT_PLACES[school.districtCode].schoolPrefix;
  return school.name.startsWith(prefix) ? school.name.slice(prefix.length) : school.name;
}

/** Share of 护学岗 posts the dataset leaves without a named person (定人 not met, docs/figures.md). */
const NO_PERSON_PERCENT = 4;

/** Whether the post at `index` names no person: a fixed hash of the index, so the random stream (and every other seeded value) stays as it was. */
function withoutPerson(index: number): boolean {
  return (Math.imul(index + 1, 2654435761) >>> 0) % 100 < NO_PERSON_PERCENT;
}

/**
 * 护学岗 posts at school gates: schools drawn without replacement (Efraimidis–Spirakis keys),
 * favouring city and town schools and bigger ones; about 5 % also cover a neighbouring school.
 */
export function generateGuardPosts(input: PostInput & { count: number; idWidth: number }): GuardPost[] {
  const { random, shapes } = input;
  const schools = input.sites.map((site) => site.school);
  const keyed = schools.map((school) => {
    const weight = SETTING_WEIGHT[school.setting] * STAGE_WEIGHT[school.stage] * Math.sqrt(school.students + school.staff);
    return { school, key: Math.log(1 - random.next()) / weight };
  });
  const chosen = keyed.sort((a, b) => b.key - a.key).slice(0, input.count).map((k) => k.school);
  const covered = new Set(chosen.map((school) => school.id));
  const grid = new GridIndex<School>(0.01);
  for (const school of schools) grid.add(school);
  // Visit the posts in random order and let the first ~5 % that have an uncovered neighbour share.
  const neighbours = new Map<string, School>();
  const order = chosen.map((school) => ({ school, key: random.next() })).sort((a, b) => a.key - b.key);
  const wanted = Math.round(chosen.length * SHARED_POST_SHARE);
  for (const { school } of order) {
    if (neighbours.size >= wanted) break;
    const neighbour = grid.near(school, SHARED_POST_RADIUS_M).find((s) => !covered.has(s.id));
    if (!neighbour) continue;
    covered.add(neighbour.id);
    neighbours.set(school.id, neighbour);
  }
  return chosen.map((first, index) => {
    const neighbour = neighbours.get(first.id);
    const point = pointAround(shapes.get(first.districtCode)!, first, 5, 30, random);
    const person = random.faker.person.fullName(); // drawn either way: the stream stays as it was
    return {
      id: `G${String(index + 1).padStart(input.idWidth, '0')}`,
      name: neighbour ? `${first.name}、${shortName(neighbour)}联合护学岗` : `${first.name}护学岗`,
      districtCode: first.districtCode,
      schoolIds: neighbour ? [first.id, neighbour.id] : [first.id],
      person: withoutPerson(index) ? '' : person,
      phone: mobile(random),
      duty: random.pick(DUTIES),
      schedule: schedule(first.stage, random),
      radiusM: random.int(20, 30) * 10,
      ...point,
    };
  });
}
