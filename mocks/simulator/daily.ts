import type { Device, DutyWindow } from '../../shared/domain/index.js';
import { DAY_MS, SHANGHAI_OFFSET_MS } from '../../shared/time.js';
import { between, createRng, hashString } from './random.js';

const MINUTE_MS = 60_000;

/** The instant local (Asia/Shanghai) midnight began for the day containing `at`. */
export function shanghaiDayStart(at: number): number {
  return Math.floor((at + SHANGHAI_OFFSET_MS) / DAY_MS) * DAY_MS - SHANGHAI_OFFSET_MS;
}

/** "07:30" → milliseconds after local midnight. */
export function parseClock(text: string): number {
  const [hours, minutes] = text.split(':').map(Number);
  return ((hours ?? 0) * 60 + (minutes ?? 0)) * MINUTE_MS;
}

/** The usual 护学岗 peak windows, for a terminal whose post schedule is not known. */
export const DEFAULT_WINDOWS: readonly DutyWindow[] = [
  { start: '07:00', end: '08:00' },
  { start: '11:30', end: '12:30' },
  { start: '17:00', end: '18:00' },
];

/** One timed event of a day's plan. */
export interface PlannedEvent {
  at: number;
  type: 'post.checkin' | 'post.checkout' | 'patrol.scan';
  deviceId: string;
  person?: string;
  /** For a check-in: when its window ends (a restarted simulator re-sends check-ins still in force). */
  windowEnd?: number;
}

/** What a day's plan depends on. */
export interface DailyInput {
  seed: number;
  /** 护学岗 terminals (`kind: 'post'`). */
  postTerminals: readonly Device[];
  /** Per post id: the named person and the peak windows. */
  posts: ReadonlyMap<string, { person?: string; schedule: readonly DutyWindow[] }>;
  /** Patrol points of each school, in walking order. */
  patrolRoutes: readonly (readonly Device[])[];
  lateShare: number;
  absentShare: number;
  patrolRoundsPerDay: number;
}

/**
 * Every check-in, check-out and patrol scan of one local day, sorted by time. Seeded by the
 * day itself, so a plan is the same however the ticks fall and after a restart.
 */
export function planDay(input: DailyInput, dayStart: number): PlannedEvent[] {
  const rng = createRng(hashString(String(dayStart), input.seed));
  const events: PlannedEvent[] = [];
  for (const terminal of input.postTerminals) {
    const post = terminal.postId ? input.posts.get(terminal.postId) : undefined;
    const person = post?.person;
    for (const dutyWindow of post?.schedule ?? DEFAULT_WINDOWS) {
      const start = dayStart + parseClock(dutyWindow.start);
      const end = dayStart + parseClock(dutyWindow.end);
      const draw = rng();
      if (draw < input.absentShare) continue;
      // As at a real gate: almost everyone a few minutes early (1–8), the late ones a few minutes
      // after the start (1–8: most within the grace, some past it, whose alarm then closes itself).
      const offset = draw < input.absentShare + input.lateShare ? between(rng, 1, 8) : -between(rng, 1, 8);
      const base = { deviceId: terminal.id, ...(person ? { person } : {}) };
      events.push({ ...base, type: 'post.checkin', at: Math.round(start + offset * MINUTE_MS), windowEnd: end });
      events.push({ ...base, type: 'post.checkout', at: Math.round(end + between(rng, 0, 8) * MINUTE_MS) });
    }
  }
  const rounds = Math.max(0, Math.floor(input.patrolRoundsPerDay));
  const slot = rounds > 0 ? DAY_MS / rounds : 0;
  for (const route of input.patrolRoutes) {
    for (let round = 0; round < rounds; round++) {
      // each round starts somewhere in its slot and walks the points 1–4 minutes apart
      let at = dayStart + round * slot + rng() * Math.max(0, slot - 30 * MINUTE_MS);
      for (const point of route) {
        events.push({ type: 'patrol.scan', deviceId: point.id, at: Math.round(at) });
        at += between(rng, 1, 4) * MINUTE_MS;
      }
    }
  }
  return events.sort((a, b) => a.at - b.at);
}
