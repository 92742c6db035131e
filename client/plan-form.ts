import { ALARM_TYPES, type AlarmType } from '../shared/domain/alarm.js';
import { PLAN_REQUIRED_TYPES, type EmergencyPlan, type SchoolPeople } from '../shared/domain/school-plan.js';

/** The plan as its form holds it: each type's steps and the routes as text, one a line; the distance as typed. */
export interface PlanDraft {
  steps: Record<AlarmType, string>;
  assemblyPoint: string;
  routes: string;
  hospital: { name: string; address: string; phone: string; distanceKm: string };
}

/** Whether the plan must have steps for the type (`sos`, `intrusion`). */
export function requiredType(type: AlarmType): boolean {
  return (PLAN_REQUIRED_TYPES as readonly AlarmType[]).includes(type);
}

const lines = (text: string): string[] => text.split('\n').map((line) => line.trim()).filter((line) => line !== '');

/** A plan (or none yet) as the form's draft. */
export function planDraft(plan: EmergencyPlan | null): PlanDraft {
  return {
    steps: Object.fromEntries(ALARM_TYPES.map((type) => [type, (plan?.steps[type] ?? []).join('\n')])) as Record<AlarmType, string>,
    assemblyPoint: plan?.assemblyPoint ?? '',
    routes: (plan?.evacuationRoutes ?? []).join('\n'),
    hospital: {
      name: plan?.nearestHospital.name ?? '',
      address: plan?.nearestHospital.address ?? '',
      phone: plan?.nearestHospital.phone ?? '',
      distanceKm: plan ? String(plan.nearestHospital.distanceKm) : '',
    },
  };
}

/**
 * The plan the form sends: a required type is always sent (empty, the server says it needs a
 * step), an optional one only when it has a line; a distance that does not read as a number is
 * sent as typed for the server to refuse in words.
 */
export function planBody(draft: PlanDraft): Record<string, unknown> {
  const steps: Record<string, string[]> = {};
  for (const type of ALARM_TYPES) {
    const list = lines(draft.steps[type]);
    if (list.length > 0 || requiredType(type)) steps[type] = list;
  }
  const typed = draft.hospital.distanceKm.trim();
  const distance = typed === '' || Number.isNaN(Number(typed)) ? typed : Number(typed);
  return {
    steps,
    assemblyPoint: draft.assemblyPoint,
    evacuationRoutes: lines(draft.routes),
    nearestHospital: { name: draft.hospital.name, address: draft.hospital.address, phone: draft.hospital.phone, distanceKm: distance },
  };
}

/** The people (or none yet) as the form's draft: a copy the form may change. */
export function peopleDraft(people: SchoolPeople | null): SchoolPeople {
  const blank = { name: '', phone: '' };
  return {
    principal: { ...(people?.principal ?? blank) },
    securityChief: { ...(people?.securityChief ?? blank) },
    policeVicePrincipal: { ...(people?.policeVicePrincipal ?? { ...blank, unitId: '' }) },
    deputies: (people?.deputies ?? []).map((deputy) => ({ ...deputy })),
  };
}
