import type { Alarm } from '../../shared/domain/index.js';
import { RingBuffer } from './kioskTicker.js';

/** The kiosk's playlist, in order: city overview, one district (a different one each time), device health, compliance, the risk heat. */
export const ROTATING_SCENES = ['overview', 'district', 'health', 'compliance', 'risk'] as const;
/** A scene of the playlist. */
export type RotatingSceneKind = (typeof ROTATING_SCENES)[number];

/** What the kiosk shows now: a playlist scene, or the map pinned to a school by an alarm or a running drill. */
export type KioskScene =
  | { kind: 'overview' }
  | { kind: 'district'; districtCode: string }
  | { kind: 'health' }
  | { kind: 'compliance' }
  | { kind: 'risk' }
  | { kind: 'alarm'; alarmId: string; schoolId: string; until: number }
  | { kind: 'drill'; drillId: string; schoolId: string };

/** Default time each playlist scene stays up. */
export const DEFAULT_SCENE_INTERVAL_MS = 30_000;
/** How long a new SOS / intrusion alarm keeps the map on its school. */
export const DEFAULT_ALARM_PIN_MS = 120_000;
/** Bounds of `?interval=` (seconds). */
export const SCENE_INTERVAL_LIMITS_S = { min: 3, max: 3_600 } as const;
/** Alarm ids remembered as already pinned (so a repeat of the same alarm does not pin it again). */
const PINNED_ALARMS_REMEMBERED = 64;

/** Milliseconds from a query value in seconds, bounded; `fallback` for anything unusable. */
function secondsFromQuery(value: unknown, fallback: number): number {
  const seconds = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(seconds)) return fallback;
  return Math.round(Math.min(SCENE_INTERVAL_LIMITS_S.max, Math.max(SCENE_INTERVAL_LIMITS_S.min, seconds)) * 1000);
}

/** The scene interval from a `?interval=` value in seconds (3 to 3,600); the default for anything unusable. */
export function sceneIntervalFromQuery(value: unknown): number {
  return secondsFromQuery(value, DEFAULT_SCENE_INTERVAL_MS);
}

/** How long an alarm pins the map, from a `?pin=` value in seconds (3 to 3,600); the default for anything unusable. */
export function alarmPinFromQuery(value: unknown): number {
  return secondsFromQuery(value, DEFAULT_ALARM_PIN_MS);
}

/** Whether an alarm pre-empts the playlist: a real (not drill) SOS or intrusion that is open. */
export function preemptsRotation(alarm: Alarm): boolean {
  return !alarm.drill && (alarm.type === 'sos' || alarm.type === 'intrusion') && !['resolved', 'false_alarm', 'cancelled'].includes(alarm.state);
}

export interface SceneSchedulerOptions {
  /** District codes the district scene cycles through, in order. */
  districts: readonly string[];
  intervalMs?: number;
  alarmPinMs?: number;
  /** The clock (ms); tests pin it. */
  now: () => number;
}

/**
 * The playlist with pre-emption, as a pure state machine over an injected clock. The rotation
 * advances one scene per interval; a new high-priority real alarm pins the map to its school for
 * `alarmPinMs` (a newer one takes over); a running drill pins until it ends. An alarm pin wins
 * over a drill pin. While pinned the rotation is frozen; afterwards it resumes the scene it left,
 * for a fresh interval.
 */
export class SceneScheduler {
  readonly intervalMs: number;
  readonly alarmPinMs: number;
  private readonly districts: readonly string[];
  private readonly now: () => number;
  private index = 0;
  private districtIndex = 0;
  /** Whether a district scene has been shown yet (the first shows the first district). */
  private districtShown = false;
  private sceneStartedAt: number;
  private alarmPin: { alarmId: string; schoolId: string; until: number } | null = null;
  private drillPin: { drillId: string; schoolId: string } | null = null;
  private readonly pinnedAlarms = new RingBuffer<string>(PINNED_ALARMS_REMEMBERED);

  constructor(options: SceneSchedulerOptions) {
    this.districts = options.districts;
    this.intervalMs = options.intervalMs ?? DEFAULT_SCENE_INTERVAL_MS;
    this.alarmPinMs = options.alarmPinMs ?? DEFAULT_ALARM_PIN_MS;
    this.now = options.now;
    this.sceneStartedAt = this.now();
  }

  /** Moves time on (expires a pin, advances the rotation) and answers the scene to show. */
  tick(): KioskScene {
    const now = this.now();
    if (this.alarmPin && now >= this.alarmPin.until) {
      this.alarmPin = null;
      if (!this.drillPin) this.sceneStartedAt = now;
    }
    if (!this.pinned() && now - this.sceneStartedAt >= this.intervalMs) this.advance(now);
    return this.current();
  }

  /** The scene to show, without moving time. */
  current(): KioskScene {
    if (this.alarmPin) return { kind: 'alarm', ...this.alarmPin };
    if (this.drillPin) return { kind: 'drill', ...this.drillPin };
    const kind = ROTATING_SCENES[this.index] ?? 'overview';
    if (kind === 'district') return { kind, districtCode: this.districts[this.districtIndex] ?? '' };
    return { kind };
  }

  /**
   * Pins the map to an alarm's school, once per alarm: a later change of the same alarm does
   * not pin it again. Returns whether it pinned.
   */
  pinAlarm(alarm: Pick<Alarm, 'id' | 'schoolId'>): boolean {
    if (this.pinnedAlarms.some((id) => id === alarm.id)) return false;
    this.pinnedAlarms.push(alarm.id);
    this.alarmPin = { alarmId: alarm.id, schoolId: alarm.schoolId, until: this.now() + this.alarmPinMs };
    return true;
  }

  /** The scene shown starts its interval over: the screen has just got its data (it went live). */
  restart(): void {
    this.sceneStartedAt = this.now();
  }

  /** Pins the map to a running drill's school until endDrill. */
  pinDrill(drill: { drillId: string; schoolId: string }): void {
    this.drillPin = { ...drill };
  }

  /** The drill ended: back to the rotation (or to an alarm pin still running). */
  endDrill(drillId: string): void {
    if (this.drillPin?.drillId !== drillId) return;
    this.drillPin = null;
    if (!this.alarmPin) this.sceneStartedAt = this.now();
  }

  /** Milliseconds until the scene changes by itself (a pin's end or the next rotation); null while a drill pins it. */
  msUntilChange(): number | null {
    const now = this.now();
    if (this.alarmPin) return Math.max(0, this.alarmPin.until - now);
    if (this.drillPin) return null;
    return Math.max(0, this.sceneStartedAt + this.intervalMs - now);
  }

  private pinned(): boolean {
    return this.alarmPin !== null || this.drillPin !== null;
  }

  private advance(now: number): void {
    this.index = (this.index + 1) % ROTATING_SCENES.length;
    if (ROTATING_SCENES[this.index] === 'district' && this.districts.length > 0) {
      // The first district scene shows the first district; each later one the next.
      this.districtIndex = this.districtShown ? (this.districtIndex + 1) % this.districts.length : 0;
      this.districtShown = true;
    }
    this.sceneStartedAt = now;
  }
}
