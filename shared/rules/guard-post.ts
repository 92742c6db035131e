import type { DutyWindow } from '../domain/entities.js';
import { minutesOf, shanghaiParts } from '../time.js';

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
  /** With no check-in this many minutes after the start, the post is absent. */
  absentAfterMinutes: number;
}

/** Defaults: check in up to 30 min early; absent 5 min after the start. */
export const DEFAULT_POST_RULES: PostRules = { earlyMinutes: 30, absentAfterMinutes: 5 };

/** The post's state with its reason and the window it concerns. */
export interface PostStatus {
  state: PostState;
  /** The duty window now running (null off hours). */
  window: DutyWindow | null;
  /** The check-in counted for that window, ms. */
  checkedInAt: number | null;
  reason: { zh: string; en: string };
}

const SCHOOL_DAYS = [1, 2, 3, 4, 5];

/**
 * The state of a post at `now` from its schedule and today's check-ins (定点定岗定责定人).
 * On time: checked in no later than the window's start. Late: checked in after it, or not yet
 * there within the grace. Absent: no check-in `absentAfterMinutes` into the window, or checked
 * out before its end.
 */
export function postStatus(duty: PostDuty, activity: readonly PostActivity[], now: number, rules: PostRules = DEFAULT_POST_RULES): PostStatus {
  const today = shanghaiParts(now);
  const off = (zh: string, en: string): PostStatus => ({ state: 'off_hours', window: null, checkedInAt: null, reason: { zh, en } });
  if (duty.offDates?.includes(today.date)) return off(`${today.date} 休息日，不值守`, `${today.date} is a day off`);
  if (!(duty.days ?? SCHOOL_DAYS).includes(today.weekday)) return off('今日非值守日', 'not a duty day');

  const window = duty.schedule.find((w) => minutesOf(w.start) <= today.minuteOfDay && today.minuteOfDay < minutesOf(w.end));
  if (!window) return off('不在值守时段', 'outside the duty hours');

  const startMs = today.dayStartMs + minutesOf(window.start) * 60_000;
  const endMs = today.dayStartMs + minutesOf(window.end) * 60_000;
  const relevant = [...activity].filter((a) => a.at >= startMs - rules.earlyMinutes * 60_000 && a.at <= now).sort((a, b) => a.at - b.at);
  const checkIn = relevant.find((a) => a.kind === 'in');
  const span = `${window.start}–${window.end}`;

  if (!checkIn) {
    const absentAt = startMs + rules.absentAfterMinutes * 60_000;
    if (now >= absentAt) {
      return { state: 'absent', window, checkedInAt: null, reason: { zh: `${span} 时段开始后${rules.absentAfterMinutes}分钟未签到`, en: `no check-in ${rules.absentAfterMinutes} min into ${span}` } };
    }
    return { state: 'late', window, checkedInAt: null, reason: { zh: `${span} 时段已开始，尚未签到`, en: `${span} has started; not checked in yet` } };
  }
  const leftEarly = relevant.find((a) => a.kind === 'out' && a.at > checkIn.at && a.at < endMs);
  if (leftEarly) {
    return { state: 'absent', window, checkedInAt: checkIn.at, reason: { zh: `${span} 时段未结束即签退`, en: `checked out before ${window.end}` } };
  }
  const minutesLate = Math.ceil((checkIn.at - startMs) / 60_000);
  if (minutesLate > 0) {
    return { state: 'late', window, checkedInAt: checkIn.at, reason: { zh: `迟到${minutesLate}分钟签到`, en: `checked in ${minutesLate} min late` } };
  }
  return { state: 'on_duty', window, checkedInAt: checkIn.at, reason: { zh: '按时在岗', en: 'on duty since before the start' } };
}
