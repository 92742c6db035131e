// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SessionUser } from '../../shared/auth.js';
import type { Alarm } from '../../shared/domain/index.js';

vi.mock('../../client/socket.js', async () => (await import('./helpers/wall-socket.js')).fakeSocketModule());

const { useResponderStore } = await import('../../client/stores/responder.js');
const { useSessionStore } = await import('../../client/stores/session.js');
const { useConnectionStore } = await import('../../client/stores/connection.js');

const responder: SessionUser = { id: 9, username: 'unit-p1', displayName: '民警甲', role: 'responder', districtCode: '410402', schoolId: null, unitId: 'P1' };
const school = { id: 'S0001', name: '新华区第一小学', address: '建设路 1 号', lat: 33.737, lng: 113.299, districtCode: '410402' };
const alarm: Alarm = {
  id: 'A1', type: 'sos', priority: 1, state: 'dispatched', schoolId: 'S0001', deviceId: 'SOS-1', districtCode: '410402',
  openedAt: '2026-12-07T02:00:00.000Z', receivedAt: '2026-12-07T02:00:00.000Z', updatedAt: '2026-12-07T02:01:00.000Z',
  count: 1, lastSeenAt: '2026-12-07T02:00:00.000Z', drill: false, unitId: 'P1', disposition: null,
  transitions: [{ action: 'dispatch', unitId: 'P1', from: 'new', to: 'dispatched', actor: 'police', at: '2026-12-07T02:01:00.000Z', note: null }],
};

/** What the fake server answers to a step: 'network' throws like a dropped connection. */
let stepAnswers: ('ok' | 409 | 503 | 'network')[] = [];
const stepsReceived: { alarmId: string; body: { action: string; at: string; requestId: string } }[] = [];

describe('the responder store’s step queue', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    localStorage.clear();
    stepAnswers = [];
    stepsReceived.length = 0;
    useSessionStore().adopt(responder);
    vi.stubGlobal('fetch', vi.fn(async (url: string, init?: RequestInit) => {
      if (url === '/api/v1/responder/alarms') return new Response(JSON.stringify({ unit: { id: 'P1', name: '建设路警务室', kind: 'room', lat: 33.74, lng: 113.3 }, alarms: [{ alarm, school }] }));
      const step = /^\/api\/v1\/responder\/alarms\/([^/]+)\/steps$/.exec(url);
      if (step && init?.method === 'POST') {
        const answer = stepAnswers.shift() ?? 'ok';
        if (answer === 'network') throw new TypeError('Failed to fetch');
        const body = JSON.parse(String(init.body)) as { action: string; at: string; requestId: string };
        if (answer !== 'ok') return new Response(JSON.stringify({ error: 'the alarm was closed', message: { zh: '报警已关闭', en: 'the alarm was closed' } }), { status: answer });
        stepsReceived.push({ alarmId: step[1] ?? '', body });
        const transitions = [...alarm.transitions, { action: body.action, from: 'dispatched' as const, to: 'dispatched' as const, actor: 'unit-p1', at: body.at, note: null, field: { unitId: 'P1', requestId: body.requestId, recordedAt: body.at } }];
        return new Response(JSON.stringify({ alarm: { ...alarm, updatedAt: '2026-12-07T02:02:00.000Z', transitions } }));
      }
      return new Response('{}', { status: 404 });
    }));
  });
  afterEach(() => {
    useResponderStore().stop();
    useConnectionStore().stop();
    vi.unstubAllGlobals();
  });

  it('sends a step at once and shows the alarm as the server answered it', async () => {
    const sut = useResponderStore();
    sut.start();
    await vi.waitFor(() => expect(sut.alarms).toHaveLength(1));
    expect(sut.take('A1', { action: 'accept' })).toBe('queued');
    await vi.waitFor(() => expect(sut.queue).toHaveLength(0));
    expect(stepsReceived.map((step) => step.body.action)).toEqual(['accept']);
    expect(sut.alarms[0]?.alarm.transitions.at(-1)?.field?.unitId).toBe('P1');
    expect(localStorage.getItem('xiaoan.responder.queue.unit-p1')).toBeNull();
  });

  it('keeps steps on the phone while the network fails, across a reload, and sends them in order with their own times', async () => {
    const sut = useResponderStore();
    sut.start();
    await vi.waitFor(() => expect(sut.loadState).toBe('ready'));
    stepAnswers = ['network', 'network'];
    sut.take('A1', { action: 'accept' }, '2026-12-07T02:02:00.000Z');
    await vi.waitFor(() => expect(sut.sending).toBe(false));
    sut.take('A1', { action: 'arrive' }, '2026-12-07T02:05:00.000Z');
    await vi.waitFor(() => expect(sut.sending).toBe(false));
    expect(sut.queue.map((entry) => entry.step.action)).toEqual(['accept', 'arrive']);
    expect(stepsReceived).toHaveLength(0);

    // The page is closed and opened again (a new store): the queue comes back from storage and goes.
    sut.stop();
    setActivePinia(createPinia());
    useSessionStore().adopt(responder);
    const reopened = useResponderStore();
    reopened.start();
    await vi.waitFor(() => expect(reopened.queue).toHaveLength(0));
    expect(stepsReceived.map((step) => [step.body.action, step.body.at])).toEqual([
      ['accept', '2026-12-07T02:02:00.000Z'],
      ['arrive', '2026-12-07T02:05:00.000Z'],
    ]);
  });

  it('drops a refused step with the server’s reason, and keeps one the server could not take now (503)', async () => {
    const sut = useResponderStore();
    sut.start();
    await vi.waitFor(() => expect(sut.loadState).toBe('ready'));
    stepAnswers = [409];
    sut.take('A1', { action: 'accept' });
    await vi.waitFor(() => expect(sut.refusals).toHaveLength(1));
    expect(sut.refusals[0]?.words.message?.zh).toBe('报警已关闭');
    expect(sut.queue).toHaveLength(0);

    stepAnswers = [503];
    sut.take('A1', { action: 'arrive' });
    await vi.waitFor(() => expect(sut.sending).toBe(false));
    expect(sut.queue.map((entry) => entry.step.action)).toEqual(['arrive']);
    expect(JSON.parse(localStorage.getItem('xiaoan.responder.queue.unit-p1') ?? '[]')).toHaveLength(1);
  });
});
