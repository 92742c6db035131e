import { z } from 'zod';
import { DISTRICT_CODES, SCHOOL_SETTINGS, SCHOOL_STAGES, type DistrictCode, type GuardPost, type PolicePost, type School } from './domain/index.js';
import { guardPostSchema, policePostSchema } from './domain/entity-schemas.js';

/**
 * The wall's registry in columns (issue 17 item 4: province scale): `GET /api/v1/wall/registry`.
 * Fifty thousand schools as objects are 17 MB of JSON whose every key a browser parses again and
 * again (a long task of 100–350 ms in Chromium); as one array per field they are a third of it and
 * parse several times faster. Enumerations travel as indices, booleans as 0/1. Police and 护学岗
 * posts are few enough (and the latter nested) to stay objects.
 */
export const REGISTRY_COLUMNS_VERSION = 1;

/** At most this many parts of `GET /api/v1/wall/registry?slice=i&slices=n`. */
export const MAX_REGISTRY_SLICES = 16;

/**
 * The part (0 … slices − 1) a school or post belongs to, from its id alone (FNV-1a): the same on
 * every node and for every version of the registry, so parts asked separately never overlap or
 * miss an item, even when the registry changes between them or they come from two nodes.
 */
export function registrySliceOf(id: string, slices: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % slices;
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
}

/** `GET /api/v1/wall/registry`: what a wall draws that changes only with the registry. */
export interface RegistryColumns {
  v: typeof REGISTRY_COLUMNS_VERSION;
  schools: SchoolColumns;
  policePosts: PolicePost[];
  guardPosts: GuardPost[];
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
}) satisfies z.ZodType<SchoolColumns>;

export const registryColumnsSchema = z.object({
  v: z.literal(REGISTRY_COLUMNS_VERSION),
  schools: schoolColumnsSchema,
  policePosts: z.array(policePostSchema),
  guardPosts: z.array(guardPostSchema),
}) satisfies z.ZodType<RegistryColumns>;

/** The schools as columns. */
export function schoolsToColumns(schools: readonly School[]): SchoolColumns {
  const columns: SchoolColumns = { id: [], name: [], district: [], address: [], stage: [], setting: [], boarding: [], boarders: [], students: [], staff: [], counterTerror: [], guards: [], lat: [], lng: [] };
  for (const school of schools) {
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

function at<T>(list: readonly T[], index: number, what: string): T {
  const value = list[index];
  if (value === undefined) throw new Error(`registry columns: unknown ${what} ${index}`);
  return value;
}

/** The columns back as schools; throws when a column's length or an index is off (a damaged answer is not drawn half). */
export function schoolsFromColumns(columns: SchoolColumns): School[] {
  const count = columns.id.length;
  for (const [field, values] of Object.entries(columns) as [string, unknown[]][]) {
    if (values.length !== count) throw new Error(`registry columns: ${field} has ${values.length} values for ${count} schools`);
  }
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
