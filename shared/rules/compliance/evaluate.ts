import { dueBy } from './phases.js';
import { drillRule, emergencyPlanRule, inspectionsRule, selfCheckRule } from './routines.js';
import { faultRestoreRule, gatePoliceCameraRule, guardPostPersonRule, guardPostRule, retentionRule, systemUpkeepRule } from './annex3.js';
import { antiRamRule, closedCampusRule, controlRoomRule, equipmentRule, guardsRule, intrusionRule, sosAlarmRule, videoRule, type Verdict } from './technical.js';
import { COMPLIANCE_RULES, type ComplianceInput, type ComplianceOptions, type ComplianceResult, type ComplianceRuleId } from './types.js';

/** Asia/Shanghai end of a local date, as an ISO instant (for comparing with stored UTC times). */
function endOfLocalDay(date: string): string {
  return new Date(Date.parse(`${date}T23:59:59.999+08:00`)).toISOString();
}

const RULES: Record<ComplianceRuleId, (input: ComplianceInput, options: ComplianceOptions) => Verdict> = {
  guards: guardsRule,
  equipment: equipmentRule,
  closed_campus: closedCampusRule,
  anti_ram: antiRamRule,
  sos_alarm: sosAlarmRule,
  video: videoRule,
  intrusion: intrusionRule,
  control_room: controlRoomRule,
  gate_police_camera: gatePoliceCameraRule,
  system_upkeep: systemUpkeepRule,
  retention: retentionRule,
  fault_restore: (input, options) => faultRestoreRule(input, endOfLocalDay(options.asOf)),
  guard_post: guardPostRule,
  guard_post_person: guardPostPersonRule,
  drill: drillRule,
  emergency_plan: emergencyPlanRule,
  inspections: inspectionsRule,
  self_check: selfCheckRule,
};

/**
 * Every requirement of the plan for one school as of a date, each with its reason. A rule whose
 * phased target date has not passed is `not_due` (its reason still says where the school stands);
 * one the plan does not ask of this kind of school is `not_applicable`.
 */
export function evaluateSchool(input: ComplianceInput, options: ComplianceOptions): ComplianceResult[] {
  return COMPLIANCE_RULES.map((rule) => {
    const due = dueBy(rule, input.school);
    if (due === null) {
      return { rule, status: 'not_applicable', dueBy: null, reason: { zh: '本类学校不作要求', en: 'not required of this kind of school' } };
    }
    const verdict = RULES[rule](input, options);
    if (options.asOf <= due) {
      return { rule, status: 'not_due', dueBy: due, reason: { zh: `${due}前达标（当前：${verdict.reason.zh}）`, en: `due by ${due} (now: ${verdict.reason.en})` } };
    }
    return { rule, status: verdict.status, dueBy: due, reason: verdict.reason };
  });
}
