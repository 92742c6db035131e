import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope, nextTick, ref } from 'vue';
import { useSchoolPoll } from '../../client/composables/useSchoolPoll.js';

/** A read the test answers by hand: each call waits until the test resolves or rejects it. */
function manualRead() {
  const calls: { id: string; signal: AbortSignal; resolve: (v: string) => void; reject: (e: Error) => void }[] = [];
  const read = (id: string, signal: AbortSignal) =>
    new Promise<string>((resolve, reject) => {
      calls.push({ id, signal, resolve, reject });
    });
  return { calls, read };
}

const settle = async () => {
  for (let i = 0; i < 3; i++) await nextTick();
};

describe(useSchoolPoll.name, () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("reads the school at once and on every refresh, and never lets the previous school's answer land on the next", async () => {
    const schoolId = ref<string | null>('S1');
    const { calls, read } = manualRead();
    const scope = effectScope();
    const poll = scope.run(() => useSchoolPoll(schoolId, 1_000, read))!;
    expect(calls.map((c) => c.id)).toEqual(['S1']);

    schoolId.value = 'S2';
    await settle();
    expect(calls[0]!.signal.aborted).toBe(true);
    calls[0]!.resolve('answer for S1');
    calls[1]!.resolve('answer for S2');
    await settle();
    expect(poll.data.value).toBe('answer for S2');

    vi.advanceTimersByTime(1_000);
    expect(calls.map((c) => c.id)).toEqual(['S1', 'S2', 'S2']);
    scope.stop();
    vi.advanceTimersByTime(5_000);
    expect(calls).toHaveLength(3);
  });

  it('keeps the last answer when a refresh fails, says so, and clears the flag on the next good one', async () => {
    const { calls, read } = manualRead();
    const scope = effectScope();
    const poll = scope.run(() => useSchoolPoll(ref<string | null>('S1'), 1_000, read))!;
    calls[0]!.resolve('first');
    await settle();
    vi.advanceTimersByTime(1_000);
    calls[1]!.reject(new Error('network'));
    await settle();
    expect(poll.data.value).toBe('first');
    expect(poll.failed.value).toBe(true);
    vi.advanceTimersByTime(1_000);
    calls[2]!.resolve('third');
    await settle();
    expect(poll.data.value).toBe('third');
    expect(poll.failed.value).toBe(false);
    scope.stop();
  });
});
