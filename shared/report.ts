import { z } from 'zod';
import { ALARM_TYPES } from './domain/alarm.js';
import { DISTRICT_CODES } from './domain/districts.js';
import { DAY_MS, SHANGHAI_OFFSET_MS, addDays, shanghaiParts } from './time.js';

/**
 * The periodic report (定期分析研判, issue 15 item 3): weekly or monthly, for the city or one
 * district. Its figures are computed once, in the worker pool, and kept with the PDF and xlsx.
 */

export const REPORT_KINDS = ['weekly', 'monthly'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** A report's period: [from, to) as ISO instants (Asia/Shanghai midnights) and its local label. */
export interface ReportPeriod {
  kind: ReportKind;
  from: string;
  to: string;
  /** `2026-11-23 ~ 2026-11-29` (weekly) or `2026-11` (monthly). */
  label: string;
}

/** The Shanghai midnight of a local date, as an instant. */
function midnight(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) - SHANGHAI_OFFSET_MS;
}

/** The last complete week (Monday–Sunday, Asia/Shanghai) before `now`. */
export function lastCompleteWeek(now: number): ReportPeriod {
  const parts = shanghaiParts(now);
  const thisMonday = addDays(parts.date, 1 - parts.weekday);
  const monday = addDays(thisMonday, -7);
  return { kind: 'weekly', from: new Date(midnight(monday)).toISOString(), to: new Date(midnight(thisMonday)).toISOString(), label: `${monday} ~ ${addDays(monday, 6)}` };
}

/** The last complete calendar month (Asia/Shanghai) before `now`. */
export function lastCompleteMonth(now: number): ReportPeriod {
  const today = shanghaiParts(now).date;
  const first = `${today.slice(0, 7)}-01`;
  const previous = addDays(first, -1).slice(0, 7);
  return { kind: 'monthly', from: new Date(midnight(`${previous}-01`)).toISOString(), to: new Date(midnight(first)).toISOString(), label: previous };
}

/** The period of a kind that contains the local date `date` (weekly: its Monday–Sunday; monthly: its month). */
export function periodContaining(kind: ReportKind, date: string): ReportPeriod {
  return kind === 'weekly' ? lastCompleteWeek(midnight(date) + 7 * DAY_MS) : lastCompleteMonth(midnight(`${addMonth(date.slice(0, 7))}-01`));
}

function addMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** `city`, or a district code. */
export const reportScopeSchema = z.union([z.literal('city'), z.enum(DISTRICT_CODES)]);
export type ReportScope = z.infer<typeof reportScopeSchema>;

/** A 1-3-5 step's figures over the period: counts, percentiles and the share that met its target. */
export const stepFiguresSchema = z.object({
  count: z.number(),
  p50Seconds: z.number().nullable(),
  p90Seconds: z.number().nullable(),
  meanSeconds: z.number().nullable(),
  /** Of `count`, how many met their target. */
  met: z.number(),
  /** met / count, 0–1; null when none. */
  attainment: z.number().nullable(),
});
export type StepFigures = z.infer<typeof stepFiguresSchema>;

/** A school among the period's top risks, with its reasons (from the risk service, wired at build). */
export const reportRiskRowSchema = z.object({
  schoolId: z.string(),
  schoolName: z.string(),
  districtCode: z.string(),
  score: z.number(),
  level: z.string(),
  /** One line per contribution, zh-CN then en (`3 起入侵报警（14 天） 3 intrusion alarms in 14 days (+18)`). */
  reasons: z.array(z.string()),
});
export type ReportRiskRow = z.infer<typeof reportRiskRowSchema>;

/** Everything the report says, in numbers. */
export const reportFiguresSchema = z.object({
  period: z.object({ kind: z.enum(REPORT_KINDS), from: z.string(), to: z.string(), label: z.string() }),
  scope: reportScopeSchema,
  generatedAt: z.string(),
  alarms: z.object({
    /** Real alarms (drills excluded) received in the period. */
    total: z.number(),
    byType: z.record(z.enum(ALARM_TYPES), z.number()),
    byDistrict: z.array(z.object({ districtCode: z.string(), alarms: z.number() })),
    /** 24 counts, by the Asia/Shanghai hour of receipt. */
    byHour: z.array(z.number()),
    falseAlarms: z.number(),
    /** falseAlarms / total, 0–1; null when none. */
    falseAlarmRate: z.number().nullable(),
  }),
  /** The P1/P2 (1-3-5) alarms' acknowledge and on-scene times. */
  response: z.object({ acknowledge: stepFiguresSchema, onScene: stepFiguresSchema }),
  /** ISA-18.2 floods: 10-minute periods with more than 10 alarms. */
  floods: z.array(z.object({ start: z.string(), alarms: z.number() })),
  cameras: z.object({ cameras: z.number(), faults: z.number(), outageHours: z.number(), availability: z.number().nullable(), lateRestores: z.number() }),
  guards: z.object({ posts: z.number(), checkIns: z.number(), absences: z.number() }),
  hazards: z.object({ opened: z.number(), closed: z.number(), overdue: z.number(), open: z.number() }),
  compliance: z.object({ asOf: z.string(), items: z.number(), met: z.number(), share: z.number().nullable() }),
  drills: z.object({
    recorded: z.number(),
    live: z.number(),
    averageScore: z.number().nullable(),
    rows: z.array(z.object({ drillId: z.string(), schoolId: z.string(), schoolName: z.string(), endedAt: z.string(), total: z.number(), maxTotal: z.number() })),
  }),
  topRisk: z.array(reportRiskRowSchema),
});
export type ReportFigures = z.infer<typeof reportFiguresSchema>;

/** A kept report as the list shows it. */
export const reportSummarySchema = z.object({
  id: z.string(),
  kind: z.enum(REPORT_KINDS),
  scope: reportScopeSchema,
  periodFrom: z.string(),
  periodTo: z.string(),
  label: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  pdfBytes: z.number(),
  xlsxBytes: z.number(),
  alarms: z.number(),
});
export type ReportSummary = z.infer<typeof reportSummarySchema>;

export const reportListQuerySchema = z.object({
  kind: z.enum(REPORT_KINDS).optional(),
  scope: reportScopeSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** `POST /reports`: a report now; the last complete period when `date` is absent, else the period holding `date`. */
export const reportGenerateSchema = z.object({
  kind: z.enum(REPORT_KINDS),
  scope: reportScopeSchema.optional(),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
});
export type ReportGenerateInput = z.infer<typeof reportGenerateSchema>;

export const reportAnswerSchema = z.object({ report: reportSummarySchema, figures: reportFiguresSchema });
export type ReportAnswer = z.infer<typeof reportAnswerSchema>;
