import { describe, expect, it } from 'vitest';
import type { Alarm } from '../../shared/domain/index.js';
import { DomainEvents } from '../../server/services/domain-events.js';
import { SchoolStatusService } from '../../server/services/school-status.service.js';

function alarm(overrides: Partial<Alarm> & Pick<Alarm, 'id'>): Alarm {
  return {
    type: 'sos', priority: 1, state: 'new', schoolId: 'S0001', deviceId: 'SOS-S0001-1', districtCode: '410402',
    openedAt: '', receivedAt: '', updatedAt: '', count: 1, lastSeenAt: '', drill: false, unitId: null, disposition: null, transitions: [],
    ...overrides,
  };
}

describe(SchoolStatusService.name, () => {
  function setup() {
    const events = new DomainEvents();
    const sut = new SchoolStatusService(events);
    const raise = (...alarms: Alarm[]) => events.emit('alarm.changed', alarms.map((a, i) => ({ seq: i + 1, alarm: a })));
    const camera = (schoolId: string, from: 'online' | 'offline', to: 'online' | 'offline') =>
      events.emit('camera.changed', [{ deviceId: 'CAM', schoolId, from, to, at: 0 }]);
    return { sut, raise, camera };
  }

  it('ranks a real alarm over a drill over a fault', () => {
    const { sut, raise, camera } = setup();
    camera('S0001', 'online', 'offline');
    expect(sut.status('S0001')).toBe('fault');
    raise(alarm({ id: 'd', drill: true }));
    expect(sut.status('S0001')).toBe('drill');
    raise(alarm({ id: 'r' }));
    expect(sut.status('S0001')).toBe('alarm');
    raise(alarm({ id: 'r', state: 'resolved' }));
    expect(sut.status('S0001')).toBe('drill');
  });

  it('coalesces many changes of one school into its latest status', () => {
    const { sut, raise } = setup();
    raise(alarm({ id: 'a' }));
    raise(alarm({ id: 'a', state: 'resolved' }));
    raise(alarm({ id: 'b', schoolId: 'S0002', type: 'camera_fault', priority: 4 }));
    expect(sut.flush()).toEqual([
      { schoolId: 'S0001', status: 'normal' },
      { schoolId: 'S0002', status: 'fault' },
    ]);
    expect(sut.flush()).toEqual([]);
    expect(sut.nonNormal()).toEqual([{ schoolId: 'S0002', status: 'fault' }]);
  });

  it('does not count a folded repeat of an open alarm twice', () => {
    const { sut, raise } = setup();
    raise(alarm({ id: 'a' }));
    raise(alarm({ id: 'a', count: 2 }));
    raise(alarm({ id: 'a', state: 'resolved' }));
    expect(sut.status('S0001')).toBe('normal');
  });
});

describe(`${SchoolStatusService.name} (minor alarms apart from device faults)`, () => {
  it('shows a 护学岗 缺岗 as a minor alarm, a camera down as a device fault, and the minor alarm over the fault', () => {
    const events = new DomainEvents();
    const sut = new SchoolStatusService(events);
    events.emit('alarm.changed', [{ seq: 1, alarm: alarm({ id: 'p', schoolId: 'S0001', type: 'post_absent', priority: 3 }) }]);
    events.emit('camera.changed', [{ deviceId: 'CAM', schoolId: 'S0002', from: 'online', to: 'offline', at: 0 }]);
    expect(sut.status('S0001')).toBe('warning');
    expect(sut.status('S0002')).toBe('fault');
    events.emit('camera.changed', [{ deviceId: 'CAM', schoolId: 'S0001', from: 'online', to: 'offline', at: 0 }]);
    expect(sut.status('S0001')).toBe('warning');
    events.emit('alarm.changed', [{ seq: 2, alarm: alarm({ id: 'p', schoolId: 'S0001', type: 'post_absent', priority: 3, state: 'resolved' }) }]);
    expect(sut.status('S0001')).toBe('fault');
  });
});
