import { describe, expect, it } from 'vitest';
import type { Device, DeviceKind, DevicePlace } from '../../shared/domain/index.js';
import { sosButtonOf } from '../../server/services/school-sos.service.js';

const device = (id: string, place: DevicePlace, kind: DeviceKind = 'sos'): Device => ({ id, kind, schoolId: 'S0001', postId: null, place, name: id });

describe(sosButtonOf.name, () => {
  it('takes the gate room’s button, then the control room’s, then any, each by id', () => {
    expect(sosButtonOf([device('SOS-3', 'teaching_building'), device('SOS-2', 'control_room'), device('SOS-9', 'gate_room'), device('SOS-4', 'gate_room')])?.id).toBe('SOS-4');
    expect(sosButtonOf([device('SOS-3', 'teaching_building'), device('SOS-2', 'control_room')])?.id).toBe('SOS-2');
    expect(sosButtonOf([device('SOS-7', 'dormitory'), device('SOS-3', 'teaching_building')])?.id).toBe('SOS-3');
  });

  it('finds none at a school without a registered button (other devices do not count)', () => {
    expect(sosButtonOf([device('CAM-1', 'gate_room', 'camera'), device('INT-1', 'gate_room', 'intrusion')])).toBeNull();
    expect(sosButtonOf([])).toBeNull();
  });
});
