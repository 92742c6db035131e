import { describe, expect, it } from 'vitest';
import type { Alarm, AlarmTransition } from '../../shared/domain/index.js';
import { isCalling, navigationUri, stepStanding, unitAlarms, type SchoolPlace } from '../../client/responder-alarms.js';
import type { QueuedStep } from '../../client/responder-queue.js';

const school: SchoolPlace = { id: 'S0001', name: '新华区第一小学', address: '新华区建设路 1 号', lat: 33.737, lng: 113.299 };
const step = (action: string, at: string, extra: Partial<AlarmTransition> = {}): AlarmTransition => ({ action, from: null, to: 'dispatched', actor: 'x', at, note: null, ...extra });
const field = (requestId: string) => ({ unitId: 'P1', requestId, recordedAt: '2026-12-07T02:10:00.000Z' });

function alarm(overrides: Partial<Alarm> = {}): Alarm {
  return {
    id: 'A1', type: 'sos', priority: 1, state: 'dispatched', schoolId: 'S0001', deviceId: 'SOS-1', districtCode: '410402',
    openedAt: '2026-12-07T02:00:00.000Z', receivedAt: '2026-12-07T02:00:00.000Z', updatedAt: '2026-12-07T02:01:00.000Z',
    count: 1, lastSeenAt: '2026-12-07T02:00:00.000Z', drill: false, unitId: 'P1', disposition: null,
    transitions: [step('raise', '2026-12-07T02:00:00.000Z'), step('dispatch', '2026-12-07T02:01:00.000Z', { unitId: 'P1' })],
    ...overrides,
  };
}
const queued = (action: 'accept' | 'arrive', alarmId = 'A1'): QueuedStep => ({ alarmId, step: { action, requestId: '00000000-0000-4000-8000-000000000001', at: '2026-12-07T02:02:00.000Z' } });

describe('unit alarms on the phone', () => {
  it('takes the latest version of each alarm and drops one re-dispatched to another unit', () => {
    const listed = [{ alarm: alarm(), school }, { alarm: alarm({ id: 'A2', updatedAt: '2026-12-07T02:03:00.000Z' }), school }];
    const accepted = alarm({ updatedAt: '2026-12-07T02:02:00.000Z', transitions: [...alarm().transitions, step('accept', '2026-12-07T02:02:00.000Z', { field: field('r1') })] });
    const movedAway = alarm({ id: 'A2', unitId: 'P9', updatedAt: '2026-12-07T02:04:00.000Z' });
    const sut = unitAlarms('P1', listed, [accepted], [movedAway]);
    expect(sut.alarms.map((entry) => entry.alarm.id)).toEqual(['A1']);
    expect(sut.alarms[0]?.alarm.transitions.at(-1)?.action).toBe('accept');
    expect(sut.missingSchools).toBe(false);
  });

  it('puts open alarms first, newest dispatch first, and asks for the list again when a school is unknown', () => {
    const older = alarm({ id: 'A1' });
    const newer = alarm({ id: 'A2', transitions: [step('dispatch', '2026-12-07T03:00:00.000Z')] });
    const closed = alarm({ id: 'A3', state: 'resolved', transitions: [step('dispatch', '2026-12-07T04:00:00.000Z')] });
    const sut = unitAlarms('P1', [older, newer, closed].map((item) => ({ alarm: item, school })));
    expect(sut.alarms.map((entry) => entry.alarm.id)).toEqual(['A2', 'A1', 'A3']);
    expect(unitAlarms('P1', [], [alarm({ id: 'A4' })]).missingSchools).toBe(true);
  });

  it('offers accept and on scene while dispatched, the report once on scene or once on scene waits in the queue', () => {
    const dispatched = alarm();
    expect(stepStanding(dispatched, 'accept', []).kind).toBe('open');
    expect(stepStanding(dispatched, 'arrive', []).kind).toBe('open');
    expect(stepStanding(dispatched, 'report', []).kind).toBe('closed');
    expect(stepStanding(dispatched, 'accept', [queued('accept')]).kind).toBe('waiting');
    expect(stepStanding(dispatched, 'report', [queued('arrive')]).kind).toBe('open');
    expect(stepStanding(dispatched, 'accept', [queued('arrive')]).kind).toBe('closed');
    const arrived = alarm({ state: 'on_scene', transitions: [...dispatched.transitions, step('arrive', '2026-12-07T02:05:00.000Z', { to: 'on_scene', field: { ...field('r2'), distanceM: 40 } })] });
    const standing = stepStanding(arrived, 'arrive', []);
    expect(standing.kind === 'done' && standing.step.field?.distanceM).toBe(40);
    expect(stepStanding(arrived, 'report', []).kind).toBe('open');
    expect(stepStanding(alarm({ state: 'resolved' }), 'accept', []).kind).toBe('closed');
  });

  it('counts only steps since the last dispatch: a unit sent again must accept again', () => {
    const again = alarm({ transitions: [step('dispatch', '2026-12-07T02:01:00.000Z'), step('accept', '2026-12-07T02:02:00.000Z', { field: field('r1') }), step('dispatch', '2026-12-07T02:03:00.000Z')] });
    expect(stepStanding(again, 'accept', []).kind).toBe('open');
    expect(isCalling(again, [])).toBe(true);
  });

  it('calls until someone accepts or arrives, on the phone or waiting to be sent', () => {
    expect(isCalling(alarm(), [])).toBe(true);
    expect(isCalling(alarm(), [queued('accept')])).toBe(false);
    expect(isCalling(alarm(), [queued('accept', 'A9')])).toBe(true);
    expect(isCalling(alarm({ state: 'on_scene' }), [])).toBe(false);
  });

  it('links to navigation with a geo: URI naming the school', () => {
    expect(navigationUri(school)).toBe(`geo:33.737000,113.299000?q=33.737000,113.299000(${encodeURIComponent('新华区第一小学')})`);
  });
});
