import { describe, expect, it } from 'vitest';
import { peopleDraft, planBody, planDraft } from '../../client/plan-form.js';
import type { EmergencyPlan } from '../../shared/domain/school-plan.js';

const plan: EmergencyPlan = {
  steps: { sos: ['报警', '到场'], intrusion: ['核查'], post_absent: ['联系护学岗'] },
  assemblyPoint: '操场',
  evacuationRoutes: ['东楼梯 → 东门', '西楼梯 → 西门'],
  nearestHospital: { name: '第一人民医院', address: '优越路117号', phone: '0375-2228600', distanceKm: 2.5 },
};

describe(planBody.name, () => {
  it('gives back the plan it was drafted from', () => {
    expect(planBody(planDraft(plan))).toEqual(plan);
  });

  it('sends a line a step, drops blank lines and empty optional types, keeps empty required ones for the server to refuse', () => {
    const draft = planDraft(null);
    draft.steps.sos = '  报警 \n\n 到场';
    draft.steps.camera_fault = '\n  \n';
    draft.routes = '东门\n';
    draft.hospital.distanceKm = '3,5';
    expect(planBody(draft)).toMatchObject({ steps: { sos: ['报警', '到场'], intrusion: [] }, evacuationRoutes: ['东门'], nearestHospital: { distanceKm: '3,5' } });
    expect(Object.keys((planBody(draft) as { steps: object }).steps)).toEqual(['sos', 'intrusion']);
  });
});

describe(peopleDraft.name, () => {
  it('is blank without people and a copy the form may change with them', () => {
    expect(peopleDraft(null)).toEqual({ principal: { name: '', phone: '' }, securityChief: { name: '', phone: '' }, policeVicePrincipal: { name: '', phone: '', unitId: '' }, deputies: [] });
    const people = { principal: { name: '张', phone: '13912345678' }, securityChief: { name: '刘', phone: '13912345679' }, policeVicePrincipal: { name: '陈', phone: '13912345670', unitId: 'P001' }, deputies: [{ title: '副校长', name: '孙', phone: '13712345678' }] };
    const draft = peopleDraft(people);
    draft.deputies[0]!.name = '改';
    draft.principal.name = '改';
    expect(people.deputies[0]!.name).toBe('孙');
    expect(people.principal.name).toBe('张');
  });
});
