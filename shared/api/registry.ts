import { z } from 'zod';
import { DEVICE_KINDS } from '../domain/entities.js';
import { deviceSchema, districtCodeSchema, schoolSchema } from '../domain/entity-schemas.js';
import { route } from './route.js';

/** `GET /schools`: one district's schools, or all. */
export const schoolsQuerySchema = z.object({ districtCode: districtCodeSchema.optional() });
/** A parsed `GET /schools` query. */
export type SchoolsQuery = z.output<typeof schoolsQuerySchema>;

/** `GET /devices`: by kind, at one school. */
export const devicesQuerySchema = z.object({ kind: z.enum(DEVICE_KINDS).optional(), schoolId: z.string().min(1).max(64).optional() });
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
