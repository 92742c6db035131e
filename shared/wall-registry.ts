import { z } from 'zod';
import { DISTRICT_CODES, SCHOOL_SETTINGS, SCHOOL_STAGES, type DistrictCode, type DutyWindow, type GuardPost, type PolicePost, type School } from './domain/index.js';
import { dutyWindowSchema, policePostSchema } from './domain/entity-schemas.js';
import { checkColumnLengths, columnValue, dictionaryIndex } from './columns.js';

/**
 * The wall's registry in columns (issue 17 item 4: province scale): `GET /api/v1/wall/registry`.
 * Fifty thousand schools as objects are 17 MB of JSON whose every key a browser parses again and
 * again (a long task of 100–350 ms in Chromium); as one array per field they are a third of it and
 * parse several times faster. Enumerations travel as indices, booleans as 0/1. The 护学岗 posts
 * travel in columns too (v2), their duties and schedules — a handful of distinct ones across a
 * province — once each, by index: 4.1 MB of JSON became ≈ 1.4 MB. Police posts are few enough to
 * stay objects. v3: each school's registered cameras (`cameras`), so that the live snapshot need
 * list only the schools with a camera down (`GET /wall?cameras=down`, `schoolCamerasKey`).
 */
export const REGISTRY_COLUMNS_VERSION = 3;

/** At most this many parts of `GET /api/v1/wall/registry?slice=i&slices=n`. */
export const MAX_REGISTRY_SLICES = 16;

/** The registry's parts a wall asks for at once (and the order its school-cluster worker's points come in: `GET /wall/school-points`). */
export const REGISTRY_SLICES = 16;

/**
 * The part (0 … slices − 1) a school or post belongs to, from its id alone (FNV-1a): the same on
 * every node and for every version of the registry, so parts asked separately never overlap or
 * miss an item, even when the registry changes between them or they come from two nodes.
 */
export function registrySliceOf(id: string, slices: number): number {
  return idHash(id) % slices;
}

/** FNV-1a of an id, as an unsigned 32-bit number. */
function idHash(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A fingerprint of the schools' registered cameras: the sum of each school's id hash times its
 * cameras, modulo 2³² — the same whatever the schools' order or parts. A wall computes it from its
 * registry's columns and the server from its registry (`WallSnapshot.camerasKey`): when they
 * agree, a school the live snapshot does not list has every registered camera online; when they
 * do not (a camera registered since the wall read its registry), the wall asks for every school.
 */
export function schoolCamerasKey(ids: readonly string[], cameras: (index: number) => number): number {
  let key = 0;
  for (let i = 0; i < ids.length; i++) key = (key + Math.imul(idHash(ids[i]!), cameras(i))) >>> 0;
  return key;
}

/** The schools, one array per field, all of one length, in the registry's order. */
export interface SchoolColumns {
  id: string[];
  name: string[];
  /** Index into DISTRICT_CODES. */
  district: number[];
  address: string[];
  /** Index into SCHOOL_STAGES. */
  stage: number[];
  /** Index into SCHOOL_SETTINGS. */
  setting: number[];
  boarding: (0 | 1)[];
  boarders: number[];
  students: number[];
  staff: number[];
  counterTerror: (0 | 1)[];
  guards: number[];
  lat: number[];
  lng: number[];
  /** The cameras registered at each school (v3). */
  cameras: number[];
}

/** The 护学岗 posts, one array per field, all of one length; repeated texts once, by index. */
export interface GuardPostColumns {
  id: string[];
  name: string[];
  /** Index into DISTRICT_CODES. */
  district: number[];
  schoolIds: string[][];
  person: string[];
  phone: string[];
  /** Index into `duties`. */
  duty: number[];
  duties: string[];
  /** Index into `schedules`. */
  schedule: number[];
  schedules: DutyWindow[][];
  /** `[post index, ISO weekdays]` of the posts that name their days (the others: school days). */
  days: [number, number[]][];
  /** `[post index, dates]` of the posts with days off (the others: none). */
  offDates: [number, string[]][];
  radiusM: number[];
  lat: number[];
  lng: number[];
}

/** `GET /api/v1/wall/registry`: what a wall draws that changes only with the registry. */
export interface RegistryColumns {
  v: typeof REGISTRY_COLUMNS_VERSION;
  schools: SchoolColumns;
  policePosts: PolicePost[];
  guardPosts: GuardPostColumns;
}

const indices = z.array(z.number().int().nonnegative());
const flags = z.array(z.union([z.literal(0), z.literal(1)]));

export const schoolColumnsSchema = z.object({
  id: z.array(z.string()),
  name: z.array(z.string()),
  district: indices,
  address: z.array(z.string()),
  stage: indices,
  setting: indices,
  boarding: flags,
  boarders: z.array(z.number()),
  students: z.array(z.number()),
  staff: z.array(z.number()),
  counterTerror: flags,
  guards: z.array(z.number()),
  lat: z.array(z.number()),
  lng: z.array(z.number()),
  cameras: z.array(z.number().int().nonnegative()),
}) satisfies z.ZodType<SchoolColumns>;

export const guardPostColumnsSchema = z.object({
  id: z.array(z.string()),
  name: z.array(z.string()),
  district: indices,
  schoolIds: z.array(z.array(z.string())),
  person: z.array(z.string()),
  phone: z.array(z.string()),
  duty: indices,
  duties: z.array(z.string()),
  schedule: indices,
  schedules: z.array(z.array(dutyWindowSchema)),
  days: z.array(z.tuple([z.number().int().nonnegative(), z.array(z.number().int())])),
  offDates: z.array(z.tuple([z.number().int().nonnegative(), z.array(z.string())])),
  radiusM: z.array(z.number()),
  lat: z.array(z.number()),
  lng: z.array(z.number()),
}) satisfies z.ZodType<GuardPostColumns>;

export const registryColumnsSchema = z.object({
  v: z.literal(REGISTRY_COLUMNS_VERSION),
  schools: schoolColumnsSchema,
  policePosts: z.array(policePostSchema),
  guardPosts: guardPostColumnsSchema,
}) satisfies z.ZodType<RegistryColumns>;

/** The schools as columns, with the cameras registered at each. */
export function schoolsToColumns(schools: readonly School[], camerasOf: (schoolId: string) => number): SchoolColumns {
  const columns: SchoolColumns = { id: [], name: [], district: [], address: [], stage: [], setting: [], boarding: [], boarders: [], students: [], staff: [], counterTerror: [], guards: [], lat: [], lng: [], cameras: [] };
  for (const school of schools) {
    columns.cameras.push(camerasOf(school.id));
    columns.id.push(school.id);
    columns.name.push(school.name);
    columns.district.push(DISTRICT_CODES.indexOf(school.districtCode));
    columns.address.push(school.address);
    columns.stage.push(SCHOOL_STAGES.indexOf(school.stage));
    columns.setting.push(SCHOOL_SETTINGS.indexOf(school.setting));
    columns.boarding.push(school.boarding ? 1 : 0);
    columns.boarders.push(school.boarders);
    columns.students.push(school.students);
    columns.staff.push(school.staff);
    columns.counterTerror.push(school.counterTerror ? 1 : 0);
    columns.guards.push(school.guards);
    columns.lat.push(school.lat);
    columns.lng.push(school.lng);
  }
  return columns;
}

const LABEL = 'registry columns';
const at = <T>(list: readonly T[], index: number, what: string): T => columnValue(list, index, LABEL, what);

/** The 护学岗 posts as columns. */
export function guardPostsToColumns(posts: readonly GuardPost[]): GuardPostColumns {
  const columns: GuardPostColumns = { id: [], name: [], district: [], schoolIds: [], person: [], phone: [], duty: [], duties: [], schedule: [], schedules: [], days: [], offDates: [], radiusM: [], lat: [], lng: [] };
  const dutyKeys = new Map<string, number>();
  const scheduleKeys = new Map<string, number>();
  posts.forEach((post, i) => {
    columns.id.push(post.id);
    columns.name.push(post.name);
    columns.district.push(DISTRICT_CODES.indexOf(post.districtCode));
    columns.schoolIds.push(post.schoolIds);
    columns.person.push(post.person);
    columns.phone.push(post.phone);
    columns.duty.push(dictionaryIndex(columns.duties, dutyKeys, post.duty, post.duty));
    columns.schedule.push(dictionaryIndex(columns.schedules, scheduleKeys, post.schedule, JSON.stringify(post.schedule)));
    if (post.days) columns.days.push([i, post.days]);
    if (post.offDates && post.offDates.length > 0) columns.offDates.push([i, post.offDates]);
    columns.radiusM.push(post.radiusM);
    columns.lat.push(post.lat);
    columns.lng.push(post.lng);
  });
  return columns;
}

function checkLengths(columns: object, count: number, what: string, dictionaries: readonly string[] = []): void {
  checkColumnLengths(columns, count, LABEL, what, dictionaries);
}

/**
 * The columns back as 护学岗 posts; throws when a column's length or an index is off. Posts with
 * the same schedule share its array (read-only, as every reader treats a post).
 */
export function guardPostsFromColumns(columns: GuardPostColumns): GuardPost[] {
  const count = columns.id.length;
  checkLengths(columns, count, 'guardPosts', ['duties', 'schedules', 'days', 'offDates']);
  const days = new Map(columns.days);
  const offDates = new Map(columns.offDates);
  const posts: GuardPost[] = new Array<GuardPost>(count);
  for (let i = 0; i < count; i++) {
    const named = days.get(i);
    posts[i] = {
      id: columns.id[i]!,
      name: columns.name[i]!,
      districtCode: at<DistrictCode>(DISTRICT_CODES, columns.district[i]!, 'district'),
      schoolIds: columns.schoolIds[i]!,
      person: columns.person[i]!,
      phone: columns.phone[i]!,
      duty: at(columns.duties, columns.duty[i]!, 'duty'),
      schedule: at(columns.schedules, columns.schedule[i]!, 'schedule'),
      ...(named ? { days: named } : {}),
      offDates: offDates.get(i) ?? [],
      radiusM: columns.radiusM[i]!,
      lat: columns.lat[i]!,
      lng: columns.lng[i]!,
    };
  }
  return posts;
}

/** The columns back as schools; throws when a column's length or an index is off (a damaged answer is not drawn half). */
export function schoolsFromColumns(columns: SchoolColumns): School[] {
  const count = columns.id.length;
  checkLengths(columns, count, 'schools');
  const schools: School[] = new Array<School>(count);
  for (let i = 0; i < count; i++) {
    schools[i] = {
      id: columns.id[i]!,
      name: columns.name[i]!,
      districtCode: at<DistrictCode>(DISTRICT_CODES, columns.district[i]!, 'district'),
      address: columns.address[i]!,
      stage: at(SCHOOL_STAGES, columns.stage[i]!, 'stage'),
      setting: at(SCHOOL_SETTINGS, columns.setting[i]!, 'setting'),
      boarding: columns.boarding[i] === 1,
      boarders: columns.boarders[i]!,
      students: columns.students[i]!,
      staff: columns.staff[i]!,
      counterTerror: columns.counterTerror[i] === 1,
      guards: columns.guards[i]!,
      lat: columns.lat[i]!,
      lng: columns.lng[i]!,
    };
  }
  return schools;
}
