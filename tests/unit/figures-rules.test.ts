import { describe, expect, it } from 'vitest';
import { makeSchool } from '../../mocks/factories/dataset.js';
import { makeComplianceInput, makeRecord } from '../../mocks/factories/compliance.js';
import type { GuardPost } from '../../shared/domain/index.js';
import { offsetPoint } from '../../mocks/dataset/geometry.js';
import { DEFAULT_SEMESTERS, evaluateSchool, type ComplianceInput, type ComplianceRuleId } from '../../shared/rules/compliance/index.js';
import { GUARD_POST_REACH_M, guardPostRate, schoolGuardPosts } from '../../shared/rules/guard-post-setup.js';

function verdict(input: ComplianceInput, rule: ComplianceRuleId, date = '2026-11-29') {
  const result = evaluateSchool(input, { asOf: date, semesters: DEFAULT_SEMESTERS }).find((r) => r.rule === rule);
  if (!result) throw new Error(`no result for ${rule}`);
  return result;
}

const school = makeSchool({ id: 'S1', lat: 33.75, lng: 113.3 });
function post(id: string, metres: number, schoolIds: string[] = [], person = '张护岗'): GuardPost {
  const at = offsetPoint(school, metres, 0);
  return { id, name: id, districtCode: school.districtCode, schoolIds, person, phone: '13800000000', duty: '疏导交通', schedule: [], radiusM: 200, ...at };
}

describe('二(二)1 "城市“护学岗”设置率达到100%…城镇“护学岗”设置率达到100%": THE 护学岗 rule', () => {
  it('二(二)1: a post listing the school counts at any distance', () => {
    expect(schoolGuardPosts([school], [post('G1', 3000, ['S1'])]).get('S1')).toMatchObject({ postId: 'G1', listed: true });
  });
  it('二(二)1: an unlisted post counts within 500 m and not beyond', () => {
    expect(schoolGuardPosts([school], [post('G1', GUARD_POST_REACH_M - 1)]).get('S1')).toMatchObject({ postId: 'G1', listed: false });
    expect(schoolGuardPosts([school], [post('G1', GUARD_POST_REACH_M + 2)]).get('S1')).toBeNull();
  });
  it('二(二)1: a listing post wins over a nearer unlisted one', () => {
    expect(schoolGuardPosts([school], [post('G1', 50), post('G2', 400, ['S1'])]).get('S1')).toMatchObject({ postId: 'G2', listed: true });
  });
  it('二(二)1 设置率: city and town schools only (the plan sets rural no target)', () => {
    const rate = guardPostRate([
      { setting: 'city', guardPost: { person: '甲' } },
      { setting: 'city', guardPost: null },
      { setting: 'town', guardPost: { person: null } },
      { setting: 'rural', guardPost: null },
    ]);
    expect(rate.target).toEqual({ schools: 3, withGuardPost: 2, withoutPerson: 1, rate: 2 / 3 });
    expect(rate.city.rate).toBe(0.5);
    expect(rate.rural).toEqual({ schools: 1, withGuardPost: 0, withoutPerson: 0, rate: 0 });
  });
  it('二(二)1 "2020年3月底前，城市“护学岗”设置率达到100%": a city school without a post fails from 2020-04-01', () => {
    const input = makeComplianceInput({ school: makeSchool({ id: 'S1', setting: 'city' }), guardPost: null });
    expect(verdict(input, 'guard_post', '2020-03-31').status).toBe('not_due');
    expect(verdict(input, 'guard_post', '2020-04-01')).toMatchObject({ status: 'fail', reason: { zh: '未设置护学岗（无护学岗登记本校，500米内亦无）' } });
  });
  it('二(二)1 "2020年底前，城镇“护学岗”设置率达到100%": a town school with a post 480 m away passes from 2021-01-01', () => {
    const input = makeComplianceInput({ school: makeSchool({ id: 'S1', setting: 'town' }), guardPost: { postId: 'G9', distanceM: 480, listed: false, person: '李' } });
    expect(verdict(input, 'guard_post', '2020-12-31').status).toBe('not_due');
    expect(verdict(input, 'guard_post', '2021-01-01')).toMatchObject({ status: 'pass', reason: { zh: '已设置护学岗（480米内护学岗）' } });
  });
  it('二(二)1 "全部落实定点定岗定责定人": a post without a named person is a 定人 finding', () => {
    const city = makeSchool({ id: 'S1', setting: 'city' });
    expect(verdict(makeComplianceInput({ school: city, guardPost: { postId: 'G1', distanceM: 10, listed: true, person: null } }), 'guard_post_person')).toMatchObject({ status: 'fail' });
    expect(verdict(makeComplianceInput({ school: city, guardPost: { postId: 'G1', distanceM: 10, listed: true, person: '王五' } }), 'guard_post_person')).toMatchObject({ status: 'pass', reason: { zh: '护学岗已定人：王五' } });
    expect(verdict(makeComplianceInput({ school: makeSchool({ id: 'S1', setting: 'rural' }) }), 'guard_post_person').status).toBe('not_applicable');
    // A blank name is no name.
    expect(schoolGuardPosts([school], [post('G1', 10, ['S1'], '  ')]).get('S1')?.person).toBeNull();
  });
});

describe('附件3: the three items that were not judged', () => {
  it('附件3 一(一) "学校大门外一定区域内应有属地公安机关设置视频图像采集装置"', () => {
    expect(verdict(makeComplianceInput({ record: makeRecord({ gatePoliceCamera: false }) }), 'gate_police_camera').status).toBe('fail');
    expect(verdict(makeComplianceInput(), 'gate_police_camera').status).toBe('pass');
  });
  it('附件3 二(一) "学校应设专人负责系统日常管理工作并制定应急处置预案": both are needed', () => {
    expect(verdict(makeComplianceInput({ record: makeRecord({ systemManager: false }) }), 'system_upkeep').reason.zh).toBe('技防系统未设专人负责日常管理');
    expect(verdict(makeComplianceInput({ record: makeRecord({ systemEmergencyPlan: false }) }), 'system_upkeep').reason.zh).toBe('技防系统未制定应急处置预案');
    expect(verdict(makeComplianceInput(), 'system_upkeep').status).toBe('pass');
  });
  it('附件3 二(二) "安防监控室应保证有人员值班，安全技术防范岗位工作人员应具备必要的安防与法律专业基础知识"', () => {
    expect(verdict(makeComplianceInput({ record: makeRecord({ controlRoomQualified: false }) }), 'control_room')).toMatchObject({ status: 'fail', reason: { zh: '安防监控室值班人员不具备安防与法律专业基础知识' } });
    expect(verdict(makeComplianceInput({ record: makeRecord({ controlRoomStaffed: false }) }), 'control_room').reason.zh).toBe('安防监控室无人值班');
  });
  it('附件3 phased like the other technical items: a rural kindergarten from 2022-01-01', () => {
    const input = makeComplianceInput({ school: makeSchool({ id: 'S1', stage: 'kindergarten', setting: 'rural' }), record: makeRecord({ gatePoliceCamera: false }) });
    expect(verdict(input, 'gate_police_camera', '2021-12-31').status).toBe('not_due');
    expect(verdict(input, 'gate_police_camera', '2022-01-01').status).toBe('fail');
  });
});

describe('附件3 二(三) "保存时间应不少于30天，列为反恐重点单位的学校保存时间不少于90天": from the cameras\' reports', () => {
  it.each([
    [29, false, 'fail'],
    [30, false, 'pass'],
    [89, true, 'fail'],
    [90, true, 'pass'],
  ])('附件3 二(三): cameras reporting %i days (反恐重点单位 %s) → %s, whatever the record says', (days, counterTerror, expected) => {
    const input = makeComplianceInput({
      school: makeSchool({ id: 'S1', counterTerror }),
      record: makeRecord({ retentionDays: expected === 'pass' ? 0 : 365 }),
      reportedRetention: { minDays: days, cameras: 12 },
    });
    const result = verdict(input, 'retention');
    expect(result.status).toBe(expected);
    expect(result.reason.zh).toMatch(new RegExp(`^摄像机上报（12台）：最短保存${days}天`));
  });
  it('附件3 二(三): the typed value counts when no camera has reported, and the reason says so', () => {
    const result = verdict(makeComplianceInput({ record: makeRecord({ retentionDays: 29 }) }), 'retention');
    expect(result).toMatchObject({ status: 'fail', reason: { zh: expect.stringMatching(/^档案填报：视频保存29天/) } });
  });
});

describe('附件3 二(三) "安全技术防范系统出现故障时，应在24小时内恢复功能": every security device', () => {
  const start = '2026-11-20T00:00:00.000Z';
  const deadline = '2026-11-21T00:00:00.000Z';
  it.each(['sos', 'intrusion', 'access', 'camera'] as const)('附件3 二(三): a %s fault restored at 24 h passes, 1 ms later fails', (deviceKind) => {
    const onTime = makeComplianceInput({ faults: [{ deviceKind, openedAt: start, deadlineAt: deadline, closedAt: deadline }] });
    const late = makeComplianceInput({ faults: [{ deviceKind, openedAt: start, deadlineAt: deadline, closedAt: '2026-11-21T00:00:00.001Z' }] });
    expect(verdict(onTime, 'fault_restore').status).toBe('pass');
    expect(verdict(late, 'fault_restore').status).toBe('fail');
  });
  it('附件3 二(三): the finding names the kinds of device late', () => {
    const faults = [
      { deviceKind: 'sos' as const, openedAt: start, deadlineAt: deadline, closedAt: null },
      { deviceKind: 'access' as const, openedAt: start, deadlineAt: deadline, closedAt: '2026-11-22T00:00:00.000Z' },
    ];
    expect(verdict(makeComplianceInput({ faults }), 'fault_restore').reason.zh).toBe('2起设备故障超过24小时未恢复（一键报警、门禁）');
  });
});
