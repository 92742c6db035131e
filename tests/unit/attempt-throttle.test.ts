import { describe, expect, it } from 'vitest';
import { AttemptThrottle } from '../../server/auth/attempt-throttle.js';

const rule = { freeFailures: 3, firstDelaySeconds: 1, maxDelaySeconds: 60, forgetAfterSeconds: 3600 };

describe(AttemptThrottle.name, () => {
  it('lets the free failures through, then doubles the wait up to the maximum', () => {
    const sut = new AttemptThrottle(rule);
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => sut.delaySeconds(n))).toEqual([0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60]);
    expect(sut.delaySeconds(10_000)).toBe(60);
  });

  it('counts an attempt when it begins, so parallel attempts cannot all slip through', () => {
    const now = 1_000_000;
    const sut = new AttemptThrottle(rule);
    const allowed: boolean[] = [];
    for (let i = 0; i < 20; i++) {
      const ok = sut.wait('k', now) === 0;
      allowed.push(ok);
      if (ok) sut.begin('k', now);
    }
    // Three free, and the fourth (its delay starts only after it): then everything waits.
    expect(allowed.filter(Boolean)).toHaveLength(4);
    expect(sut.wait('k', now)).toBe(1);
    expect(sut.wait('other', now)).toBe(0);
  });

  it('says how long is left, clears on success, refunds one, and forgets a quiet key', () => {
    let now = 5_000_000;
    const sut = new AttemptThrottle(rule);
    for (let i = 0; i < 6; i++) {
      now += 60_000;
      sut.begin('k', now);
    }
    const last = now;
    expect(sut.wait('k', now)).toBe(4); // six failures, three free: 1, 2, 4
    now += 2_500;
    expect(sut.wait('k', now)).toBe(2);
    now += 1_500;
    expect(sut.wait('k', now)).toBe(0);
    sut.refund('k'); // five failures: 2 s after the last attempt
    expect(sut.wait('k', last + 500)).toBe(2);
    sut.clear('k');
    expect(sut.wait('k', now)).toBe(0);

    for (let i = 0; i < 10; i++) sut.begin('q', now);
    expect(sut.wait('q', now)).toBeGreaterThan(0);
    now += 3600_000;
    expect(sut.wait('q', now)).toBe(0);
  });

  it('clears every key of an account by prefix', () => {
    const now = 1;
    const sut = new AttemptThrottle(rule);
    for (let i = 0; i < 5; i++) {
      sut.begin('li\n10.0.0.1', now);
      sut.begin('li\n10.0.0.2', now);
      sut.begin('lin\n10.0.0.1', now);
    }
    sut.clearPrefix('li\n');
    expect(sut.wait('li\n10.0.0.1', now)).toBe(0);
    expect(sut.wait('li\n10.0.0.2', now)).toBe(0);
    expect(sut.wait('lin\n10.0.0.1', now)).toBeGreaterThan(0);
  });
});
