import type { Kysely } from 'kysely';
import { AlarmRepository } from '../../server/db/alarm.repository.js';
import type { Database } from '../../server/db/schema.js';
import { ALARM_PRIORITY, type Alarm, type AlarmType } from '../../shared/domain/index.js';
import type { AlarmOutcome } from '../../shared/rules/alarm-analytics.js';

/** A device that raises alarms of one type at one school. */
export interface SeedDevice {
  deviceId: string;
  schoolId: string;
  districtCode: string;
  type: AlarmType;
}

/** The four devices of a test school (naming of mocks/factories/dataset.ts): SOS, intrusion, gate camera, door. */
export function devicesOfSchool(schoolId: string, districtCode: string): SeedDevice[] {
  return [
    { deviceId: `SOS-${schoolId}-1`, schoolId, districtCode, type: 'sos' },
    { deviceId: `INT-${schoolId}-1`, schoolId, districtCode, type: 'intrusion' },
    { deviceId: `CAM-${schoolId}-01`, schoolId, districtCode, type: 'camera_fault' },
    { deviceId: `ACC-${schoolId}-1`, schoolId, districtCode, type: 'access_anomaly' },
  ];
}

/** A small deterministic generator (mulberry32), so a seeded history is the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Hours of a school day weighted as alarms come in: the gate peaks (07, 11–12, 17) most. */
const HOUR_WEIGHTS = [1, 1, 1, 1, 1, 1, 3, 9, 4, 3, 3, 6, 5, 3, 3, 3, 4, 8, 4, 3, 2, 2, 1, 1];

function pick<T>(items: readonly T[], weights: readonly number[], r: number): T {
  const total = weights.reduce((a, b) => a + b, 0);
  let x = r * total;
  for (let i = 0; i < items.length; i++) {
    x -= weights[i] ?? 0;
    if (x < 0) return items[i]!;
  }
  return items[items.length - 1]!;
}

/**
 * `count` closed alarms spread over the Shanghai days from `fromMs` for `days` days, at peak-weighted
 * hours; the first device of `noisy` closes mostly as a false alarm (误报), and one alarm in twenty
 * is a drill.
 */
export function seededAlarms(options: { count: number; fromMs: number; days: number; devices: readonly SeedDevice[]; noisy?: readonly SeedDevice[]; seed?: number }): Alarm[] {
  const r = random(options.seed ?? 15);
  const out: Alarm[] = [];
  for (let i = 0; i < options.count; i++) {
    const noisy = options.noisy?.length && r() < 0.3;
    const device = noisy ? options.noisy![Math.floor(r() * options.noisy!.length)]! : options.devices[Math.floor(r() * options.devices.length)]!;
    const day = Math.floor(r() * options.days);
    const hour = pick([...HOUR_WEIGHTS.keys()], HOUR_WEIGHTS, r());
    const at = options.fromMs + day * 86_400_000 + hour * 3_600_000 + Math.floor(r() * 3_600_000);
    const outcome: AlarmOutcome = noisy ? (r() < 0.8 ? 'false_alarm' : 'resolved') : pick(['resolved', 'false_alarm', 'cancelled'] as const, [7, 2, 1], r());
    out.push(closedAlarm(device, at, outcome, { id: `SEED-${String(i).padStart(5, '0')}`, drill: r() < 0.05 }));
  }
  return out;
}

/** One closed alarm of `device` received at `atMs`, closed two minutes later with `outcome`. */
export function closedAlarm(device: SeedDevice, atMs: number, outcome: AlarmOutcome, extra: { id: string; drill?: boolean }): Alarm {
  const at = new Date(atMs).toISOString();
  const closed = new Date(atMs + 120_000).toISOString();
  const action = outcome === 'resolved' ? 'resolve' : outcome === 'false_alarm' ? 'false_alarm' : 'cancel';
  return {
    id: extra.id,
    type: device.type,
    priority: ALARM_PRIORITY[device.type],
    state: outcome,
    schoolId: device.schoolId,
    deviceId: device.deviceId,
    districtCode: device.districtCode,
    openedAt: at,
    receivedAt: at,
    updatedAt: closed,
    lastSeenAt: at,
    count: 1,
    drill: extra.drill ?? false,
    unitId: null,
    disposition: outcome === 'resolved' ? 'handled_on_site' : null,
    transitions: [
      { action: 'raise', from: null, to: 'new', actor: `device:${device.deviceId}`, at, note: null },
      { action, from: 'new', to: outcome, actor: '值班员', at: closed, note: null },
    ],
  };
}

/** Writes alarms (with their steps) straight into a store, as a history already lived: one transaction. */
export async function insertAlarms(db: Kysely<Database>, alarms: readonly Alarm[]): Promise<void> {
  const repository = new AlarmRepository(db);
  await db.transaction().execute(async (trx) => {
    for (const alarm of alarms) {
      await repository.insert(trx, alarm);
      for (const step of alarm.transitions) await repository.insertTransition(trx, alarm.id, step);
    }
  });
}
