import { describe, expect, it } from 'vitest';
import type { AlarmState, AlarmTransition } from '../../shared/domain/index.js';
import { ALARM_ACTIONS, decideMove, decideSystemMove, type AlarmAction } from '../../shared/rules/alarm-lifecycle.js';

const alarm = (state: AlarmState, drill = false, transitions: AlarmTransition[] = []) => ({ state, drill, transitions });

describe(decideMove.name, () => {
  it.each<[AlarmState, AlarmAction, AlarmState]>([
    ['new', 'ack', 'acknowledged'],
    ['acknowledged', 'dispatch', 'dispatched'],
    ['dispatched', 'dispatch', 'dispatched'],
    ['dispatched', 'arrive', 'on_scene'],
    ['on_scene', 'resolve', 'resolved'],
    ['acknowledged', 'resolve', 'resolved'],
    ['new', 'false_alarm', 'false_alarm'],
    ['on_scene', 'cancel', 'cancelled'],
    ['dispatched', 'handoff_sent', 'dispatched'],
  ])('moves %s by %s to %s', (from, action, to) => {
    expect(decideMove(alarm(from), action)).toMatchObject({ ok: true, to });
  });

  it('acknowledges implicitly when a new alarm is dispatched', () => {
    expect(decideMove(alarm('new'), 'dispatch')).toEqual({ ok: true, to: 'dispatched', implicitAck: true });
    expect(decideMove(alarm('acknowledged'), 'dispatch')).toEqual({ ok: true, to: 'dispatched', implicitAck: false });
  });

  it.each<[AlarmState, AlarmAction, RegExp, string]>([
    ['acknowledged', 'ack', /cannot ack this alarm: it is acknowledged/, '无法确认：该报警已确认'],
    ['new', 'resolve', /cannot resolve this alarm: it is new/, '无法处置完毕：该报警待确认'],
    ['new', 'arrive', /cannot arrive/, '无法标记到场：该报警待确认'],
    ['resolved', 'ack', /already resolved/, '无法确认：该报警已处置'],
    ['false_alarm', 'resolve', /already closed as a false alarm/, '无法处置完毕：该报警已按误报关闭'],
    ['cancelled', 'dispatch', /already cancelled/, '无法派警：该报警已撤销'],
  ])('refuses on a %s alarm the action %s, saying why in English and Chinese', (from, action, message, chinese) => {
    const decision = decideMove(alarm(from), action);
    expect(decision.ok).toBe(false);
    if (!decision.ok) expect(decision).toMatchObject({ error: expect.stringMatching(message), message: { zh: chinese, en: decision.error } });
  });

  it('never hands a drill to 110', () => {
    expect(decideMove(alarm('new', true), 'handoff_sent')).toEqual({ ok: false, error: 'a drill alarm is never handed to 110', message: { zh: '演练报警不移交110', en: 'a drill alarm is never handed to 110' } });
  });

  it('records the 110 hand-off in order: sent once, then acknowledged', () => {
    const sent: AlarmTransition = { action: 'handoff_sent', from: 'new', to: 'new', actor: '张三', at: '', note: null };
    expect(decideMove(alarm('new'), 'handoff_acked')).toMatchObject({ ok: false, error: /not been sent/ });
    expect(decideMove(alarm('new', false, [sent]), 'handoff_acked')).toMatchObject({ ok: true, to: 'new' });
    expect(decideMove(alarm('new', false, [sent]), 'handoff_sent')).toMatchObject({ ok: false, error: /already sent/ });
  });
});

describe(decideSystemMove.name, () => {
  it.each<AlarmState>(['new', 'acknowledged', 'dispatched', 'on_scene'])('closes an open alarm (%s) whose cause cleared as resolved', (from) => {
    expect(decideSystemMove({ state: from }, 'auto_resolve')).toEqual({ ok: true, to: 'resolved', implicitAck: false });
  });

  it.each<AlarmState>(['resolved', 'false_alarm', 'cancelled'])('leaves a closed alarm (%s) alone', (from) => {
    expect(decideSystemMove({ state: from }, 'auto_resolve')).toMatchObject({ ok: false, error: /already/ });
  });

  it('is no action a person can send', () => {
    expect(ALARM_ACTIONS).not.toContain('auto_resolve');
  });
});
