import type { Alarm, LatLng, PolicePost, School } from '../../shared/domain/index.js';
import { isOpenState } from '../../shared/domain/index.js';
import type { Disposition } from '../../shared/rules/alarm-lifecycle.js';
import { lastDispatchTo } from '../../shared/rules/field-steps.js';
import type { FieldStepInput } from '../../shared/responder.js';
import { distanceM } from '../../shared/geo.js';
import { between, createRng, hashString, pickFrom, type Rng } from './random.js';

/**
 * The dispatched units' phones, simulated (issue 14): when an operator dispatches an alarm to a
 * police post, the post's responder accepts it in 15–60 s, arrives after the straight-line
 * distance at ~30 km/h plus 1–3 minutes (parking, finding the gate) with a position near the
 * school gate, and reports back 5–15 minutes later. Pure planning here; the driver
 * (unit-driver.ts) signs in as the unit's responder and sends each step through the public
 * responder API with the planned time, on the injectable clock.
 */

/** How the simulated units behave. */
export interface UnitPlanConfig {
  /** Share of units whose people carry the phone (the others leave the arrival to the operator's mark). */
  phoneShare: number;
  /** Driving speed through town, km/h. */
  speedKmh: number;
  seed: number;
}

export const DEFAULT_UNIT_PLAN: UnitPlanConfig = { phoneShare: 0.9, speedKmh: 30, seed: 1 };

/** A step's body without the two fields the driver fills in when it sends it. */
export type UnitStepBody = FieldStepInput extends infer S ? (S extends unknown ? Omit<S, 'requestId' | 'at'> : never) : never;

/** One step a unit will take, at `at` (ms), as the phone sends it (`at` and `requestId` filled by the driver). */
export interface PlannedUnitStep {
  at: number;
  step: UnitStepBody;
}

/** A unit's plan for one dispatch of one alarm. */
export interface UnitPlan {
  alarmId: string;
  unitId: string;
  /** Index of the dispatch transition the plan answers (a re-dispatch to the same unit is a new plan). */
  dispatchIndex: number;
  steps: PlannedUnitStep[];
}

const DISPOSITIONS: readonly [Disposition, number, readonly string[]][] = [
  ['no_threat_found', 0.45, ['到场核查，系学生误触一键报警，已复位', '现场核查无异常，门卫已确认', '经查为设备误报，已通知学校报修']],
  ['handled_on_site', 0.35, ['校门口两名家长发生口角，已劝离', '可疑人员已带离校门区域并登记身份', '现场秩序已恢复，学生正常放学']],
  ['suspect_controlled', 0.1, ['一名持械人员已被控制，移交派出所处理', '翻墙人员已控制，正在询问']],
  ['medical_aid', 0.05, ['学生摔伤，已联系120送医，家长已到场']],
  ['referred', 0.05, ['已移交属地派出所继续处置']],
];

function pickDisposition(rng: Rng): { disposition: Disposition; note: string } {
  let draw = rng();
  for (const [disposition, weight, notes] of DISPOSITIONS) {
    draw -= weight;
    if (draw <= 0) return { disposition, note: pickFrom(rng, notes) ?? notes[0]! };
  }
  return { disposition: 'handled_on_site', note: DISPOSITIONS[1]![2][0]! };
}

/** A point `metres` from `from` in direction `bearing` (radians from north). */
function offset(from: LatLng, metres: number, bearing: number): LatLng {
  const dLat = (metres * Math.cos(bearing)) / 111_195;
  const dLng = (metres * Math.sin(bearing)) / (111_195 * Math.cos((from.lat * Math.PI) / 180));
  return { lat: from.lat + dLat, lng: from.lng + dLng };
}

/** Whether a unit's people carry the phone (stable per unit). */
export function unitHasPhone(unitId: string, config: UnitPlanConfig = DEFAULT_UNIT_PLAN): boolean {
  return (hashString(unitId, config.seed) % 1000) / 1000 < config.phoneShare;
}

/**
 * The unit's steps for an alarm just dispatched to it (null when the alarm is not dispatched to
 * `unit`, or the unit has no phone): accept, arrive near the gate, report.
 */
export function planUnitResponse(alarm: Alarm, unit: PolicePost, school: School, config: UnitPlanConfig = DEFAULT_UNIT_PLAN): UnitPlan | null {
  const dispatchIndex = lastDispatchTo(alarm, unit.id);
  if (alarm.unitId !== unit.id || alarm.state !== 'dispatched' || dispatchIndex < 0 || !unitHasPhone(unit.id, config)) return null;
  const rng = createRng(hashString(`${alarm.id}/${dispatchIndex}`, config.seed));
  const dispatchedAt = Date.parse(alarm.transitions[dispatchIndex]!.at);
  const acceptAt = dispatchedAt + between(rng, 15, 60) * 1000;
  const driveSeconds = distanceM(unit, school) / ((config.speedKmh * 1000) / 3600);
  const arriveAt = Math.max(acceptAt + 10_000, dispatchedAt + (driveSeconds + between(rng, 60, 180)) * 1000);
  const gate = offset(school, between(rng, 10, 60), between(rng, 0, 2 * Math.PI));
  const reportAt = arriveAt + between(rng, 5, 15) * 60_000;
  const report = pickDisposition(rng);
  return {
    alarmId: alarm.id,
    unitId: unit.id,
    dispatchIndex,
    steps: [
      { at: Math.round(acceptAt), step: { action: 'accept' } },
      { at: Math.round(arriveAt), step: { action: 'arrive', position: { ...gate, accuracyM: Math.round(between(rng, 5, 25)) } } },
      { at: Math.round(reportAt), step: { action: 'report', disposition: report.disposition, note: report.note } },
    ],
  };
}

/** Whether a plan still stands for the alarm as it is now: still open, still dispatched to the unit by the same dispatch. */
export function planStands(plan: UnitPlan, alarm: Alarm): boolean {
  return isOpenState(alarm.state) && alarm.unitId === plan.unitId && lastDispatchTo(alarm, plan.unitId) === plan.dispatchIndex;
}
