import { describe, expect, it } from 'vitest';
import { auditSentence } from '../../shared/audit-text.js';
import { actionOf, alarmCommandSchemas, auditActionOf, commandFor, type AlarmRequest } from '../../shared/commands.js';
import { ALARM_ACTIONS, type AlarmAction } from '../../shared/rules/alarm-lifecycle.js';

/** One request per action, with what that action needs. */
const REQUESTS: Record<AlarmAction, AlarmRequest> = {
  ack: { action: 'ack' },
  dispatch: { action: 'dispatch', unitId: 'P001' },
  arrive: { action: 'arrive' },
  resolve: { action: 'resolve', disposition: 'no_threat_found', note: '  学生误触  ' },
  false_alarm: { action: 'false_alarm', note: '测试' },
  cancel: { action: 'cancel', note: '重复报警' },
  handoff_sent: { action: 'handoff_sent' },
  handoff_acked: { action: 'handoff_acked' },
  convert_real: { action: 'convert_real' },
};

describe(commandFor.name, () => {
  it.each(ALARM_ACTIONS.map((action) => [action]))('sends %s as a command the server reads back as the same action, with a payload its schema takes', (action) => {
    const sut = commandFor('A-1', REQUESTS[action]);
    const parsed = alarmCommandSchemas[sut.event].safeParse(sut.payload);
    expect(parsed.success).toBe(true);
    expect(actionOf(sut.event, sut.payload.step)).toBe(action);
  });

  it('writes the payloads the console always sent: only what the action needs, a note trimmed, a blank note left out', () => {
    expect(commandFor('A-1', { action: 'ack' })).toEqual({ event: 'alarm:ack', payload: { id: 'A-1' } });
    expect(commandFor('A-1', { action: 'handoff_acked' })).toEqual({ event: 'alarm:handoff', payload: { id: 'A-1', step: 'acked' } });
    expect(commandFor('A-1', { action: 'false_alarm', note: '测试' })).toEqual({ event: 'alarm:false', payload: { id: 'A-1', note: '测试' } });
    expect(commandFor('A-1', REQUESTS.resolve)).toEqual({ event: 'alarm:resolve', payload: { id: 'A-1', disposition: 'no_threat_found', note: '学生误触' } });
    expect(commandFor('A-1', { action: 'resolve', disposition: 'other', note: '   ' }).payload).toEqual({ id: 'A-1', disposition: 'other' });
  });
});

describe(auditActionOf.name, () => {
  it('names each action on the audit log after its event, and the audit log can say every one of them in words', () => {
    expect(auditActionOf('false_alarm')).toBe('alarm.false');
    expect(auditActionOf('handoff_acked')).toBe('alarm.handoff');
    expect(auditActionOf('convert_real')).toBe('alarm.convert');
    const names = { person: () => null, school: () => null };
    for (const action of ALARM_ACTIONS) {
      const sentence = auditSentence({ id: 1, at: '2026-12-03T23:41:03.000Z', actor: 'op', action: auditActionOf(action), target: 'A-1', address: null, details: { displayName: '王警官' } }, names);
      expect(sentence.zh).not.toContain('执行了');
    }
  });
});
