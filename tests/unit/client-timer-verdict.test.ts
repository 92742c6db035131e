// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import { en } from '../../client/i18n/en.js';
import { zhCN } from '../../client/i18n/zh-CN.js';
import { responseTimers } from '../../client/response-timers.js';
import { timerVerdict } from '../../client/timer-verdict.js';
import { makeAlarm } from './helpers/alarm.js';

const RECEIVED = '2025-03-02T08:00:00.000Z';
const at = (seconds: number): number => Date.parse(RECEIVED) + seconds * 1000;
const iso = (seconds: number): string => new Date(at(seconds)).toISOString();

const i18n = createI18n({ legacy: false, locale: 'zh-CN', fallbackLocale: 'zh-CN', messages: { 'zh-CN': zhCN, en } });
const t = (locale: 'zh-CN' | 'en') => (key: string, values?: Record<string, unknown>) => i18n.global.t(key, values ?? {}, { locale });

const raised = { action: 'raise', from: null, to: 'new' as const, actor: 'device:SOS-S0001-1', at: iso(0), note: null };
const acknowledgedAfter = (seconds: number) =>
  makeAlarm({ id: 'A1', state: 'acknowledged', transitions: [raised, { action: 'ack', from: 'new', to: 'acknowledged', actor: '张伟', at: iso(seconds), note: null }] });

describe(timerVerdict.name, () => {
  it('says 超时 with the overrun for a late acknowledgement (5:21 against 1:00), never 达成', () => {
    const timer = responseTimers(acknowledgedAfter(321), at(4000)).acknowledge!;
    expect(timerVerdict(timer, t('zh-CN'))).toEqual({ kind: 'late', text: '超时 +4:21' });
    expect(timerVerdict(timer, t('en'))).toEqual({ kind: 'late', text: 'late +4:21' });
  });

  it('says 达成 for a step met in time, the limit itself included', () => {
    expect(timerVerdict(responseTimers(acknowledgedAfter(42), at(4000)).acknowledge!, t('zh-CN'))).toEqual({ kind: 'met', text: '达成' });
    expect(timerVerdict(responseTimers(acknowledgedAfter(60), at(4000)).acknowledge!, t('en'))).toEqual({ kind: 'met', text: 'met' });
    expect(timerVerdict(responseTimers(acknowledgedAfter(61), at(4000)).acknowledge!, t('zh-CN'))).toEqual({ kind: 'late', text: '超时 +0:01' });
  });

  it('shows the limit while a clock runs in time and 超时 +m:ss once it runs past it (P1 at 59/60/61 s)', () => {
    const alarm = makeAlarm({ id: 'A1', transitions: [raised] });
    expect(timerVerdict(responseTimers(alarm, at(59)).acknowledge!, t('zh-CN'))).toEqual({ kind: 'target', text: '限 1:00' });
    expect(timerVerdict(responseTimers(alarm, at(60)).acknowledge!, t('zh-CN'))).toEqual({ kind: 'target', text: '限 1:00' });
    expect(timerVerdict(responseTimers(alarm, at(61)).acknowledge!, t('zh-CN'))).toEqual({ kind: 'late', text: '超时 +0:01' });
    expect(timerVerdict(responseTimers(alarm, at(61)).acknowledge!, t('en'))).toEqual({ kind: 'late', text: 'late +0:01' });
  });

  it('holds a P3 to its own 10 minutes: 限 10:00 at 5 minutes, 超时 +2:00 at 12', () => {
    const p3 = makeAlarm({ id: 'P3', type: 'post_absent', priority: 3, transitions: [raised] });
    expect(timerVerdict(responseTimers(p3, at(300)).acknowledge!, t('zh-CN')).text).toBe('限 10:00');
    expect(timerVerdict(responseTimers(p3, at(720)).acknowledge!, t('zh-CN')).text).toBe('超时 +2:00');
  });

  it('says 未达成 for a timer stopped by a close without the step, and reads a drill milestone the same way', () => {
    expect(timerVerdict({ phase: 'stopped', elapsedSeconds: 30, targetSeconds: 60 }, t('zh-CN'))).toEqual({ kind: 'missed', text: '未达成' });
    expect(timerVerdict({ phase: 'waiting', elapsedSeconds: null, targetSeconds: 120 }, t('zh-CN'))).toEqual({ kind: 'target', text: '限 2:00' });
    expect(timerVerdict({ phase: 'met', elapsedSeconds: 150, targetSeconds: 120 }, t('zh-CN'))).toEqual({ kind: 'late', text: '超时 +0:30' });
  });
});
