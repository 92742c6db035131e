import { describe, expect, it } from 'vitest';
import type { Alarm } from '../../shared/domain/index.js';
import { enqueue, flushQueue, isWaiting, newRequestId, outcomeKind, parseQueue, QUEUE_LIMIT, serializeQueue, type QueuedStep, type SendOutcome } from '../../client/responder-queue.js';

const ID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const accept = (alarmId: string, n: number, at = '2026-12-07T02:00:00.000Z'): QueuedStep => ({ alarmId, step: { action: 'accept', requestId: ID(n), at } });
const arrive = (alarmId: string, n: number, at = '2026-12-07T02:04:00.000Z'): QueuedStep => ({
  alarmId,
  step: { action: 'arrive', requestId: ID(n), at, position: { lat: 33.7, lng: 113.2, accuracyM: 12 } },
});
const alarm = { id: 'A1' } as Alarm;

describe('responder queue', () => {
  it('keeps steps in the order taken, with their own times and ids, across a round trip through storage', () => {
    let queue: QueuedStep[] = [];
    for (const entry of [accept('A1', 1), arrive('A1', 2), accept('A2', 3)]) {
      const result = enqueue(queue, entry);
      if (!result.ok) throw new Error('refused');
      queue = result.queue;
    }
    const sut = parseQueue(serializeQueue(queue));
    expect(sut.map((entry) => [entry.alarmId, entry.step.action, entry.step.requestId, entry.step.at])).toEqual([
      ['A1', 'accept', ID(1), '2026-12-07T02:00:00.000Z'],
      ['A1', 'arrive', ID(2), '2026-12-07T02:04:00.000Z'],
      ['A2', 'accept', ID(3), '2026-12-07T02:00:00.000Z'],
    ]);
    expect(isWaiting(sut, 'A1', 'arrive')).toBe(true);
    expect(isWaiting(sut, 'A2', 'arrive')).toBe(false);
  });

  it('reads nothing from unreadable storage and leaves out entries that are not steps', () => {
    expect(parseQueue(null)).toEqual([]);
    expect(parseQueue('{not json')).toEqual([]);
    expect(parseQueue('{"alarmId":"A1"}')).toEqual([]);
    const mixed = JSON.stringify([accept('A1', 1), { alarmId: 'A1', step: { action: 'fly', requestId: ID(2), at: 'x' } }, { alarmId: '', step: accept('A1', 3).step }]);
    expect(parseQueue(mixed).map((entry) => entry.step.requestId)).toEqual([ID(1)]);
  });

  it('is bounded: a full queue refuses a new step and pushes nothing out', () => {
    const full = Array.from({ length: QUEUE_LIMIT }, (_, index) => accept(`A${index}`, index));
    expect(enqueue(full, accept('B', 99))).toEqual({ ok: false, reason: 'full' });
    expect(parseQueue(serializeQueue([...full, accept('B', 99)]))).toHaveLength(QUEUE_LIMIT);
  });

  it('sends in order, drops sent and refused steps, and stops at the first that must wait', async () => {
    const queue = [accept('A1', 1), arrive('A1', 2), accept('A2', 3), arrive('A2', 4)];
    const answers: SendOutcome[] = [
      { kind: 'sent', alarm },
      { kind: 'refused', status: 409, error: 'the alarm was closed', message: { zh: '报警已关闭', en: 'the alarm was closed' } },
      { kind: 'later' },
    ];
    const tried: string[] = [];
    const sut = await flushQueue(queue, async (entry) => {
      tried.push(entry.step.requestId);
      return answers.shift() ?? { kind: 'sent', alarm };
    });
    expect(tried).toEqual([ID(1), ID(2), ID(3)]); // never the fourth while the third waits
    expect(sut.reports.map((report) => report.outcome.kind)).toEqual(['sent', 'refused']);
    expect(sut.remaining.map((entry) => entry.step.requestId)).toEqual([ID(3), ID(4)]);
  });

  it('reads a status as final (refused) or worth another try (later)', () => {
    expect(outcomeKind(200)).toBe('sent');
    for (const status of [400, 403, 404, 409, 413, 415]) expect(outcomeKind(status)).toBe('refused');
    for (const status of [0, 401, 429, 500, 502, 503]) expect(outcomeKind(status)).toBe('later');
  });

  it('makes version-4 request ids the step schema accepts, without crypto.randomUUID', () => {
    const sut = newRequestId((bytes) => bytes.fill(0xff));
    expect(sut).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    expect(newRequestId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newRequestId()).not.toBe(newRequestId());
  });
});
