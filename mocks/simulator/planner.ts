import type { Device, DutyWindow } from '../../shared/domain/index.js';
import type { AccessAnomaly, IngestEvent } from '../../shared/ingest.js';
import { DAY_MS } from '../../shared/time.js';
import { type DailyInput, type PlannedEvent, planDay, shanghaiDayStart } from './daily.js';
import { between, createRng, hashString, pickFrom, poisson, type Rng } from './random.js';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** The rates of the simulated city; every figure is per device or city-wide as named. */
export interface PlannerConfig {
  seed: number;
  /** Camera keepalive period; each camera has its own phase within it. Default 60 s. */
  heartbeatIntervalMs: number;
  /** Share of cameras that start an outage per hour. Default 0.005 (0.5 %). */
  outageRatePerHour: number;
  outageMinMs: number;
  outageMaxMs: number;
  /** Share of outages a camera reports as `camera.fault` video_loss (still sending keepalives) instead of going silent. */
  videoLossShare: number;
  /** City-wide intrusion alarms per hour. Default 6. */
  intrusionPerHour: number;
  /** City-wide one-key alarms per hour. Default 0.5. */
  sosPerHour: number;
  /** City-wide access-control anomalies (门禁异常: doors forced or held open, tailgating, invalid cards) per hour. Default 3. */
  accessAnomalyPerHour: number;
  /** Share of alarms flagged `drill: true`. Default 0.1. */
  drillShare: number;
  /** Share of 护学岗 windows checked in 1–8 min late (default 0.06), and share nobody turns up for (default 0.01). */
  lateShare: number;
  absentShare: number;
  /** Patrol rounds through each school's points per day. Default 4. */
  patrolRoundsPerDay: number;
  /**
   * City-wide faults of one-key buttons, intrusion sensors and access devices (`device.fault`) per
   * hour, each restored (`restored: true`) after between the min and max below — some past the
   * 24 h of 附件3 二(三). Default 0.4 an hour, 1–30 h.
   */
  deviceFaultPerHour: number;
  deviceFaultMinMs: number;
  deviceFaultMaxMs: number;
}

/** Defaults of {@link PlannerConfig} (the seed aside). */
export const DEFAULT_PLANNER_CONFIG: Omit<PlannerConfig, 'seed'> = {
  heartbeatIntervalMs: 60_000,
  outageRatePerHour: 0.005,
  outageMinMs: 3 * MINUTE_MS,
  outageMaxMs: 60 * MINUTE_MS,
  videoLossShare: 0.2,
  intrusionPerHour: 6,
  sosPerHour: 0.5,
  accessAnomalyPerHour: 3,
  drillShare: 0.1,
  lateShare: 0.06,
  absentShare: 0.01,
  patrolRoundsPerDay: 4,
  deviceFaultPerHour: 0.4,
  deviceFaultMinMs: HOUR_MS,
  deviceFaultMaxMs: 30 * HOUR_MS,
};

/** What the planner knows of one 护学岗 post beyond its terminal. */
export interface PostSchedule {
  id: string;
  person?: string;
  schedule: readonly DutyWindow[];
}

/** The planner's memory between ticks. Create with {@link createPlannerState}; advanced by {@link planTick}. */
export interface PlannerState {
  config: PlannerConfig;
  /** Cameras sorted by heartbeat phase, and the phases (ms within the interval), same order. */
  cameras: Device[];
  phases: Float64Array;
  sosButtons: Device[];
  intrusionSensors: Device[];
  /** Access-control doors (门禁). */
  accessDoors: Device[];
  daily: DailyInput;
  /** Cameras silent until the given time. */
  silentUntil: Map<string, number>;
  /** Cameras reporting video loss until the given time. */
  faultyUntil: Map<string, number>;
  /** The last two days' plans, by local day start, with their times for binary search. */
  plans: Map<number, DayPlan>;
  lastTick: number;
  rng: Rng;
  /** Its own stream for access anomalies, so that adding them left every other draw of a seed as it was. */
  accessRng: Rng;
  /** Its own stream for device faults, likewise. */
  faultRng: Rng;
  /** Buttons, sensors and access devices at fault until the given time (then restored). */
  brokenUntil: Map<string, { since: number; until: number }>;
}

interface DayPlan {
  events: PlannedEvent[];
  times: Float64Array;
}

/** Builds the planner for a registry; the first {@link planTick} covers the time after `now`. */
export function createPlannerState(devices: readonly Device[], config: PlannerConfig, now: number, posts: readonly PostSchedule[] = []): PlannerState {
  const phaseOf = (device: Device) => Math.floor((hashString(device.id, config.seed) / 4294967296) * config.heartbeatIntervalMs);
  const cameras = devices
    .filter((d) => d.kind === 'camera')
    .map((device) => ({ device, phase: phaseOf(device) }))
    .sort((a, b) => a.phase - b.phase || (a.device.id < b.device.id ? -1 : 1));
  const routes = new Map<string, Device[]>();
  for (const device of devices) {
    if (device.kind !== 'patrol' || !device.schoolId) continue;
    const route = routes.get(device.schoolId);
    if (route) route.push(device);
    else routes.set(device.schoolId, [device]);
  }
  return {
    config,
    cameras: cameras.map((c) => c.device),
    phases: Float64Array.from(cameras, (c) => c.phase),
    sosButtons: devices.filter((d) => d.kind === 'sos'),
    intrusionSensors: devices.filter((d) => d.kind === 'intrusion'),
    accessDoors: devices.filter((d) => d.kind === 'access'),
    daily: {
      seed: config.seed,
      postTerminals: devices.filter((d) => d.kind === 'post'),
      posts: new Map(posts.map((p) => [p.id, p])),
      patrolRoutes: [...routes.values()],
      lateShare: config.lateShare,
      absentShare: config.absentShare,
      patrolRoundsPerDay: config.patrolRoundsPerDay,
    },
    silentUntil: new Map(),
    faultyUntil: new Map(),
    plans: new Map(),
    lastTick: now,
    rng: createRng(config.seed),
    accessRng: createRng(hashString('access', config.seed)),
    faultRng: createRng(hashString('device-fault', config.seed)),
    brokenUntil: new Map(),
  };
}

const iso = (at: number) => new Date(at).toISOString();

/** A deterministic idempotency key: the same fact re-sent (after a restart, say) is the same event. */
const eventId = (kind: string, deviceId: string, at: number) => `sim:${kind}:${deviceId}:${at}`;

function alarm(state: PlannerState, device: Device, at: number): IngestEvent {
  const drill = state.rng() < state.config.drillShare;
  return device.kind === 'sos'
    ? { id: eventId('sos', device.id, at), type: 'alarm.sos', deviceId: device.id, at: iso(at), drill }
    : { id: eventId('intrusion', device.id, at), type: 'alarm.intrusion', deviceId: device.id, at: iso(at), drill, zone: device.place };
}

/** How often each access anomaly is reported: doors left open most, forced doors least. */
const ACCESS_REASONS: readonly [AccessAnomaly, number][] = [['held_open', 0.5], ['tailgating', 0.25], ['invalid_card', 0.15], ['forced', 0.1]];

/** Access-control anomalies of (from, to], from their own random stream. */
function accessAnomalies(state: PlannerState, from: number, to: number): IngestEvent[] {
  const rng = state.accessRng;
  const events: IngestEvent[] = [];
  for (let n = poisson(rng, (state.config.accessAnomalyPerHour * (to - from)) / HOUR_MS); n > 0; n--) {
    const door = pickFrom(rng, state.accessDoors);
    if (!door) break;
    const at = Math.round(between(rng, from, to));
    let draw = rng();
    const reason = ACCESS_REASONS.find(([, share]) => (draw -= share) < 0)?.[0] ?? 'held_open';
    const drill = rng() < state.config.drillShare;
    events.push({ id: eventId('access', door.id, at), type: 'alarm.access', deviceId: door.id, at: iso(at), reason, doorId: `${door.place}-1`, drill });
  }
  return events;
}

const DEVICE_FAULT_KINDS: readonly ['offline' | 'tamper' | 'power' | 'other', number][] = [['offline', 0.5], ['power', 0.25], ['tamper', 0.15], ['other', 0.1]];
const DEVICE_FAULT_TEXT = { offline: '设备离线', power: '供电故障', tamper: '防拆报警', other: '设备故障' } as const;

/** Faults of buttons, sensors and access devices that start in (from, to], and the restorations due by `to`; from their own stream. */
function deviceFaults(state: PlannerState, from: number, to: number): IngestEvent[] {
  const rng = state.faultRng;
  const events: IngestEvent[] = [];
  for (const [id, { since, until }] of state.brokenUntil) {
    if (until > to) continue;
    state.brokenUntil.delete(id);
    events.push({ id: eventId('restored', id, since), type: 'device.fault', deviceId: id, at: iso(until), fault: 'other', restored: true, message: '功能已恢复' });
  }
  const devices = [state.sosButtons, state.intrusionSensors, state.accessDoors];
  for (let n = poisson(rng, (state.config.deviceFaultPerHour * (to - from)) / HOUR_MS); n > 0; n--) {
    const device = pickFrom(rng, pickFrom(rng, devices) ?? []);
    const at = Math.round(between(rng, from, to));
    const until = at + Math.round(between(rng, state.config.deviceFaultMinMs, state.config.deviceFaultMaxMs));
    let draw = rng();
    const fault = DEVICE_FAULT_KINDS.find(([, share]) => (draw -= share) < 0)?.[0] ?? 'offline';
    if (!device || state.brokenUntil.has(device.id)) continue;
    state.brokenUntil.set(device.id, { since: at, until });
    events.push({ id: eventId('device-fault', device.id, at), type: 'device.fault', deviceId: device.id, at: iso(at), fault, message: DEVICE_FAULT_TEXT[fault] });
  }
  return events;
}

/** First index whose value is greater than `value` in an ascending array. */
function upperBound(values: ArrayLike<number>, value: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (values[mid]! > value) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** Keepalives due in (from, to]: each camera at `phase + k × interval`; `to - from` is at most one interval. */
function heartbeats(state: PlannerState, from: number, to: number): IngestEvent[] {
  const interval = state.config.heartbeatIntervalMs;
  const events: IngestEvent[] = [];
  for (let cycle = Math.floor(from / interval) * interval; cycle <= to; cycle += interval) {
    const first = upperBound(state.phases, from - cycle);
    const last = upperBound(state.phases, to - cycle);
    for (let i = first; i < last; i++) {
      const camera = state.cameras[i]!;
      const at = cycle + state.phases[i]!;
      if ((state.silentUntil.get(camera.id) ?? 0) > at) continue;
      events.push({ id: eventId('hb', camera.id, at), type: 'camera.heartbeat', deviceId: camera.id, at: iso(at) });
    }
  }
  return events;
}

/** Starts the outages of (from, to]: most cameras fall silent, some report video loss and stay online. */
function outages(state: PlannerState, from: number, to: number): IngestEvent[] {
  const { config, rng } = state;
  const events: IngestEvent[] = [];
  for (const [id, until] of state.silentUntil) if (until <= to) state.silentUntil.delete(id);
  for (const [id, until] of state.faultyUntil) if (until <= to) state.faultyUntil.delete(id);
  const count = poisson(rng, (state.cameras.length * config.outageRatePerHour * (to - from)) / HOUR_MS);
  for (let n = 0; n < count; n++) {
    const camera = pickFrom(rng, state.cameras);
    if (!camera || state.silentUntil.has(camera.id) || state.faultyUntil.has(camera.id)) continue;
    const at = Math.round(between(rng, from, to));
    const until = at + between(rng, config.outageMinMs, config.outageMaxMs);
    if (rng() < config.videoLossShare) {
      state.faultyUntil.set(camera.id, until);
      events.push({ id: eventId('fault', camera.id, at), type: 'camera.fault', deviceId: camera.id, at: iso(at), fault: 'video_loss', message: '视频信号丢失' });
    } else {
      state.silentUntil.set(camera.id, until);
    }
  }
  return events;
}

function planFor(state: PlannerState, dayStart: number): DayPlan {
  let plan = state.plans.get(dayStart);
  if (!plan) {
    const events = planDay(state.daily, dayStart);
    plan = { events, times: Float64Array.from(events, (e) => e.at) };
    state.plans.set(dayStart, plan);
    for (const day of state.plans.keys()) if (day < dayStart - DAY_MS) state.plans.delete(day);
  }
  return plan;
}

function toEvent(planned: PlannedEvent): IngestEvent {
  const { type, deviceId, at } = planned;
  const base = { id: eventId(type.split('.')[1]!, deviceId, at), deviceId, at: iso(at) };
  if (type === 'patrol.scan') return { ...base, type };
  return { ...base, type, ...(planned.person ? { person: planned.person } : {}) };
}

/** Check-ins, check-outs and patrol scans planned in (from, to]. */
function scheduled(state: PlannerState, from: number, to: number): IngestEvent[] {
  const events: IngestEvent[] = [];
  for (let day = shanghaiDayStart(from); day <= to; day += DAY_MS) {
    const { events: plan, times } = planFor(state, day);
    for (let i = upperBound(times, from); i < plan.length && plan[i]!.at <= to; i++) events.push(toEvent(plan[i]!));
  }
  return events;
}

/**
 * Everything due since the previous tick up to `now`: outages, keepalives, random alarms and the
 * day's planned check-ins and patrol scans. Alarms come first, so a batch split never delays them.
 * Advances `state`; after a long pause it catches up at most one heartbeat interval.
 */
export function planTick(state: PlannerState, now: number): IngestEvent[] {
  if (now <= state.lastTick) return [];
  const from = Math.max(state.lastTick, now - state.config.heartbeatIntervalMs);
  state.lastTick = now;
  const { config, rng } = state;
  const alarms: IngestEvent[] = [];
  const hours = (now - from) / HOUR_MS;
  for (const [devices, perHour] of [[state.intrusionSensors, config.intrusionPerHour], [state.sosButtons, config.sosPerHour]] as const) {
    for (let n = poisson(rng, perHour * hours); n > 0; n--) {
      const device = pickFrom(rng, devices);
      if (device) alarms.push(alarm(state, device, Math.round(between(rng, from, now))));
    }
  }
  alarms.push(...accessAnomalies(state, from, now));
  const rest = [...outages(state, from, now), ...deviceFaults(state, from, now), ...heartbeats(state, from, now), ...scheduled(state, from, now)];
  return [...alarms, ...rest.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))];
}

/**
 * What a freshly started simulator sends at once: `initialAlarms` alarms (intrusion, one-key,
 * intrusion, …) so a new wall has something to show, and today's 护学岗 check-ins and check-outs so far.
 */
export function planStartup(state: PlannerState, now: number, initialAlarms: number): IngestEvent[] {
  const events: IngestEvent[] = [];
  for (let n = 0; n < initialAlarms; n++) {
    const devices = n % 2 === 0 && state.intrusionSensors.length > 0 ? state.intrusionSensors : state.sosButtons;
    const device = pickFrom(state.rng, devices);
    if (device) events.push(alarm(state, device, now - n));
  }
  // Like a gateway re-sending its day's buffer: every 护学岗 check-in and check-out of today so
  // far, so the windows already over are judged on what happened, not as 缺岗 for want of data.
  for (const planned of planFor(state, shanghaiDayStart(now)).events) {
    if (planned.at > now) break;
    if (planned.type === 'post.checkin' || planned.type === 'post.checkout') events.push(toEvent(planned));
  }
  return events;
}
