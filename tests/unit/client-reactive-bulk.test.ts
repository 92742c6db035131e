// @vitest-environment happy-dom
import { computed, effect, shallowReactive } from 'vue';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { afterFrame, nextTask, replaceEntries } from '../../client/reactive-bulk.js';

describe(replaceEntries.name, () => {
  it('tells a reader of a key the map did not hold, a reader of its size and an iterating reader, from an empty map', () => {
    const map = shallowReactive(new Map<string, number>());
    const one = computed(() => map.get('a') ?? null);
    const size = computed(() => map.size);
    const sum = computed(() => [...map.values()].reduce((a, b) => a + b, 0));
    expect([one.value, size.value, sum.value]).toEqual([null, 0, 0]);

    replaceEntries(map, [['a', 1], ['b', 2]]);

    expect([one.value, size.value, sum.value]).toEqual([1, 2, 3]);
    expect([...map.keys()]).toEqual(['a', 'b']);
  });

  it('replaces what the map held, and re-runs an effect that read one key once, not once per entry', () => {
    const map = shallowReactive(new Map<string, number>([['a', 1], ['gone', 9]]));
    let runs = 0;
    let seen: number | undefined;
    effect(() => {
      runs += 1;
      seen = map.get('a');
    });
    const entries = Array.from({ length: 1000 }, (_, i) => [`k${i}`, i] as const);

    replaceEntries(map, [['a', 5], ...entries]);

    expect(seen).toBe(5);
    expect(runs).toBe(2);
    expect(map.has('gone')).toBe(false);
    expect(map.size).toBe(1001);
  });

  it('refuses a map that is not reactive: nobody would be told', () => {
    expect(() => replaceEntries(new Map(), [])).toThrow(/not reactive/);
  });
});

describe(nextTask.name, () => {
  it('resumes after the tasks already queued, not in the same turn', async () => {
    const order: string[] = [];
    setTimeout(() => order.push('queued task'), 0);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const waiting = nextTask().then(() => order.push('after nextTask'));
    void Promise.resolve().then(() => order.push('microtask'));
    await waiting;
    expect(order).toEqual(['queued task', 'microtask', 'after nextTask']);
  });
});

describe(afterFrame.name, () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs once, in a task after the next frame, or after 100 ms when no frame comes (a hidden tab)', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame', 'cancelAnimationFrame', 'performance'] });
    const ran: string[] = [];
    afterFrame(() => ran.push('framed'));
    // Not before the frame; then in a task of its own after it (the frame is 16 ms away with fake timers).
    vi.advanceTimersByTime(15);
    expect(ran).toEqual([]);
    vi.advanceTimersByTime(2);
    expect(ran).toEqual(['framed']);
    // The fallback that would have fired at 100 ms does not run it again.
    vi.advanceTimersByTime(200);
    expect(ran).toEqual(['framed']);

    const stalled = vi.spyOn(globalThis, 'requestAnimationFrame').mockImplementation(() => 0);
    afterFrame(() => ran.push('unframed'));
    vi.advanceTimersByTime(99);
    expect(ran).toEqual(['framed']);
    vi.advanceTimersByTime(2);
    expect(ran).toEqual(['framed', 'unframed']);
    stalled.mockRestore();
  });
});
