import { describe, expect, it } from 'vitest';
import type { Alarm, AlarmTransition } from '../../shared/domain/index.js';
import { MAX_QUEUED_MS } from '../../shared/responder.js';
import { CLOCK_SKEW_MS, decideFieldStep, unitsOfChange, type FieldStepFacts } from '../../shared/rules/field-steps.js';
import { packAlarm, unpackAlarm } from '../../shared/snapshot.js';
import { makeAlarm } from './helpers/alarm.js';

const T0 = Date.parse('2025-03-02T08:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const SCHOOL = { lat: 33.737, lng: 113.294 };

const raise: AlarmTransition = { action: 'raise', from: null, to: 'new', actor: 'device:SOS-S0001-1', at: at(0), note: null };
const dispatchTo = (unitId: string, seconds: number): AlarmTransition => ({ action: 'dispatch', unitId, from: 'acknowledged', to: 'dispatched', actor: '李警官', at: at(seconds), note: null });
const fieldStep = (action: 'accept' | 'arrive' | 'report', unitId: string, seconds: number, to: Alarm['state']): AlarmTransition => ({
  action,
  from: action === 'report' ? 'on_scene' : 'dispatched',
  to,
  actor: '张警官',
  at: at(seconds),
  note: null,
  field: { unitId, requestId: `r-${action}-${seconds}`, recordedAt: at(seconds) },
});

/** An SOS dispatched to P001 at +60 s. */
function dispatched(extra: AlarmTransition[] = [], state: Alarm['state'] = 'dispatched', unitId = 'P001'): Alarm {
  return makeAlarm({ id: 'A1', state, unitId, transitions: [raise, dispatchTo('P001', 60), ...extra] });
}
const decide = (alarm: Alarm, step: FieldStepFacts, nowSeconds = 120, unitId = 'P001') => decideFieldStep(alarm, step, { unitId, now: T0 + nowSeconds * 1000, school: SCHOOL });

describe(decideFieldStep.name, () => {
  it('lets the unit the alarm is dispatched to accept it once, keeping the state', () => {
    expect(decide(dispatched(), { action: 'accept', at: at(90) })).toEqual({ ok: true, to: 'dispatched', at: at(90) });
    const again = decide(dispatched([fieldStep('accept', 'P001', 90, 'dispatched')]), { action: 'accept', at: at(100) });
    expect(again).toMatchObject({ ok: false, status: 409, error: 'your unit has already accepted this alarm' });
  });

  it('refuses another unit (403), and tells a unit the alarm was taken from that it moved on (409)', () => {
    expect(decide(dispatched(), { action: 'accept', at: at(90) }, 120, 'P002')).toMatchObject({ ok: false, status: 403, error: 'this alarm is not dispatched to your unit' });
    const moved = makeAlarm({ id: 'A1', state: 'dispatched', unitId: 'P002', transitions: [raise, dispatchTo('P001', 60), dispatchTo('P002', 100)] });
    expect(decide(moved, { action: 'arrive', at: at(110) })).toMatchObject({ ok: false, status: 409, error: 'the alarm has moved on: it was re-dispatched to another unit' });
  });

  it('moves an arrival to on scene with the distance from the school, measured from the phone’s position', () => {
    const position = { lat: SCHOOL.lat + 40 / 111_195, lng: SCHOOL.lng };
    const decision = decide(dispatched(), { action: 'arrive', at: at(100), position });
    expect(decision).toMatchObject({ ok: true, to: 'on_scene', at: at(100) });
    expect(decision.ok && decision.distanceM).toBe(40);
    expect(decide(dispatched(), { action: 'arrive', at: at(100) })).toEqual({ ok: true, to: 'on_scene', at: at(100) });
  });

  it('refuses steps the alarm has moved past, each with its reason', () => {
    const onScene = dispatched([fieldStep('arrive', 'P001', 100, 'on_scene')], 'on_scene');
    expect(decide(onScene, { action: 'accept', at: at(110) })).toMatchObject({ ok: false, status: 409, message: { zh: '无法接警：已记录到场' } });
    expect(decide(onScene, { action: 'arrive', at: at(110) })).toMatchObject({ ok: false, status: 409 });
    expect(decide(dispatched(), { action: 'report', at: at(110) })).toMatchObject({ ok: false, status: 409, message: { zh: '无法处置反馈：尚未到场，请先上报到场' } });
    const resolved = dispatched([], 'resolved');
    expect(decide(resolved, { action: 'report', at: at(110) })).toMatchObject({ ok: false, status: 409, error: 'cannot report back: the alarm has moved on, it is already resolved' });
    expect(decide(onScene, { action: 'report', at: at(110) })).toEqual({ ok: true, to: 'on_scene', at: at(110) });
  });

  it('refuses a time in the future beyond the skew, older than the queue holds, or before the dispatch', () => {
    const now = 1000;
    expect(decide(dispatched(), { action: 'accept', at: at(now + CLOCK_SKEW_MS / 1000 + 1) }, now)).toMatchObject({ ok: false, status: 400, error: 'at is in the future: check the phone’s clock' });
    expect(decide(dispatched(), { action: 'accept', at: at(now - MAX_QUEUED_MS / 1000 - 1) }, now)).toMatchObject({ ok: false, status: 400 });
    expect(decide(dispatched(), { action: 'accept', at: at(60 - CLOCK_SKEW_MS / 1000 - 1) }, now)).toMatchObject({ ok: false, status: 400, error: 'at is before the alarm was dispatched to your unit' });
  });

  it('stores a step within the clock skew no earlier than the step it follows and never after now', () => {
    expect(decide(dispatched(), { action: 'accept', at: at(30) })).toMatchObject({ ok: true, at: at(60) });
    expect(decide(dispatched([fieldStep('accept', 'P001', 90, 'dispatched')]), { action: 'arrive', at: at(80) })).toMatchObject({ ok: true, at: at(90) });
    expect(decide(dispatched(), { action: 'accept', at: at(150) }, 120)).toMatchObject({ ok: true, at: at(120) });
  });
});

describe(unitsOfChange.name, () => {
  it('names the unit an alarm is dispatched to, and the one it was just taken from', () => {
    expect(unitsOfChange(makeAlarm({ id: 'A' }))).toEqual([]);
    expect(unitsOfChange(dispatched())).toEqual(['P001']);
    const moved = makeAlarm({ id: 'A', state: 'dispatched', unitId: 'P002', transitions: [raise, dispatchTo('P001', 60), dispatchTo('P002', 100)] });
    expect(unitsOfChange(moved)).toEqual(['P002', 'P001']);
    // After the move, later changes concern only the new unit.
    expect(unitsOfChange({ ...moved, transitions: [...moved.transitions, fieldStep('accept', 'P002', 110, 'dispatched')] })).toEqual(['P002']);
  });
});

describe('a unit’s step in the compact snapshot', () => {
  it('keeps the field record through pack and unpack', () => {
    const arrive = { ...fieldStep('arrive', 'P001', 100, 'on_scene'), field: { unitId: 'P001', requestId: 'r1', recordedAt: at(400), position: { lat: 33.7, lng: 113.3, accuracyM: 12 }, distanceM: 40 } };
    const alarm = dispatched([arrive], 'on_scene');
    expect(unpackAlarm(packAlarm(alarm))).toEqual(alarm);
  });
});
