import { z } from 'zod';
import { checkColumnLengths, columnValue, dictionaryIndex } from './columns.js';
import type { DutyWindow } from './domain/entities.js';
import { dutyWindowSchema } from './domain/entity-schemas.js';
import { localizedTextSchema, type LocalizedText } from './domain/text.js';
import { POST_STATES, type PostState } from './rules/guard-post.js';
import type { PostLive } from './wall.js';

/**
 * The 护学岗 posts' live states in columns (`GET /api/v1/posts/status/columns`, issue 17 item 4).
 * A province's 12,818 posts as `PostLive` objects are 3 MB of JSON, mostly each post's reason in
 * two languages (a handful of distinct ones at any moment) and the keys again and again; a
 * screen's page decoded and parsed it in 50–110 ms as the map's data landed. As columns, with
 * the reasons and duty windows once each by index, it is a tenth of that. `GET /posts/status`
 * (objects) stays for other readers.
 */
export interface PostStatusColumns {
  postId: string[];
  /** Index into POST_STATES. */
  state: number[];
  /** Index into `windows`; −1: no window running (off hours). */
  window: number[];
  windows: DutyWindow[];
  checkedInAt: (string | null)[];
  minutesLate: (number | null)[];
  /** Index into `reasons`. */
  reason: number[];
  reasons: LocalizedText[];
}

const index = z.number().int().nonnegative();

export const postStatusColumnsSchema = z.object({
  postId: z.array(z.string()),
  state: z.array(index),
  window: z.array(z.number().int().min(-1)),
  windows: z.array(dutyWindowSchema),
  checkedInAt: z.array(z.string().nullable()),
  minutesLate: z.array(z.number().nullable()),
  reason: z.array(index),
  reasons: z.array(localizedTextSchema),
}) satisfies z.ZodType<PostStatusColumns>;

const LABEL = 'post status columns';
const DICTIONARIES = ['windows', 'reasons'];

/** The posts' states as columns, in their order. */
export function postStatusToColumns(posts: readonly PostLive[]): PostStatusColumns {
  const columns: PostStatusColumns = { postId: [], state: [], window: [], windows: [], checkedInAt: [], minutesLate: [], reason: [], reasons: [] };
  const windowKeys = new Map<string, number>();
  const reasonKeys = new Map<string, number>();
  for (const post of posts) {
    columns.postId.push(post.postId);
    columns.state.push(POST_STATES.indexOf(post.state));
    columns.window.push(post.window ? dictionaryIndex(columns.windows, windowKeys, post.window, `${post.window.start}-${post.window.end}`) : -1);
    columns.checkedInAt.push(post.checkedInAt);
    columns.minutesLate.push(post.minutesLate);
    columns.reason.push(dictionaryIndex(columns.reasons, reasonKeys, post.reason, `${post.reason.zh}\n${post.reason.en}`));
  }
  return columns;
}

/**
 * The columns back as posts' states; throws when a column's length or an index is off (a damaged
 * answer is not shown half). Posts in the same window or with the same reason share that object
 * (read-only, as every reader treats a post's state).
 */
export function postStatusFromColumns(columns: PostStatusColumns): PostLive[] {
  const count = columns.postId.length;
  checkColumnLengths(columns, count, LABEL, 'posts', DICTIONARIES);
  const posts = new Array<PostLive>(count);
  for (let i = 0; i < count; i++) {
    const window = columns.window[i]!;
    posts[i] = {
      postId: columns.postId[i]!,
      state: columnValue<PostState>(POST_STATES, columns.state[i]!, LABEL, 'state'),
      window: window < 0 ? null : columnValue(columns.windows, window, LABEL, 'window'),
      checkedInAt: columns.checkedInAt[i]!,
      minutesLate: columns.minutesLate[i]!,
      reason: columnValue(columns.reasons, columns.reason[i]!, LABEL, 'reason'),
    };
  }
  return posts;
}
