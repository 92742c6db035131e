import { describe, expect, it } from 'vitest';
import type { AuditEntryView } from '../../shared/admin.js';
import { auditSentence, type AuditNames } from '../../shared/audit-text.js';

const names: AuditNames = {
  person: (username) => ({ 'admin-li': '李管理员', 'edu-zhao': '赵老师' })[username] ?? null,
  school: (id) => ({ S0001: '新华区第一小学' })[id] ?? null,
};
const entry = (action: string, details: Record<string, unknown> = {}, target: string | null = null, actor = 'op-wang'): AuditEntryView => ({
  id: 1, at: '2026-12-03T23:41:03.000Z', actor, action, target, address: '10.0.0.7', details,
});

describe(auditSentence.name, () => {
  it('says who acknowledged which alarm, at which school, of which kind, in both languages', () => {
    const sut = auditSentence(entry('alarm.ack', { displayName: '王警官', schoolId: 'S0001', type: 'sos', from: 'new', to: 'acknowledged', note: null }, 'A-1'), names);
    expect(sut).toEqual({
      zh: '王警官 确认了报警（新华区第一小学 · 一键报警 · 待确认 → 已确认）',
      en: '王警官 acknowledged the alarm (新华区第一小学 · SOS button · unacknowledged → acknowledged)',
    });
  });

  it('names the unit, the disposition and the note of an alarm command', () => {
    expect(auditSentence(entry('alarm.dispatch', { displayName: '王警官', schoolId: 'S0001', type: 'intrusion', unitId: 'P001', from: 'acknowledged', to: 'dispatched' }), names).zh)
      .toBe('王警官 派警处置报警（新华区第一小学 · 入侵报警 · 出警单位 P001 · 已确认 → 已派警）');
    expect(auditSentence(entry('alarm.resolve', { displayName: '王警官', schoolId: 'S0001', type: 'sos', disposition: 'no_threat_found', from: 'on_scene', to: 'resolved', note: '学生误触' }), names).zh)
      .toBe('王警官 处置完毕并关闭报警（新华区第一小学 · 一键报警 · 处置结果：未发现险情 · 已到场 → 已处置 · 备注：学生误触）');
  });

  it('falls back to the alarm id for entries recorded before the school and type were', () => {
    expect(auditSentence(entry('alarm.ack', { displayName: '王警官', from: 'new', to: 'acknowledged' }, 'A-9'), names).zh).toBe('王警官 确认了报警（报警 A-9 · 待确认 → 已确认）');
  });

  it("uses the person's display name for the actor when the entry did not record one", () => {
    expect(auditSentence(entry('auth.login', {}, null, 'admin-li'), names)).toEqual({ zh: '李管理员 登录了系统', en: '李管理员 signed in' });
    expect(auditSentence(entry('auth.login_failed', { reason: 'locked' }, null, 'ghost'), names)).toEqual({ zh: 'ghost 登录失败（账号已锁定）', en: 'ghost failed to sign in (account locked)' });
    expect(auditSentence(entry('auth.login_failed', { reason: 'throttled' }, null, 'ghost'), names)).toEqual({ zh: 'ghost 登录失败（尝试过多，须等待后再试）', en: 'ghost failed to sign in (too many attempts: made to wait)' });
    expect(auditSentence(entry('auth.password_change_failed', { reason: 'wrong' }, null, 'ghost'), names)).toEqual({ zh: 'ghost 修改密码失败（当前密码错误）', en: 'ghost failed to change their password (wrong current password)' });
  });

  it('words a GB/T 28181 channel registered as a school device', () => {
    const details = { code: '41040200001310000101', schoolId: 'S0001', kind: 'camera', name: '走廊新装摄像机', parentId: '41040200001180000001' };
    expect(auditSentence(entry('sip.assign', details, 'GB-41040200001310000101', 'admin-li'), names)).toEqual({
      zh: '李管理员 将 GB/T 28181 通道登记为学校设备（新华区第一小学 · “走廊新装摄像机” · 摄像机 · 编码 41040200001310000101）',
      en: '李管理员 registered a GB/T 28181 channel as a school device (新华区第一小学 · "走廊新装摄像机" · camera · code 41040200001310000101)',
    });
  });

  it('words account, record, hazard and export entries', () => {
    expect(auditSentence(entry('user.create', { role: 'school_user', schoolId: 'S0001', displayName: '周老师' }, 'user:zhou', 'admin-li'), names).zh)
      .toBe('李管理员 创建了账号（新华区第一小学 · 周老师（zhou） · 学校用户）');
    expect(auditSentence(entry('user.update', { changes: { disabled: { from: false, to: true }, role: { from: 'viewer', to: 'education_staff' } } }, 'user:zhou', 'admin-li'), names).zh)
      .toBe('李管理员 修改了账号（zhou · 修改：停用、角色 → 教体局值班人员）');
    expect(auditSentence(entry('record.edit', { changes: [{ field: 'guards' }, { field: 'students' }], note: null }, 'school:S0001', 'edu-zhao'), names).zh)
      .toBe('赵老师 修改了学校安防档案（新华区第一小学 · 2 项修改）');
    expect(auditSentence(entry('hazard.create', { schoolId: 'S0001', description: '消防通道堵塞' }, 'hazard:H-3', 'edu-zhao'), names).en)
      .toBe('赵老师 registered a hazard (新华区第一小学 · 消防通道堵塞 · hazard H-3)');
    expect(auditSentence(entry('routine.drills', { record: { date: '2026-12-04', scenario: '火灾疏散' } }, 'school:S0001', 'edu-zhao'), names).zh).toBe('赵老师 记录了应急演练（新华区第一小学 · 日期 2026-12-04 · 场景：火灾疏散）');
    expect(auditSentence(entry('export.audit_csv', { rows: 12 }, null, 'admin-li'), names).zh).toBe('李管理员 导出了审计日志（CSV）（12 条）');
  });

  it('keeps an action it does not know readable as its code and target, hiding nothing', () => {
    expect(auditSentence(entry('alarm.shelve', { displayName: '王警官' }, 'device:CAM-1'), names).zh).toBe('王警官 执行了 alarm.shelve（报警 device:CAM-1）');
  });
});
