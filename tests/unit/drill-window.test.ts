import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { scoreDrill } from '../../shared/rules/drill-score.js';
import { auditSentence } from '../../shared/audit-text.js';
import { makeDrill } from '../../mocks/factories/drill.js';
import { dispatchRefusal } from '../../shared/rules/dispatch-scope.js';
import { decideMove } from '../../shared/rules/alarm-lifecycle.js';
import { DEFAULT_DRILL_LENGTH_MINUTES, DEFAULT_DRILL_MARGIN_MINUTES, drillDeadline, overran, planRefusal, startRefusal } from '../../shared/rules/drill-window.js';

/** 2026-12-02 23:30 in Asia/Shanghai (15:30 UTC): late on the day, where UTC and Shanghai dates differ from 16:00 UTC. */
const LATE = Date.parse('2026-12-02T15:30:00Z');
const DAY = 86_400_000;

describe(startRefusal.name, () => {
  it('lets a drill start on its planned Shanghai day, whatever the hour', () => {
    expect(startRefusal({ plannedFor: '2026-12-01T16:00:00.000Z' }, LATE)).toBeNull(); // 12-02 00:00 Shanghai
    expect(startRefusal({ plannedFor: '2026-12-02T15:59:00.000Z' }, LATE)).toBeNull(); // 12-02 23:59 Shanghai
  });

  it('refuses a plan dated 30 days ago, in both languages, naming both days', () => {
    const refused = startRefusal({ plannedFor: new Date(LATE - 30 * DAY).toISOString() }, LATE);
    expect(refused).toEqual({
      error: 'this drill is planned for 2026-11-02 and today is 2026-12-02: a drill starts only on its planned day; re-plan it to run today',
      message: { zh: '演练计划于 2026-11-02，今天是 2026-12-02（计划日期已过）：演练只能在计划当天开始；如需今天进行，请先重新安排日期', en: expect.any(String) },
    });
  });

  it("refuses tomorrow's plan: the Shanghai day, not the UTC one, decides", () => {
    // 16:00 UTC on 12-02 is 00:00 on 12-03 in Shanghai.
    expect(startRefusal({ plannedFor: '2026-12-02T16:00:00.000Z' }, LATE)?.message.zh).toContain('计划日期未到');
  });
});

describe(planRefusal.name, () => {
  it('plans today (even an hour already gone) or later, never a past day', () => {
    expect(planRefusal('2026-12-02T01:00:00.000Z', LATE)).toBeNull();
    expect(planRefusal('2027-01-10T01:00:00+08:00', LATE)).toBeNull();
    expect(planRefusal('2026-12-01T15:59:00.000Z', LATE)?.error).toBe('the planned day 2026-12-01 is past (today is 2026-12-02): a drill is planned for today or later');
  });
});

describe(overran.name, () => {
  const started = makeDrill({ startedAt: '2026-12-02T01:00:00.000Z', lengthMinutes: 20 });
  const start = Date.parse(started.startedAt!);

  it('ends a running drill at its planned length plus the margin, not a moment before', () => {
    expect(drillDeadline(started, 10)).toBe(start + 30 * 60_000);
    expect(overran(started, 10, start + 30 * 60_000 - 1)).toBe(false);
    expect(overran(started, 10, start + 30 * 60_000)).toBe(true);
  });

  it('never ends a drill that is not running, or has not started', () => {
    expect(overran({ ...started, state: 'ended' }, 10, start + DAY)).toBe(false);
    expect(overran({ ...started, state: 'planned', startedAt: null }, 10, start + DAY)).toBe(false);
  });

  it('defaults to a lesson period and half an hour of margin', () => {
    expect(DEFAULT_DRILL_LENGTH_MINUTES).toBe(45);
    expect(DEFAULT_DRILL_MARGIN_MINUTES).toBe(30);
  });
});

describe('convert_real (转为真实警情)', () => {
  it('turns an open drill alarm real, keeping its state', () => {
    for (const state of ['new', 'acknowledged', 'dispatched', 'on_scene'] as const) {
      expect(decideMove({ state, drill: true, transitions: [] }, 'convert_real')).toEqual({ ok: true, to: state, implicitAck: false });
    }
  });

  it('refuses a real alarm and a closed drill alarm', () => {
    expect(decideMove({ state: 'new', drill: false, transitions: [] }, 'convert_real')).toMatchObject({ ok: false, error: 'this alarm is not a drill alarm: it is already real' });
    expect(decideMove({ state: 'cancelled', drill: true, transitions: [] }, 'convert_real')).toMatchObject({ ok: false, message: { zh: '无法转为真实警情：该报警已撤销' } });
  });
});

describe(dispatchRefusal.name, () => {
  const xinhua = { id: 'P001', name: '新华区中兴路警务室', districtCode: '410402' as const };

  it('lets a city operator send any unit, and a county operator their own', () => {
    expect(dispatchRefusal({ districtCode: null }, xinhua)).toBeNull();
    expect(dispatchRefusal({ districtCode: '410402' }, xinhua)).toBeNull();
  });

  it("refuses a county operator another county's unit, in both languages", () => {
    expect(dispatchRefusal({ districtCode: '410422' }, xinhua)).toEqual({
      error: 'unit P001 belongs to Xinhua, outside the units you may send (Ye County): ask the city command centre for a cross-district unit',
      message: { zh: '出警单位“新华区中兴路警务室”属于新华区，不在您的派警范围（叶县）内：跨区县调派警力请报市局指挥中心', en: expect.any(String) },
    });
  });

  it('leaves an unknown unit to the command (refused there as unknown)', () => {
    expect(dispatchRefusal({ districtCode: '410422' }, undefined)).toBeNull();
  });
});

describe('audit sentences of the drill limits', () => {
  const names = { person: (u: string) => (u === 'op-zhao' ? '赵警官' : null), school: (id: string) => (id === 'S0001' ? '平顶山市新华区第一小学' : null) };
  const entry = (action: string, details: Record<string, unknown>, actor = 'op-zhao', target = 'X-1') => ({ id: 1, at: '2026-12-02T01:00:00.000Z', actor, action, target, address: null, details });

  it('says each new action in both languages', () => {
    expect(auditSentence(entry('alarm.convert', { displayName: '赵警官', schoolId: 'S0001', type: 'sos', from: 'new', to: 'new' }), names)).toEqual({
      zh: '赵警官 将演练报警转为真实警情（平顶山市新华区第一小学 · 一键报警）',
      en: '赵警官 turned a drill alarm into a real alarm (平顶山市新华区第一小学 · SOS button)',
    });
    expect(auditSentence(entry('drill.auto_end', { schoolId: 'S0001', lengthMinutes: 45 }, 'system', 'DRL-1'), names).zh).toBe('system 在演练超过计划时长及宽限后自动结束了演练（平顶山市新华区第一小学 · 计划时长 45 分钟 · 演练 DRL-1）');
    expect(auditSentence(entry('drill.replan', { schoolId: 'S0001', plannedFor: '2026-12-02 09:10:00' }, 'op-zhao', 'DRL-2'), names).en).toBe('赵警官 re-planned a drill (平顶山市新华区第一小学 · to 2026-12-02 09:10:00 · drill DRL-2)');
  });
});

describe('the end at the time limit in the score card', () => {
  it("is the system's step, not the drill screen's", () => {
    const ended = makeDrill({ state: 'ended', endedAt: '2026-12-02T02:15:00.000Z', endedBy: 'system', endReason: 'time_limit' });
    const last = scoreDrill(ended, null, Date.parse('2026-12-02T03:00:00Z')).timeline.at(-1);
    expect(last).toMatchObject({ milestone: 'ended', actor: 'system', source: 'system' });
    const byHand = scoreDrill({ ...ended, endedBy: '李敏', endReason: 'operator' }, null, Date.parse('2026-12-02T03:00:00Z')).timeline.at(-1);
    expect(byHand).toMatchObject({ actor: '李敏', source: 'drill_screen' });
  });
});

describe('XIAOAN_DRILL_MARGIN_MINUTES', () => {
  it('defaults to 30 minutes, takes whole minutes, and refuses nonsense at start-up', () => {
    expect(loadConfig({}).drillMarginMinutes).toBe(30);
    expect(loadConfig({ XIAOAN_DRILL_MARGIN_MINUTES: '10' }).drillMarginMinutes).toBe(10);
    expect(() => loadConfig({ XIAOAN_DRILL_MARGIN_MINUTES: '-1' })).toThrow(/XIAOAN_DRILL_MARGIN_MINUTES/);
    expect(() => loadConfig({ XIAOAN_DRILL_MARGIN_MINUTES: 'soon' })).toThrow(/XIAOAN_DRILL_MARGIN_MINUTES/);
  });
});
