import { describe, expect, it } from 'vitest';
import { requiredGuards } from '../../shared/rules/guards.js';

describe(requiredGuards.name, () => {
  it.each([
    [30, 1],
    [99, 1],
    [100, 2],
    [1000, 2],
    [1001, 2],
    [1499, 2],
    [1500, 3],
    [2000, 4],
    [4000, 8],
  ])('asks %i people for %i guards (附件1)', (people, expected) => {
    const sut = requiredGuards({ people, boarding: false, boarders: 0 });
    expect(sut.value).toBe(expected);
    expect(sut.reason.zh).toContain(String(people));
  });

  it.each([
    [80, 0, 2],
    [800, 299, 2],
    [800, 300, 3],
    [800, 600, 4],
    [1500, 600, 5],
  ])('asks a boarding school of %i people and %i boarders for %i guards', (people, boarders, expected) => {
    const sut = requiredGuards({ people, boarding: true, boarders });
    expect(sut.value).toBe(expected);
    expect(sut.reason.en).toMatch(/boarding/);
  });
});
