import { describe, expect, it } from 'vitest';
import { firstInOrder, schoolsMatching } from '../../client/school-search.js';

/** A repeatable shuffle (a linear congruential generator), so a failure can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('firstInOrder', () => {
  it('gives what a whole sort would give first, for any order of the input, ties kept in input order', () => {
    const numbers = Array.from({ length: 2_000 }, (_, i) => (i * 7919) % 613);
    for (const seed of [1, 2, 3, 42]) {
      const input = shuffled(numbers, seed).map((value, at) => ({ value, at }));
      const byValue = (a: { value: number }, b: { value: number }) => a.value - b.value;
      for (const limit of [1, 5, 100, 613, 5_000]) {
        expect(firstInOrder(input, limit, byValue)).toEqual(input.toSorted(byValue).slice(0, limit));
      }
    }
  });

  it('gives nothing for a limit of zero or no input', () => {
    expect(firstInOrder([3, 1, 2], 0, (a, b) => a - b)).toEqual([]);
    expect(firstInOrder([], 3, (a: number, b: number) => a - b)).toEqual([]);
  });
});

describe('schoolsMatching', () => {
  const schools = [
    { id: 'S0003', name: '平顶山市新华区第一小学' },
    { id: 'S0001', name: '第一小学' },
    { id: 'S0002', name: '平顶山市卫东区实验幼儿园' },
    { id: 'S0010', name: '阿里小学' },
    { id: 'P-ABC', name: 'Riverside School' },
  ];

  it('finds by a part of the name or of the id, any case, those starting with the text first, then in pinyin order', () => {
    expect(schoolsMatching(schools, '第一小学', 10)).toEqual({ total: 2, shown: [schools[1], schools[0]] });
    expect(schoolsMatching(schools, ' s000 ', 10).shown.map((s) => s.id)).toEqual(['S0001', 'S0002', 'S0003']);
    expect(schoolsMatching(schools, 'riverSIDE', 10).shown).toEqual([schools[4]]);
    expect(schoolsMatching(schools, '中学', 10)).toEqual({ total: 0, shown: [] });
  });

  it('with no text counts every school and shows the first by name, at most the limit', () => {
    const all = schoolsMatching(schools, '  ', 3);
    expect(all.total).toBe(5);
    // 阿 (ā) before 第 (dì) before 平顶山市卫 (wèi) before 平顶山市新 (xīn); Latin names after the Chinese.
    expect(all.shown.map((s) => s.id)).toEqual(['S0010', 'S0001', 'S0002']);
    expect(schoolsMatching(schools, '', 10).shown.map((s) => s.id)).toEqual(['S0010', 'S0001', 'S0002', 'S0003', 'P-ABC']);
  });
});
