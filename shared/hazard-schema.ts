import { z } from 'zod';
import type { HazardCountsAnswer, HazardListItem } from './compliance.js';
import { DISTRICT_CODES } from './domain/districts.js';
import { HAZARD_ACTIONS, HAZARD_SEVERITIES, HAZARD_SOURCES, HAZARD_STATES, type Hazard, type HazardCounts, type HazardTransition } from './rules/hazard.js';

/**
 * The zod schemas of hazards as the API answers them (the interfaces in shared/rules/hazard.ts
 * and shared/compliance.ts are their documentation; each `satisfies` keeps the two from drifting).
 */

const state = z.enum(HAZARD_STATES);

/** One step taken on a hazard. */
export const hazardTransitionSchema = z.object({
  action: z.enum(['register', ...HAZARD_ACTIONS]),
  from: state.nullable(),
  to: state,
  actor: z.string(),
  at: z.string(),
  note: z.string().nullable(),
  assignee: z.string().nullable(),
  deadline: z.string().nullable(),
}) satisfies z.ZodType<HazardTransition>;

const hazardFields = {
  id: z.string(),
  schoolId: z.string(),
  districtCode: z.enum(DISTRICT_CODES),
  source: z.enum(HAZARD_SOURCES),
  sourceId: z.string().nullable(),
  severity: z.enum(HAZARD_SEVERITIES),
  description: z.string(),
  foundOn: z.string(),
  state,
  assignee: z.string().nullable(),
  deadline: z.string().nullable(),
  registeredAt: z.string(),
  updatedAt: z.string(),
  rectifiedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  version: z.number().int(),
};

/** A hazard with its steps. */
export const hazardSchema = z.object({ ...hazardFields, transitions: z.array(hazardTransitionSchema) }) satisfies z.ZodType<Hazard>;

/** A hazard as the list shows it. */
export const hazardListItemSchema = z.object({ ...hazardFields, overdue: z.boolean() }) satisfies z.ZodType<HazardListItem>;

/** A district's (or the city's) hazard figures. */
export const hazardCountsSchema = z.object({
  open: z.number(),
  overdue: z.number(),
  closedThisTerm: z.number(),
  byState: z.record(state, z.number()),
}) satisfies z.ZodType<HazardCounts>;

/** `GET /hazards/counts`. */
export const hazardCountsAnswerSchema = z.object({
  asOf: z.string(),
  term: z.object({ start: z.string(), end: z.string() }),
  byDistrict: z.array(hazardCountsSchema.extend({ districtCode: z.enum(DISTRICT_CODES), name: z.string() })),
  total: hazardCountsSchema,
}) satisfies z.ZodType<HazardCountsAnswer>;
