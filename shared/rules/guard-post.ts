import type { DutyWindow } from '../domain/entities.js';
import type { LocalizedText } from '../domain/text.js';
import { minutesOf, shanghaiParts } from '../time.js';
import { semesterOf } from './compliance/routines.js';
import type { SemesterRule } from './compliance/types.js';

/** Live state of a 护学岗 post: 在岗 on duty, 迟到 late, 缺岗 absent, 非值守时段 off hours. */
export const POST_STATES = ['on_duty', 'late', 'absent', 'off_hours'] as const;
/** A post's live state. */
export type PostState = (typeof POST_STATES)[number];

/** What the post rule needs to know about a post. */
export interface PostDuty {
  schedule: readonly DutyWindow[];
  /** ISO weekdays the post is staffed (1 Monday … 7 Sunday); school days by default. */
  days?: readonly number[];
  /** Local dates (`YYYY-MM-DD`) the post is off: holidays, school closures. */
  offDates?: readonly string[];
}

/** A check-in or check-out at the post's terminal. */
export interface PostActivity {
  kind: 'in' | 'out';
  /** ms since the epoch. */
  at: number;
}

/** Timing rules; configuration may override them. */
export interface PostRules {
  /** A check-in this many minutes before a window counts for it. */
  earlyMinutes: number;
  /** Grace (宽限): with no check-in this many minutes after the start, the post is absent (缺岗). */
  graceMinutes: number;
  /** School terms (学期); outside them no post is on duty. Absent: every date is in term. */
  semesters?: readonly SemesterRule[];
}

/** Defaults: check in up to 30 min early; absent 5 min after the start; every date in term. */
export const DEFAULT_POST_RULES: PostRules = { earlyMinutes: 30, graceMinutes: 5 };

/** The post's state with its reason and the window it concerns. */
export interface PostStatus {
  state: PostState;
  /** The duty window now running (null off hours). */
  window: DutyWindow | null;
  /** The check-in counted for that window, ms. */
  checkedInAt: number | null;
  /** Whole minutes (rounded up) the counted check-in came after the start; 0 on time, null without one. */
  minutesLate: number | null;
  reason: LocalizedText;
}

/** How one window of the day went: not begun, within the grace without a check-in, 按时 on time, 迟到 late, 缺岗 absent. */
export const WINDOW_OUTCOMES = ['upcoming', 'pending', 'on_time', 'late', 'absent'] as const;
/** A window's outcome. */
export type WindowOutcome = (typeof WINDOW_OUTCOMES)[number];

/** One duty window of the day and how it went so far. */
export interface WindowResult {
  window: DutyWindow;
  outcome: WindowOutcome;
  checkedInAt: number | null;
  minutesLate: number | null;
}

const SCHOOL_DAYS = [1, 2, 3, 4, 5];
const MINUTE_MS = 60_000;

/** Why a post is not on duty at all on the day of `now` (holiday, weekend, outside term), or null on a duty day. */
export function dayOff(duty: PostDuty, now: number, rules: PostRules = DEFAULT_POST_RULES): LocalizedText | null {
  const today = shanghaiParts(now);
  if (duty.offDates?.includes(today.date)) return { zh: `${today.date} 休息日，不值守`, en: `${today.date} is a day off` };
  if (!(duty.days ?? SCHOOL_DAYS).includes(today.weekday)) return { zh: '今日非值守日', en: 'not a duty day' };
  if (rules.semesters && !semesterOf(today.date, rules.semesters).running) return { zh: '学期外（假期），不值守', en: 'outside the school term' };
  return null;
}

/**
 * One window at `now` (on the window's own day): the first check-in from `earlyMinutes` before
 * the start until the end counts. On time: at or before the start. Late: after it. Absent: no
 * check-in by the end of the grace (start + `graceMinutes`), or checked out before the end.
 * A check-in after the grace still counts, as late: the post came, the absence is over.
 */
export function windowResult(window: DutyWindow, activity: readonly PostActivity[], now: number, rules: PostRules = DEFAULT_POST_RULES): WindowResult {
  const dayStart = shanghaiParts(now).dayStartMs;
  const startMs = dayStart + minutesOf(window.start) * MINUTE_MS;
  const endMs = dayStart + minutesOf(window.end) * MINUTE_MS;
  if (now < startMs) return { window, outcome: 'upcoming', checkedInAt: null, minutesLate: null };
  const upTo = Math.min(now, endMs - 1);
  const relevant = activity.filter((a) => a.at >= startMs - rules.earlyMinutes * MINUTE_MS && a.at <= upTo).sort((a, b) => a.at - b.at);
  const checkIn = relevant.find((a) => a.kind === 'in');
  if (!checkIn) {
    const outcome = now >= startMs + rules.graceMinutes * MINUTE_MS ? 'absent' : 'pending';
    return { window, outcome, checkedInAt: null, minutesLate: null };
  }
  const minutesLate = Math.max(0, Math.ceil((checkIn.at - startMs) / MINUTE_MS));
  const leftEarly = relevant.some((a) => a.kind === 'out' && a.at > checkIn.at);
  const outcome = leftEarly ? 'absent' : minutesLate > 0 ? 'late' : 'on_time';
  return { window, outcome, checkedInAt: checkIn.at, minutesLate };
}

/** Every window of the post's day at `now` (none on a day off), in schedule order. */
export function postDay(duty: PostDuty, activity: readonly PostActivity[], now: number, rules: PostRules = DEFAULT_POST_RULES): WindowResult[] {
  if (dayOff(duty, now, rules)) return [];
  return duty.schedule.map((window) => windowResult(window, activity, now, rules));
}

/**
 * The state of a post at `now` from its schedule and today's check-ins (定点定岗定责定人):
 * the running window's {@link windowResult}, with its reason in both languages.
 */
export function postStatus(duty: PostDuty, activity: readonly PostActivity[], now: number, rules: PostRules = DEFAULT_POST_RULES): PostStatus {
  const off = (reason: LocalizedText): PostStatus => ({ state: 'off_hours', window: null, checkedInAt: null, minutesLate: null, reason });
  const notToday = dayOff(duty, now, rules);
  if (notToday) return off(notToday);
  const minute = shanghaiParts(now).minuteOfDay;
  const window = duty.schedule.find((w) => minutesOf(w.start) <= minute && minute < minutesOf(w.end));
  if (!window) return off({ zh: '不在值守时段', en: 'outside the duty hours' });

  const result = windowResult(window, activity, now, rules);
  const span = `${window.start}–${window.end}`;
  const base = { window, checkedInAt: result.checkedInAt, minutesLate: result.minutesLate };
  switch (result.outcome) {
    case 'pending':
      return { ...base, state: 'late', reason: { zh: `${span} 时段已开始，尚未签到`, en: `${span} has started; not checked in yet` } };
    case 'absent':
      return result.checkedInAt === null
        ? { ...base, state: 'absent', reason: { zh: `${span} 时段开始后${rules.graceMinutes}分钟未签到`, en: `no check-in ${rules.graceMinutes} min into ${span}` } }
        : { ...base, state: 'absent', reason: { zh: `${span} 时段未结束即签退`, en: `checked out before ${window.end}` } };
    case 'late':
      return { ...base, state: 'late', reason: { zh: `迟到${result.minutesLate}分钟签到`, en: `checked in ${result.minutesLate} min late` } };
    default:
      return { ...base, state: 'on_duty', reason: { zh: '按时在岗', en: 'on duty since before the start' } };
  }
}
