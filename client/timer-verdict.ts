import { overrunSeconds } from '../shared/rules/response.js';
import { formatElapsed } from './format.js';

/**
 * What a response or drill timer says next to its time, one rule for every screen (console
 * queue and detail, history, drill timers and score card):
 * - `target`: still running within its limit — 限 1:00;
 * - `met`: the step happened within the limit — 达成;
 * - `late`: the step happened after the limit, or the clock still runs past it — 超时 +m:ss;
 * - `missed`: closed without the step — 未达成.
 */
export type TimerVerdictKind = 'target' | 'met' | 'late' | 'missed';

/** A timer as the verdict needs it; `waiting` (a drill not yet started) reads like a running one. */
export interface TimerReading {
  phase: 'waiting' | 'running' | 'met' | 'stopped';
  elapsedSeconds: number | null;
  targetSeconds: number;
}

/** The verdict's kind and its text in the screen's language. */
export interface TimerVerdict {
  kind: TimerVerdictKind;
  text: string;
}

type Translate = (key: string, values?: Record<string, unknown>) => string;

/** The verdict's kind, from the phase and the time against the target. */
export function timerVerdictKind(reading: TimerReading): TimerVerdictKind {
  const over = reading.elapsedSeconds !== null && overrunSeconds(reading.elapsedSeconds, reading.targetSeconds) > 0;
  if (reading.phase === 'stopped') return 'missed';
  if (reading.phase === 'met') return over ? 'late' : 'met';
  return over ? 'late' : 'target';
}

/** The verdict with its text (`t` from vue-i18n; keys in i18n/*.timer.ts). */
export function timerVerdict(reading: TimerReading, t: Translate): TimerVerdict {
  const kind = timerVerdictKind(reading);
  const overrun = overrunSeconds(reading.elapsedSeconds ?? 0, reading.targetSeconds);
  const values = { target: formatElapsed(reading.targetSeconds * 1000), overrun: formatElapsed(overrun * 1000) };
  return { kind, text: t(`timerVerdict.${kind}`, values) };
}
