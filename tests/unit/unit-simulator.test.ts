import { describe, expect, it } from 'vitest';
import type { Alarm, AlarmTransition, PolicePost } from '../../shared/domain/index.js';
import { distanceM } from '../../shared/geo.js';
import { makeSchool } from '../../mocks/factories/dataset.js';
import { DEFAULT_UNIT_PLAN, planStands, planUnitResponse, unitHasPhone } from '../../mocks/simulator/units.js';
import { makeAlarm } from './helpers/alarm.js';

const T0 = Date.parse('2026-12-01T01:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const school = makeSchool({ id: 'S0001', lat: 33.737, lng: 113.294 });
/** A unit 2.5 km east of the school: 300 s at 30 km/h. */
const unit: PolicePost = { id: 'P001', name: '中兴路警务室', kind: 'room', districtCode: '410402', lat: 33.737, lng: 113.294 + 2500 / (111_195 * Math.cos((33.737 * Math.PI) / 180)) };
const dispatch = (unitId: string, seconds: number): AlarmTransition => ({ action: 'dispatch', unitId, from: 'acknowledged', to: 'dispatched', actor: '李警官', at: at(seconds), note: null });
const always = { ...DEFAULT_UNIT_PLAN, phoneShare: 1 };

function dispatched(id: string, extra: Partial<Alarm> = {}): Alarm {
  return makeAlarm({ id, state: 'dispatched', unitId: 'P001', receivedAt: at(0), transitions: [{ action: 'raise', from: null, to: 'new', actor: 'device:x', at: at(0), note: null }, dispatch('P001', 30)], ...extra });
}

describe(planUnitResponse.name, () => {
  it('accepts in 15–60 s, arrives after the drive at ~30 km/h plus 1–3 min near the gate, reports 5–15 min later', () => {
    for (let i = 0; i < 200; i++) {
      const plan = planUnitResponse(dispatched(`A${i}`), unit, school, always)!;
      const [accept, arrive, report] = plan.steps;
      const dispatchedAt = T0 + 30_000;
      expect(accept!.at - dispatchedAt).toBeGreaterThanOrEqual(15_000);
      expect(accept!.at - dispatchedAt).toBeLessThanOrEqual(60_000);
      expect(arrive!.at - dispatchedAt).toBeGreaterThanOrEqual(300_000 + 60_000 - 1000);
      expect(arrive!.at - dispatchedAt).toBeLessThanOrEqual(300_000 + 180_000 + 1000);
      expect(report!.at - arrive!.at).toBeGreaterThanOrEqual(5 * 60_000);
      expect(report!.at - arrive!.at).toBeLessThanOrEqual(15 * 60_000);
      expect(arrive!.step.action).toBe('arrive');
      const position = arrive!.step.action === 'arrive' ? arrive!.step.position : undefined;
      expect(distanceM(position!, school)).toBeLessThanOrEqual(61);
      expect(report!.step).toMatchObject({ action: 'report', note: expect.any(String) });
    }
  });

  it('plans nothing for an alarm not dispatched to the unit, nor for a unit without a phone', () => {
    expect(planUnitResponse(dispatched('B', { unitId: 'P002' }), unit, school, always)).toBeNull();
    expect(planUnitResponse(dispatched('C', { state: 'on_scene' }), unit, school, always)).toBeNull();
    expect(planUnitResponse(dispatched('D'), unit, school, { ...always, phoneShare: 0 })).toBeNull();
    const units = Array.from({ length: 1000 }, (_, i) => `P${i}`);
    const share = units.filter((id) => unitHasPhone(id)).length / units.length;
    expect(share).toBeGreaterThan(0.85);
    expect(share).toBeLessThan(0.95);
  });

  it('drops the plan when the alarm moves on: closed, or dispatched to another unit', () => {
    const alarm = dispatched('E');
    const plan = planUnitResponse(alarm, unit, school, always)!;
    expect(planStands(plan, alarm)).toBe(true);
    expect(planStands(plan, { ...alarm, state: 'resolved' })).toBe(false);
    expect(planStands(plan, { ...alarm, unitId: 'P002', transitions: [...alarm.transitions, dispatch('P002', 90)] })).toBe(false);
    expect(planStands(plan, { ...alarm, transitions: [...alarm.transitions, dispatch('P001', 90)] })).toBe(false);
  });
});
