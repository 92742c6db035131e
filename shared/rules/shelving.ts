import type { Alarm } from '../domain/alarm.js';
import type { DeviceKind } from '../domain/entities.js';
import type { LocalizedText } from '../domain/text.js';

/**
 * The device kinds whose alarms may be shelved: those that raise only P3/P4 alarms (camera
 * faults, 护学岗 absences, access-control anomalies). One-key SOS buttons and intrusion sensors
 * never: an alarm that may mean a person in danger must always reach the operator.
 */
export const SHELVABLE_KINDS: readonly DeviceKind[] = ['camera', 'post', 'access'];

/** Whether a device of this kind may be shelved, with the reason when not. */
export function shelvingDecision(kind: DeviceKind): { ok: true } | { ok: false; error: string; message: LocalizedText } {
  if (SHELVABLE_KINDS.includes(kind)) return { ok: true };
  if (kind === 'sos' || kind === 'intrusion') {
    return {
      ok: false,
      error: `a ${kind === 'sos' ? 'one-key SOS' : 'intrusion'} device is never shelved: its alarms may mean a person in danger`,
      message: {
        zh: `${kind === 'sos' ? '一键报警' : '入侵报警'}设备不可搁置：其报警可能意味着人身危险，必须逐条处置`,
        en: `A ${kind === 'sos' ? 'one-key SOS' : 'intrusion'} device is never shelved: its alarms may mean a person in danger`,
      },
    };
  }
  return { ok: false, error: `a ${kind} device raises no alarms to shelve`, message: { zh: '该设备不产生可搁置的报警', en: `A ${kind} device raises no alarms to shelve` } };
}

/**
 * Whether an open alarm is kept out of the main queue by a shelf: a real (not drill) P3/P4 alarm
 * of a shelved device. A P1/P2 alarm is never hidden, whatever its device.
 */
export function isShelvedAlarm(alarm: Pick<Alarm, 'deviceId' | 'priority' | 'drill'>, shelvedDevices: ReadonlySet<string>): boolean {
  return !alarm.drill && alarm.priority >= 3 && shelvedDevices.has(alarm.deviceId);
}
