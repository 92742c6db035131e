import { minutesOf, shanghaiParts } from '../time.js';

/** 电子巡查: how many full rounds of a school's patrol points are required a day, and over which hours. */
export interface PatrolRule {
  roundsPerDay: number;
  /** Local "HH:MM": rounds are due evenly spread between these times. */
  dayStart: string;
  dayEnd: string;
}

/** Default: at least 5 rounds a day between 06:00 and 22:00. */
export const DEFAULT_PATROL_RULE: PatrolRule = { roundsPerDay: 5, dayStart: '06:00', dayEnd: '22:00' };

/** A scan of one patrol point. */
export interface PatrolScan {
  deviceId: string;
  /** ms since the epoch. */
  at: number;
}

/** A school's patrol today: rounds done against rounds due by now. */
export interface PatrolProgress {
  required: number;
  done: number;
  /** Rounds whose due time has passed. */
  due: number;
  /** Due rounds not done: visible as missed. */
  missed: number;
  /** When the next round is due (ms), or null when none is left today. */
  nextDueAt: number | null;
  reason: { zh: string; en: string };
}

/** `GET /api/v1/patrol`: one school's patrol today. */
export interface SchoolPatrol extends PatrolProgress {
  schoolId: string;
  districtCode: string;
  /** Patrol points registered at the school (0: the school has no electronic patrol). */
  points: number;
}

/**
 * Counts today's (Asia/Shanghai) completed rounds: a round is complete when every patrol point
 * of the school has been scanned since the previous round completed. Round k of N is due at
 * dayStart + k × (dayEnd − dayStart) / N.
 */
export function patrolProgress(pointIds: readonly string[], scans: readonly PatrolScan[], now: number, rule: PatrolRule = DEFAULT_PATROL_RULE): PatrolProgress {
  const today = shanghaiParts(now);
  const points = new Set(pointIds);
  let done = 0;
  let seen = new Set<string>();
  for (const scan of [...scans].sort((a, b) => a.at - b.at)) {
    if (scan.at < today.dayStartMs || scan.at > now || !points.has(scan.deviceId)) continue;
    seen.add(scan.deviceId);
    if (seen.size === points.size) {
      done++;
      seen = new Set();
    }
  }
  const start = today.dayStartMs + minutesOf(rule.dayStart) * 60_000;
  const step = ((minutesOf(rule.dayEnd) - minutesOf(rule.dayStart)) * 60_000) / rule.roundsPerDay;
  const dueTimes = Array.from({ length: rule.roundsPerDay }, (_, k) => start + (k + 1) * step);
  const due = points.size === 0 ? 0 : dueTimes.filter((t) => t <= now).length;
  const missed = Math.max(0, due - done);
  return {
    required: rule.roundsPerDay,
    done,
    due,
    missed,
    nextDueAt: dueTimes.find((t) => t > now) ?? null,
    reason:
      missed > 0
        ? { zh: `已完成${done}轮，应完成${due}轮，漏巡${missed}轮`, en: `${done} of ${due} due rounds done: ${missed} missed` }
        : { zh: `已完成${done}轮，应完成${due}轮`, en: `${done} rounds done, ${due} due so far` },
  };
}
