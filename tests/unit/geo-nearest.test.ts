import { describe, expect, it } from 'vitest';
import { distanceM, nearest } from '../../shared/geo.js';

/** A seeded sequence in [0, 1): the same points every run. */
function sequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

describe(nearest.name, () => {
  const next = sequence(17);
  const from = { lat: 33.74, lng: 113.3 };
  // 2,000 posts around Pingdingshan, every tenth a twin of the one before it (ties).
  const posts: { id: number; lat: number; lng: number }[] = [];
  for (let id = 0; id < 2_000; id += 1) {
    const twin = id % 10 === 9 ? posts[id - 1] : undefined;
    posts.push({ id, lat: twin?.lat ?? 33.4 + next() * 0.7, lng: twin?.lng ?? 112.9 + next() * 0.9 });
  }
  /** The rule written plainly: every post's distance, sorted (a stable sort keeps ties in input order). */
  const byFullSort = (count: number) => posts.map((item) => ({ item, distanceM: distanceM(from, item) })).sort((a, b) => a.distanceM - b.distanceM).slice(0, Math.max(0, count));

  it('gives what sorting every post gives, ties in the input order, for a few and for many', () => {
    for (const count of [0, 1, 3, 10, 16, 17, 50, 2_000, 2_500, -1]) expect(nearest(from, posts, count)).toEqual(byFullSort(count));
  });

  it('keeps twins in the input order when they tie for the last place', () => {
    const twins = [{ id: 'a', lat: 33.8, lng: 113.3 }, { id: 'b', lat: 33.8, lng: 113.3 }, { id: 'c', lat: 33.8, lng: 113.3 }];
    expect(nearest(from, twins, 2).map((n) => n.item.id)).toEqual(['a', 'b']);
    expect(nearest(from, [...twins].reverse(), 2).map((n) => n.item.id)).toEqual(['c', 'b']);
  });
});
