import { describe, expect, it } from 'vitest';
import type { Alarm, AlarmTransition, PolicePost } from '../../shared/domain/index.js';
import { makeSchool } from '../../mocks/factories/dataset.js';
import { DEFAULT_OPERATOR_PLAN, nearestUnit, operatorHandles, operatorPlanStands, planOperatorResponse } from '../../mocks/simulator/operator.js';
import { makeAlarm } from './helpers/alarm.js';

/** The simulated operator's display name: the server stores a step under the person's display name. */
const SIM = '模拟值班员（演示）';
const T0 = Date.parse('2026-12-01T01:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const school = makeSchool({ id: 'S0001', lat: 33.737, lng: 113.294 });
const east = (id: string, metres: number): PolicePost => ({ id, name: `${id} 警务室`, kind: 'room', districtCode: '410402', lat: 33.737, lng: 113.294 + metres / (111_195 * Math.cos((33.737 * Math.PI) / 180)) });
const units = [east('P001', 2500), east('P002', 800), east('P003', 4000)];
const raise: AlarmTransition = { action: 'raise', from: null, to: 'new', actor: 'device:SOS-S0001-1', at: at(0), note: null };
const step = (action: string, actor: string, seconds: number, to: Alarm['state']): AlarmTransition => ({ action, from: 'new', to, actor, at: at(seconds), note: null });

function fresh(id: string, extra: Partial<Alarm> = {}): Alarm {
  return makeAlarm({ id, receivedAt: at(0), transitions: [raise], ...extra });
}

describe(planOperatorResponse.name, () => {
  it('acknowledges 10–40 s after the alarm arrives and dispatches the nearest post 20–75 s after that', () => {
    expect(nearestUnit(school, units)?.id).toBe('P002');
    const acks: number[] = [];
    for (let i = 0; i < 200; i++) {
      const plan = planOperatorResponse(fresh(`A${i}`), school, units)!;
      const [ack, dispatch] = plan.steps;
      expect(ack).toMatchObject({ command: 'ack' });
      expect(dispatch).toMatchObject({ command: 'dispatch', unitId: 'P002' });
      expect(ack!.at - T0).toBeGreaterThanOrEqual(10_000);
      expect(ack!.at - T0).toBeLessThanOrEqual(40_000);
      expect(dispatch!.at - ack!.at).toBeGreaterThanOrEqual(20_000 - 1);
      expect(dispatch!.at - ack!.at).toBeLessThanOrEqual(75_000 + 1);
      expect(plan.baseline).toBe(1);
      acks.push(ack!.at);
    }
    // Spread over the range, not one fixed delay; the same alarm always gets the same plan.
    expect(new Set(acks).size).toBeGreaterThan(150);
    expect(planOperatorResponse(fresh('A7'), school, units)).toEqual(planOperatorResponse(fresh('A7'), school, units));
    expect(planOperatorResponse(fresh('A7'), school, units, { ...DEFAULT_OPERATOR_PLAN, seed: 2 })).not.toEqual(planOperatorResponse(fresh('A7'), school, units));
  });

  it('handles only new, real P1/P2 alarms nobody has touched, and only when there is a post to send', () => {
    expect(operatorHandles(fresh('B1'))).toBe(true);
    expect(operatorHandles(fresh('B2', { type: 'intrusion', priority: 2 }))).toBe(true);
    expect(operatorHandles(fresh('B3', { drill: true }))).toBe(false);
    expect(operatorHandles(fresh('B4', { type: 'camera_fault', priority: 4 }))).toBe(false);
    expect(operatorHandles(fresh('B5', { type: 'post_absent', priority: 3 }))).toBe(false);
    expect(operatorHandles(fresh('B6', { state: 'acknowledged', transitions: [raise, step('ack', '市局指挥中心值班员', 5, 'acknowledged')] }))).toBe(false);
    // A repeat press of a new alarm adds no step: still the operator's to take.
    expect(operatorHandles(fresh('B7', { count: 3 }))).toBe(true);
    expect(planOperatorResponse(fresh('B8'), school, [])).toBeNull();
    expect(planOperatorResponse(fresh('B9', { drill: true }), school, units)).toBeNull();
  });

  it('keeps the plan while only its own steps follow, and hands the alarm over to anybody else who acts', () => {
    const alarm = fresh('C');
    const plan = planOperatorResponse(alarm, school, units)!;
    expect(operatorPlanStands(plan, alarm, SIM)).toBe(true);
    const ownAck = { ...alarm, state: 'acknowledged' as const, transitions: [raise, step('ack', SIM, 20, 'acknowledged')] };
    expect(operatorPlanStands(plan, ownAck, SIM)).toBe(true);
    expect(operatorPlanStands(plan, { ...alarm, state: 'acknowledged', transitions: [raise, step('ack', '市局指挥中心值班员', 12, 'acknowledged')] }, SIM)).toBe(false);
    expect(operatorPlanStands(plan, { ...ownAck, transitions: [...ownAck.transitions, step('handoff_sent', '市局指挥中心值班员', 25, 'acknowledged')] }, SIM)).toBe(false);
    expect(operatorPlanStands(plan, { ...alarm, state: 'cancelled', transitions: [raise, step('cancel', SIM, 20, 'cancelled')] }, SIM)).toBe(false);
    expect(operatorPlanStands(plan, { ...alarm, drill: true }, SIM)).toBe(false);
    // Before it has signed in, no step is its own.
    expect(operatorPlanStands(plan, alarm, null)).toBe(true);
    expect(operatorPlanStands(plan, ownAck, null)).toBe(false);
  });
});
