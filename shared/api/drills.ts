import { z } from 'zod';
import { alarmSchema } from '../domain/alarm-schema.js';
import {
  DRILL_MILESTONES, DRILL_SOURCES, TIMED_MILESTONES, drillCancelSchema, drillCheckSchema, drillListQuerySchema, drillPlanSchema, drillReplanSchema, drillSchema, drillStartSchema,
  type DrillAnswer,
} from '../drill.js';
import type { DrillScore } from '../rules/drill-score.js';
import { route } from './route.js';

const drillScoreSchema = z.object({
  initiatedAt: z.string().nullable(),
  clockSeconds: z.number().nullable(),
  timeline: z.array(
    z.object({ milestone: z.enum(DRILL_MILESTONES), at: z.string().nullable(), actor: z.string().nullable(), source: z.enum(DRILL_SOURCES).nullable(), offsetSeconds: z.number().nullable() }),
  ),
  milestones: z.array(
    z.object({
      milestone: z.enum(TIMED_MILESTONES),
      targetSeconds: z.number(),
      elapsedSeconds: z.number().nullable(),
      phase: z.enum(['waiting', 'running', 'met', 'stopped']),
      level: z.enum(['ok', 'warn', 'late']),
      outcome: z.enum(['on_time', 'late', 'missed', 'pending']),
      points: z.number(),
      maxPoints: z.number(),
    }),
  ),
  milestonePoints: z.number(),
  checklistPoints: z.number(),
  checklistMaxPoints: z.number(),
  checked: z.number(),
  total: z.number(),
  maxTotal: z.number(),
  final: z.boolean(),
}) satisfies z.ZodType<DrillScore>;

/** A drill with its alarm and score card: `GET /drills/:id` and every drill command's answer. */
export const drillAnswerSchema = z.object({ drill: drillSchema, alarm: alarmSchema.nullable(), serverTime: z.string(), score: drillScoreSchema }) satisfies z.ZodType<DrillAnswer>;

/** Live drills (应急演练): read within scope, run with `drill.run`, reports with `export`. */
export const DRILL_ROUTES = {
  'drills.list': route({ method: 'GET', path: '/drills', allow: 'read', query: drillListQuerySchema, answer: z.object({ drills: z.array(drillSchema) }), summary: 'drills in the person’s scope, newest first' }),
  'drills.plan': route({ method: 'POST', path: '/drills', allow: 'drill.run', body: drillPlanSchema, answer: drillAnswerSchema, status: 201, summary: 'plan a drill' }),
  'drills.get': route({ method: 'GET', path: '/drills/:id', allow: 'read', answer: drillAnswerSchema, summary: 'one drill with its score card and timeline' }),
  'drills.start': route({ method: 'POST', path: '/drills/:id/start', allow: 'drill.run', body: drillStartSchema, answer: drillAnswerSchema, summary: 'start a planned drill (on its day)' }),
  'drills.replan': route({ method: 'POST', path: '/drills/:id/replan', allow: 'drill.run', body: drillReplanSchema, answer: drillAnswerSchema, summary: 'move a planned drill to another day' }),
  'drills.end': route({ method: 'POST', path: '/drills/:id/end', allow: 'drill.run', answer: drillAnswerSchema, summary: 'end a running drill' }),
  'drills.cancel': route({ method: 'POST', path: '/drills/:id/cancel', allow: 'drill.run', body: drillCancelSchema, answer: drillAnswerSchema, summary: 'cancel a planned or running drill' }),
  'drills.check': route({ method: 'PUT', path: '/drills/:id/checklist/:itemId', allow: 'drill.run', body: drillCheckSchema, answer: drillAnswerSchema, summary: 'tick or untick a checklist item' }),
  'drills.exportCsv': route({ method: 'GET', path: '/drills/:id/export.csv', allow: 'export', answer: 'file', heavy: true, summary: 'the drill report as CSV' }),
  'drills.exportPdf': route({ method: 'GET', path: '/drills/:id/export.pdf', allow: 'export', answer: 'file', heavy: true, summary: 'the drill report as PDF (made in the worker pool)' }),
} as const;
