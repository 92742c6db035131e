import type { Alarm } from '../../../shared/domain/index.js';

/** A new priority-1 SOS at S0001 (新华区); every timestamp is `overrides.receivedAt` (08:00 UTC on 2 March 2025 unless given). */
export function makeAlarm(overrides: Partial<Alarm> & Pick<Alarm, 'id'>): Alarm {
  const at = overrides.receivedAt ?? '2025-03-02T08:00:00.000Z';
  return {
    type: 'sos',
    priority: 1,
    state: 'new',
    schoolId: 'S0001',
    deviceId: 'SOS-S0001-1',
    districtCode: '410402',
    openedAt: at,
    receivedAt: at,
    updatedAt: at,
    count: 1,
    lastSeenAt: at,
    drill: false,
    unitId: null,
    disposition: null,
    transitions: [],
    ...overrides,
  };
}
