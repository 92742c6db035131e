import { z } from 'zod';
import { DEVICE_KINDS } from '../domain/entities.js';
import { deviceSchema, districtCodeSchema, schoolSchema } from '../domain/entity-schemas.js';
import { bilingual } from '../zod-text.js';
import { route } from './route.js';

/** `GET /schools`: one district's schools, or all. */
export const schoolsQuerySchema = z.object({ districtCode: districtCodeSchema.optional() });
/** A parsed `GET /schools` query. */
export type SchoolsQuery = z.output<typeof schoolsQuerySchema>;

/** How many devices `GET /devices?ids=` names at once (a screen's alarms and tickets, asked in batches). */
export const MAX_DEVICE_IDS = 200;

/** `GET /devices`: by kind, at one school, or by id (`ids=a,b,c`: at most MAX_DEVICE_IDS, the known ones within scope answered). */
export const devicesQuerySchema = z.object({
  kind: z.enum(DEVICE_KINDS).optional(),
  schoolId: z.string().min(1).max(64).optional(),
  ids: z
    .string()
    .max(MAX_DEVICE_IDS * 65, { error: bilingual(`at most ${MAX_DEVICE_IDS} ids`, `最多 ${MAX_DEVICE_IDS} 个设备编号`) })
    .transform((text) => text.split(','))
    .pipe(
      z
        .array(z.string().min(1, { error: bilingual('an empty device id', '设备编号为空') }).max(64, { error: bilingual('a device id is at most 64 characters', '设备编号最长 64 个字符') }))
        .max(MAX_DEVICE_IDS, { error: bilingual(`at most ${MAX_DEVICE_IDS} ids`, `最多 ${MAX_DEVICE_IDS} 个设备编号`) }),
    )
    .optional(),
});
/** A parsed `GET /devices` query. */
export type DevicesQuery = z.output<typeof devicesQuerySchema>;

/**
 * The registry, so an integrator can map its devices (a bearer ingest token sees all) and a person
 * can read their district's or school's part.
 */
export const REGISTRY_ROUTES = {
  'registry.schools': route({ method: 'GET', path: '/schools', allow: 'ingest-or-read', query: schoolsQuerySchema, answer: z.object({ schools: z.array(schoolSchema) }), summary: 'the schools (an integration sees all; a person their scope)' }),
  'registry.devices': route({ method: 'GET', path: '/devices', allow: 'ingest-or-read', query: devicesQuerySchema, answer: z.object({ devices: z.array(deviceSchema) }), summary: 'the registered devices (an integration sees all; a person their scope)' }),
} as const;
