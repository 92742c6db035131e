// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope, nextTick } from 'vue';
import { SIP_REFRESH_MS, useSipOverview } from '../../client/composables/useSipOverview.js';
import type { SipOverview } from '../../shared/sip.js';

const OFF: SipOverview = { enabled: false, platform: null, registrations: [], unassigned: [], counters: {
  messages: 0, registrations: 0, keepalives: 0, alarms: 0, catalogs: 0, authFailures: 0, malformed: 0, oversized: 0, badXml: 0, unknownMethods: 0, flooded: 0,
}, node: null };
const json = (status: number, body: unknown): Response => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await nextTick();
  await vi.advanceTimersByTimeAsync(0);
};

function setHidden(hidden: boolean): void {
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
  document.dispatchEvent(new Event('visibilitychange'));
}

describe(useSipOverview.name, () => {
  beforeEach(() => {
    vi.useFakeTimers();
    setHidden(false);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('reads GET /admin/sip at once and every 10 s, nothing while the page is hidden, and again on its return, keeping the last reading meanwhile', async () => {
    const urls: string[] = [];
    vi.stubGlobal('fetch', vi.fn(async (url: string) => {
      urls.push(url);
      return json(200, { ...OFF, counters: { ...OFF.counters, messages: urls.length } });
    }));
    const scope = effectScope();
    const sut = scope.run(() => useSipOverview())!;
    await settle();
    expect(urls).toEqual(['/api/v1/admin/sip']);
    expect(sut.reading.value?.overview.counters.messages).toBe(1);

    await vi.advanceTimersByTimeAsync(SIP_REFRESH_MS);
    expect(urls).toHaveLength(2);

    setHidden(true);
    await settle();
    await vi.advanceTimersByTimeAsync(5 * SIP_REFRESH_MS);
    expect(urls).toHaveLength(2);
    expect(sut.reading.value?.overview.counters.messages).toBe(2);

    setHidden(false);
    await settle();
    expect(urls).toHaveLength(3);
    scope.stop();
    await vi.advanceTimersByTimeAsync(5 * SIP_REFRESH_MS);
    expect(urls).toHaveLength(3);
  });

  it('keeps the last reading when a read fails, and holds the failure until the next good one', async () => {
    let fail = false;
    vi.stubGlobal('fetch', vi.fn(async () => (fail ? json(503, { error: 'down' }) : json(200, OFF))));
    const scope = effectScope();
    const sut = scope.run(() => useSipOverview())!;
    await settle();
    fail = true;
    await vi.advanceTimersByTimeAsync(SIP_REFRESH_MS);
    await settle();
    expect(sut.reading.value?.overview.enabled).toBe(false);
    expect(sut.error.value).toBeInstanceOf(Error);
    fail = false;
    await vi.advanceTimersByTimeAsync(SIP_REFRESH_MS);
    await settle();
    expect(sut.error.value).toBeNull();
    scope.stop();
  });
});
