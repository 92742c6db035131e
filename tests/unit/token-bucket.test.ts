import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../server/services/token-bucket.js';

describe(TokenBucket.name, () => {
  it('allows a burst, then the steady rate, and never more than the burst after a quiet spell', () => {
    let now = 1_000_000;
    const sut = new TokenBucket(5, 2, now);
    const burst = Array.from({ length: 8 }, () => sut.take(now));
    expect(burst).toEqual([true, true, true, true, true, false, false, false]);
    now += 499;
    expect(sut.take(now)).toBe(false);
    now += 1; // half a second at 2 per second: one token
    expect(sut.take(now)).toBe(true);
    expect(sut.take(now)).toBe(false);
    now += 3_600_000;
    expect(Array.from({ length: 7 }, () => sut.take(now)).filter(Boolean)).toHaveLength(5);
  });

  it('does not refill when the clock goes backwards', () => {
    let now = 10_000;
    const sut = new TokenBucket(1, 1, now);
    expect(sut.take(now)).toBe(true);
    now -= 5_000;
    expect(sut.take(now)).toBe(false);
    now += 5_000;
    expect(sut.take(now)).toBe(false);
    now += 1_000;
    expect(sut.take(now)).toBe(true);
  });
});
