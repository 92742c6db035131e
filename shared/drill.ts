import { z } from 'zod';
import type { Alarm } from './domain/alarm.js';
import type { SchoolSetting } from './domain/entities.js';
import type { DrillScore } from './rules/drill-score.js';
import { localizedTextSchema, type LocalizedText } from './domain/text.js';
import { DEFAULT_DRILL_LENGTH_MINUTES } from './rules/drill-window.js';
import { DEFAULT_RESPONSE_TARGETS, responseTarget, type ResponseTargets } from './rules/response.js';
import { bilingual as b } from './zod-text.js';

/**
 * Emergency drills (应急演练) run live from the command centre: planned for a school, started and
 * ended by an operator, scored from the drill alarm's stored transitions and an observer's
 * checklist. `drills` in the compliance desk are the records of drills held; a drill that ends
 * here writes one of those records (it counts toward "a drill each semester").
 */

/** `planned` → `running` → `ended`; a planned or running drill may be `cancelled` instead. */
export const DRILL_STATES = ['planned', 'running', 'ended', 'cancelled'] as const;
/** A drill's state. */
export type DrillState = (typeof DRILL_STATES)[number];

/** The milestones of a drill, in order: the alarm raised, its life through to handled, the drill ended. */
export const DRILL_MILESTONES = ['initiated', 'acknowledged', 'dispatched', 'on_scene', 'handled', 'ended'] as const;
/** One milestone. */
export type DrillMilestone = (typeof DRILL_MILESTONES)[number];

/** The milestones timed against a target, measured from `initiated`. */
export const TIMED_MILESTONES = ['acknowledged', 'dispatched', 'on_scene', 'handled'] as const;
/** A timed milestone. */
export type TimedMilestone = (typeof TIMED_MILESTONES)[number];

/** Seconds from initiation by which each timed milestone should be reached. */
export type DrillTargets = Record<TimedMilestone, number>;

/**
 * Where a milestone's step came from: a school `device` (ingest), an operator's `console`
 * command, the `drill_screen` (start raises the drill alarm, end closes the drill), or the `system`.
 */
export const DRILL_SOURCES = ['device', 'console', 'drill_screen', 'system'] as const;
/** A step's source. */
export type DrillSource = (typeof DRILL_SOURCES)[number];

/** One observer checklist item: what the observer looks for, its points, and who ticked it when. */
export interface DrillChecklistItem {
  /** Stable within the drill; the default items use the keys of DEFAULT_DRILL_CHECKLIST. */
  id: string;
  label: string;
  points: number;
  checkedBy: string | null;
  checkedAt: string | null;
}

/**
 * How a drill came to an end: `operator` (someone pressed 结束), `time_limit` (the server ended it
 * by itself at its planned length plus the margin). Null while it runs, and for a cancelled one.
 */
export const DRILL_END_REASONS = ['operator', 'time_limit'] as const;
/** How a drill ended. */
export type DrillEndReason = (typeof DRILL_END_REASONS)[number];

/**
 * What the drill's record notes beside its milestones: `replanned` (its day moved), `auto_ended`
 * (it ended itself at its time limit), `alarm_converted` (an alarm at the school during the drill
 * was turned into a real one: 转为真实警情).
 */
export const DRILL_NOTE_KINDS = ['replanned', 'auto_ended', 'alarm_converted'] as const;
/** A note's kind. */
export type DrillNoteKind = (typeof DRILL_NOTE_KINDS)[number];

/** One note on a drill's record, in both languages. `by` is a person's display name or `system`. */
export interface DrillNote {
  kind: DrillNoteKind;
  at: string;
  by: string;
  /** The alarm a conversion turned real. */
  alarmId?: string;
  text: LocalizedText;
}

/** A drill as stored and as the API answers it. Times are ISO-8601 UTC. */
export interface Drill {
  id: string;
  schoolId: string;
  districtCode: string;
  scenario: string;
  /** Who takes part (free text: classes, guards, the police post…). */
  participants: string;
  /** When it is planned to start: it starts only on this day (Asia/Shanghai). */
  plannedFor: string;
  /** Planned length in minutes; with the configured margin, the longest it runs before ending itself. */
  lengthMinutes: number;
  targets: DrillTargets;
  state: DrillState;
  createdBy: string;
  createdAt: string;
  startedBy: string | null;
  startedAt: string | null;
  /** Who ended it (or cancelled it: `state` says which), and when. */
  endedBy: string | null;
  endedAt: string | null;
  /** Why it was cancelled, when it was. */
  cancelNote: string | null;
  /** The drill alarm scored: raised by the start, or the first one a school device raised while running. */
  alarmId: string | null;
  /** `drill_screen` when the start raised the alarm itself, `device` when the school's device did. */
  alarmOrigin: 'drill_screen' | 'device' | null;
  checklist: DrillChecklistItem[];
  /** The compliance record (`drills` of the desk) written when the drill ended. */
  recordId: string | null;
  /** How it ended (null while planned or running, and when cancelled). */
  endReason: DrillEndReason | null;
  /** Re-plans, the end at the time limit, alarms turned real: oldest first. */
  notes: DrillNote[];
}

/** The default observer checklist: the drill practice of the plan (报警、到位、封控、疏散、清点、民警到场). */
export const DEFAULT_DRILL_CHECKLIST: readonly { id: string; label: string; points: number }[] = [
  { id: 'alarm_button', label: '报警按钮触发', points: 5 },
  { id: 'guards_in_place', label: '门卫/保安到位并持防卫器械', points: 8 },
  { id: 'gate_sealed', label: '封控校门', points: 8 },
  { id: 'students_evacuated', label: '疏散学生/就地避险', points: 8 },
  { id: 'headcount', label: '清点人数并报告', points: 5 },
  { id: 'police_arrived', label: '民警到场', points: 6 },
];

/** Points of each timed milestone reached within its target (half when reached late, none when missed). */
export const MILESTONE_POINTS: Record<TimedMilestone, number> = { acknowledged: 15, dispatched: 15, on_scene: 15, handled: 15 };

/** The "1-3-5" figures a drill falls back to when a target of its P1 alarm is configured off. */
const DRILL_FALLBACK = { acknowledge: 60, onScene: 180 } as const;

/**
 * Default targets from the P1 (one-key SOS) response targets, the alarm a drill raises:
 * acknowledge within the acknowledge target, dispatch within twice it, on scene within the
 * on-scene target of the school's setting (city 3 min, town and rural 5), handled within ten
 * minutes after that (practice; each drill may set its own).
 */
export function defaultDrillTargets(setting: SchoolSetting, targets: ResponseTargets = DEFAULT_RESPONSE_TARGETS): DrillTargets {
  const acknowledge = responseTarget(targets, 1, 'acknowledge', setting) ?? DRILL_FALLBACK.acknowledge;
  const onScene = Math.max(acknowledge * 2, responseTarget(targets, 1, 'onScene', setting) ?? DRILL_FALLBACK.onScene);
  return { acknowledged: acknowledge, dispatched: acknowledge * 2, on_scene: onScene, handled: onScene + 600 };
}

const text = (what: string, max: number) =>
  z
    .string({ error: b(`${what} must be text`, '须为文字') })
    .trim()
    .min(1, { error: b(`${what} is required`, '必填') })
    .max(max, { error: b(`${what} is over ${max} characters`, `不能超过 ${max} 个字`) });
const seconds = (what: string) =>
  z
    .number({ error: b(`${what} must be a number of seconds`, '须为秒数') })
    .int({ error: b(`${what} must be whole seconds`, '须为整秒') })
    .min(10, { error: b(`${what} is under 10 s`, '不能少于 10 秒') })
    .max(7200, { error: b(`${what} is over 2 h`, '不能超过 2 小时') });

/** A checklist item as planned. */
export const drillChecklistInputSchema = z.strictObject({
  id: z.string().trim().regex(/^[a-z0-9_-]{1,40}$/, { error: b('id: 1 to 40 of a-z 0-9 _ -', '编号为 1–40 个 a-z 0-9 _ - 字符') }),
  label: text('label', 60),
  points: z
    .number({ error: b('points must be a number', '分值须为数字') })
    .int({ error: b('points must be whole', '分值须为整数') })
    .min(0, { error: b('points cannot be negative', '分值不能为负数') })
    .max(100, { error: b('points over 100', '分值不能超过 100') }),
});

/** `POST /api/v1/drills`: plan a drill. Targets and checklist default when left out. */
export const drillPlanSchema = z.strictObject({
  schoolId: text('schoolId', 64),
  scenario: text('scenario', 100),
  participants: z.string().trim().max(500, { error: b('participants is over 500 characters', '参演人员不能超过 500 个字') }).default(''),
  plannedFor: z.iso.datetime({ offset: true, error: b('plannedFor must be an ISO date-time', '计划时间须为日期和时间') }),
  lengthMinutes: z
    .number({ error: b('lengthMinutes must be a number of minutes', '演练时长须为分钟数') })
    .int({ error: b('lengthMinutes must be whole minutes', '演练时长须为整分钟') })
    .min(5, { error: b('lengthMinutes is under 5', '演练时长不能少于 5 分钟') })
    .max(480, { error: b('lengthMinutes is over 480 (8 h)', '演练时长不能超过 480 分钟') })
    .default(DEFAULT_DRILL_LENGTH_MINUTES),
  targets: z
    .strictObject({ acknowledged: seconds('acknowledged'), dispatched: seconds('dispatched'), on_scene: seconds('on_scene'), handled: seconds('handled') })
    .refine((t) => t.acknowledged <= t.dispatched && t.dispatched <= t.on_scene && t.on_scene <= t.handled, {
      error: b('targets must not decrease: acknowledged ≤ dispatched ≤ on_scene ≤ handled', '目标时限不能递减：确认 ≤ 派警 ≤ 到场 ≤ 处置'),
    })
    .optional(),
  checklist: z
    .array(drillChecklistInputSchema)
    .max(20, { error: b('at most 20 checklist items', '检查项最多 20 项') })
    .refine((items) => new Set(items.map((i) => i.id)).size === items.length, { error: b('checklist ids must be unique', '检查项编号不能重复') })
    .optional(),
});
/** A drill plan as sent. */
export type DrillPlan = z.input<typeof drillPlanSchema>;

/** `POST /api/v1/drills/:id/start`: `raiseAlarm` (default true) raises the drill alarm from the school's one-key button at once. */
export const drillStartSchema = z.strictObject({ raiseAlarm: z.boolean({ error: b('raiseAlarm must be true or false', 'raiseAlarm 须为是或否') }).default(true) });
/** `POST /api/v1/drills/:id/replan`: moves a planned drill to another day (today or later), with an optional reason. */
export const drillReplanSchema = z.strictObject({
  plannedFor: z.iso.datetime({ offset: true, error: b('plannedFor must be an ISO date-time', '计划时间须为日期和时间') }),
  note: z.string().trim().max(200, { error: b('note is over 200 characters', '说明不能超过 200 个字') }).optional(),
});
/** `POST /api/v1/drills/:id/cancel`. */
export const drillCancelSchema = z.strictObject({ note: text('note', 200) });
/** `PUT /api/v1/drills/:id/checklist/:itemId`. */
export const drillCheckSchema = z.strictObject({ checked: z.boolean({ error: b('checked must be true or false', 'checked 须为是或否') }) });
/** `GET /api/v1/drills` filters. */
export const drillListQuerySchema = z.object({
  state: z.enum([...DRILL_STATES, 'all']).default('all'),
  schoolId: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** `drill` socket event and `GET /api/v1/drills/:id`: the drill with its scored alarm. */
export interface DrillDetail {
  drill: Drill;
  /** The drill alarm with its stored transitions (null until one is raised). */
  alarm: Alarm | null;
  /** Server time of the answer, so a screen can run its clock on the server's time. */
  serverTime: string;
}

/** `GET /api/v1/drills/:id` and every drill command's answer: the detail with its score card as of `serverTime`. */
export interface DrillAnswer extends DrillDetail {
  score: DrillScore;
}

/** The schemas of a drill as the API answers it (the interfaces above document it; `satisfies` keeps them together). */
const drillChecklistItemSchema = z.object({ id: z.string(), label: z.string(), points: z.number(), checkedBy: z.string().nullable(), checkedAt: z.string().nullable() }) satisfies z.ZodType<DrillChecklistItem>;
/** A drill's targets (also `drill_runs.targets`, checked when read back). */
export const drillTargetsSchema = z.object({ acknowledged: z.number(), dispatched: z.number(), on_scene: z.number(), handled: z.number() }) satisfies z.ZodType<DrillTargets>;
/** One note on a drill's record (also `drill_runs.notes`, checked when read back). */
export const drillNoteSchema = z.object({ kind: z.enum(DRILL_NOTE_KINDS), at: z.string(), by: z.string(), alarmId: z.string().optional(), text: localizedTextSchema }) satisfies z.ZodType<DrillNote>;

/** A drill (see `Drill`). */
export const drillSchema = z.object({
  id: z.string(),
  schoolId: z.string(),
  districtCode: z.string(),
  scenario: z.string(),
  participants: z.string(),
  plannedFor: z.string(),
  lengthMinutes: z.number().int(),
  targets: drillTargetsSchema,
  state: z.enum(DRILL_STATES),
  createdBy: z.string(),
  createdAt: z.string(),
  startedBy: z.string().nullable(),
  startedAt: z.string().nullable(),
  endedBy: z.string().nullable(),
  endedAt: z.string().nullable(),
  cancelNote: z.string().nullable(),
  alarmId: z.string().nullable(),
  alarmOrigin: z.enum(['drill_screen', 'device']).nullable(),
  checklist: z.array(drillChecklistItemSchema),
  recordId: z.string().nullable(),
  endReason: z.enum(DRILL_END_REASONS).nullable(),
  notes: z.array(drillNoteSchema),
}) satisfies z.ZodType<Drill>;
