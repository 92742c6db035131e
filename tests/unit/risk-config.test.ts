import { describe, expect, it } from 'vitest';
import type { AuditEntryView } from '../../shared/admin.js';
import { auditSentence } from '../../shared/audit-text.js';
import { DEFAULT_RISK_MODEL } from '../../shared/rules/risk.js';
import { loadConfig } from '../../server/config.js';

const config = (model?: string) => loadConfig({ XIAOAN_DATA_DIR: '/tmp/x', ...(model !== undefined ? { XIAOAN_RISK_MODEL: model } : {}) });

describe('XIAOAN_RISK_MODEL', () => {
  it('is the default model when unset', () => {
    expect(config().riskModel).toEqual(DEFAULT_RISK_MODEL);
  });

  it('merges the parts given over the default, leaving the rest', () => {
    const model = config('{"levels":{"red":60},"alarmPoints":{"sos":25},"windowDays":7}').riskModel;
    expect(model.levels).toEqual({ ...DEFAULT_RISK_MODEL.levels, red: 60 });
    expect(model.alarmPoints).toEqual({ ...DEFAULT_RISK_MODEL.alarmPoints, sos: 25 });
    expect(model.windowDays).toBe(7);
    expect(model.caps).toEqual(DEFAULT_RISK_MODEL.caps);
  });

  it('refuses nonsense with a message naming the variable and the key', () => {
    expect(() => config('{levels')).toThrow('Invalid configuration: XIAOAN_RISK_MODEL: is not JSON');
    expect(() => config('{"levels":{"red":-1}}')).toThrow(/XIAOAN_RISK_MODEL: levels\.red/);
    expect(() => config('{"weights":{}}')).toThrow(/XIAOAN_RISK_MODEL/);
    expect(() => config('{"caps":{"nonsense":3}}')).toThrow(/XIAOAN_RISK_MODEL: caps/);
    expect(() => config('{"levels":{"orange":10}}')).toThrow('levels must rise yellow < orange < red (now 15 / 10 / 50)');
    expect(() => config('{"windowDays":0}')).toThrow(/windowDays/);
  });
});

describe('the audit sentence of a change of level', () => {
  it('says the school, the levels, the score and how many factors changed, in both languages', () => {
    const entry: AuditEntryView = {
      id: 1, at: '2026-11-30T02:00:00.000Z', actor: 'system', action: 'risk.level', target: 'school:S0001', address: null,
      details: { schoolId: 'S0001', from: 'yellow', to: 'red', score: 52, previousScore: 22, changed: [{ factor: 'alarms' }, { factor: 'camera_downtime' }] },
    };
    const names = { person: () => null, school: (id: string) => (id === 'S0001' ? '新华区第一小学' : null) };
    expect(auditSentence(entry, names)).toEqual({
      zh: 'system 研判学校风险等级发生变化（新华区第一小学 · 黄色 → 红色 · 52 分 · 2 项因素变化）',
      en: "system found a school's risk level changed (新华区第一小学 · yellow → red · score 52 · 2 factors changed)",
    });
  });
});
