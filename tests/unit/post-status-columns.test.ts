import { describe, expect, it } from 'vitest';
import { generateDataset } from '../../mocks/dataset/index.js';
import { postStatusColumnsSchema, postStatusFromColumns, postStatusToColumns } from '../../shared/post-status-columns.js';
import { postStatus } from '../../shared/rules/guard-post.js';
import type { PostLive } from '../../shared/wall.js';

const city = generateDataset({ seed: 7, scale: 'city', referenceDate: '2026-11-30' });

/** Every 护学岗 of the city as the rule finds it at `iso`, a few checked in (on time and late). */
function statesAt(iso: string): PostLive[] {
  const now = Date.parse(iso);
  return city.guardPosts.map((post, i) => {
    const activity = i % 3 === 0 ? [{ kind: 'in' as const, at: now - (i % 2 === 0 ? 30 : 1) * 60_000 }] : [];
    const status = postStatus(post, activity, now);
    return { postId: post.id, state: status.state, window: status.window, checkedInAt: status.checkedInAt === null ? null : new Date(status.checkedInAt).toISOString(), minutesLate: status.minutesLate, reason: status.reason };
  });
}

describe('the 护学岗 posts’ live states in columns', () => {
  // Monday 07:20 in Pingdingshan: the morning window is running; and 23:00, off hours.
  for (const iso of ['2026-11-29T23:20:00Z', '2026-11-30T15:00:00Z']) {
    it(`come back as they went through JSON, fit the contract and are far smaller (${iso})`, () => {
      const posts = statesAt(iso);
      const columns = postStatusToColumns(posts);
      const sent = JSON.stringify(columns);
      expect(postStatusColumnsSchema.safeParse(JSON.parse(sent)).success).toBe(true);
      expect(postStatusFromColumns(JSON.parse(sent))).toEqual(posts);
      expect(columns.reasons.length).toBeLessThan(10);
      expect(sent.length).toBeLessThan(JSON.stringify({ posts }).length / 3);
    });
  }

  it('sends each reason and window once, and the posts that share one share the object', () => {
    const window = { start: '07:00', end: '08:00' };
    const posts: PostLive[] = [
      { postId: 'G1', state: 'on_duty', window, checkedInAt: '2026-11-29T22:55:00.000Z', minutesLate: 0, reason: { zh: '按时在岗', en: 'on duty since before the start' } },
      { postId: 'G2', state: 'off_hours', window: null, checkedInAt: null, minutesLate: null, reason: { zh: '非值守时段', en: 'off hours' } },
      { postId: 'G3', state: 'on_duty', window: { ...window }, checkedInAt: '2026-11-29T22:58:00.000Z', minutesLate: 0, reason: { zh: '按时在岗', en: 'on duty since before the start' } },
    ];
    const columns = postStatusToColumns(posts);
    expect(columns.windows).toEqual([window]);
    expect(columns.window).toEqual([0, -1, 0]);
    expect(columns.reasons).toHaveLength(2);
    expect(columns.state).toEqual([0, 3, 0]);
    const back = postStatusFromColumns(JSON.parse(JSON.stringify(columns)));
    expect(back).toEqual(posts);
    expect(back[0]!.reason).toBe(back[2]!.reason);
  });

  it('refuses damaged columns rather than showing half', () => {
    const columns = postStatusToColumns(statesAt('2026-11-29T23:20:00Z').slice(0, 3));
    expect(() => postStatusFromColumns({ ...columns, minutesLate: [0] })).toThrow(/posts\.minutesLate has 1 values for 3/);
    expect(() => postStatusFromColumns({ ...columns, reason: [0, 0, 9] })).toThrow(/unknown reason 9/);
    expect(() => postStatusFromColumns({ ...columns, state: [0, 7, 0] })).toThrow(/unknown state 7/);
    expect(() => postStatusFromColumns({ ...columns, window: [0, 4, 0] })).toThrow(/unknown window 4/);
  });
});
