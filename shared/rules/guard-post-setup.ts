import type { GuardPost, School, SchoolSetting } from '../domain/entities.js';
import { distanceM } from '../geo.js';
import { GridIndex } from './grid-index.js';

/**
 * THE 护学岗 rule (docs/figures.md), used by the desk's compliance finding, the device-health
 * figures and the coverage layer alike. Seed 二(二)1: "2020年3月底前，城市“护学岗”设置率达到100%基础上，
 * 全部落实定点定岗定责定人；2020年底前，城镇“护学岗”设置率达到100%。"
 *
 * A school HAS a 护学岗 when a post lists it (its `schoolIds`), or, failing that, when a post
 * stands within the reach (default 500 m) of the school. 设置率 = schools that have one / schools,
 * over the schools the plan sets a target for: city and town settings (rural: no target).
 */
export const GUARD_POST_REACH_M = 500;

/** The settings 二(二)1 sets a 设置率 target for, and the date it must be 100 % by. */
export const GUARD_POST_TARGETS: Readonly<Partial<Record<SchoolSetting, string>>> = { city: '2020-03-31', town: '2020-12-31' };

/** The 护学岗 a school has: the post, how far it stands, whether it lists the school, and its named person (定人). */
export interface SchoolGuardPost {
  postId: string;
  distanceM: number;
  /** The post lists the school (rather than standing within reach of it). */
  listed: boolean;
  /** The named person responsible (定人); null when the post names none. */
  person: string | null;
}

/** A post's named person, or null when it names none (blank). */
export function namedPerson(post: Pick<GuardPost, 'person'>): string | null {
  const person = post.person?.trim() ?? '';
  return person.length > 0 ? person : null;
}

/**
 * Each school's 护学岗 by THE rule: the nearest post listing it; otherwise the nearest post within
 * `reachM`; otherwise null (none set up). Linear in schools and posts (a grid index, ~1 km cells).
 */
export function schoolGuardPosts(schools: readonly Pick<School, 'id' | 'lat' | 'lng'>[], posts: readonly GuardPost[], reachM: number = GUARD_POST_REACH_M): Map<string, SchoolGuardPost | null> {
  const listing = new Map<string, GuardPost[]>();
  for (const post of posts) {
    for (const id of post.schoolIds) {
      const list = listing.get(id);
      if (list) list.push(post);
      else listing.set(id, [post]);
    }
  }
  const index = new GridIndex(posts);
  const result = new Map<string, SchoolGuardPost | null>();
  for (const school of schools) {
    let best: { post: GuardPost; distanceM: number; listed: boolean } | null = null;
    for (const post of listing.get(school.id) ?? []) {
      const d = distanceM(school, post);
      if (!best || d < best.distanceM) best = { post, distanceM: d, listed: true };
    }
    if (!best) {
      const near = index.nearestWithin(school, reachM);
      if (near) best = { post: near.item, distanceM: near.distanceM, listed: false };
    }
    result.set(school.id, best ? { postId: best.post.id, distanceM: Math.round(best.distanceM), listed: best.listed, person: namedPerson(best.post) } : null);
  }
  return result;
}

/** Schools and those with a 护学岗; `rate` = withGuardPost / schools, null with no school. */
export interface SetupCount {
  schools: number;
  withGuardPost: number;
  /** Of those, posts without a named person (定人 not met). */
  withoutPerson: number;
  rate: number | null;
}

/** 设置率 by setting and over the target settings (city + town): the one figure every screen shows. */
export interface GuardPostRate {
  reachM: number;
  city: SetupCount;
  town: SetupCount;
  rural: SetupCount;
  /** City + town: the schools 二(二)1 sets a target for. THE 设置率. */
  target: SetupCount;
}

function emptyCount(): SetupCount {
  return { schools: 0, withGuardPost: 0, withoutPerson: 0, rate: null };
}

/** 设置率 of a set of schools, each with its 护学岗 (or null) by {@link schoolGuardPosts}. */
export function guardPostRate(rows: readonly { setting: SchoolSetting; guardPost: Pick<SchoolGuardPost, 'person'> | null }[], reachM: number = GUARD_POST_REACH_M): GuardPostRate {
  const rate: GuardPostRate = { reachM, city: emptyCount(), town: emptyCount(), rural: emptyCount(), target: emptyCount() };
  for (const row of rows) {
    const buckets = GUARD_POST_TARGETS[row.setting] ? [rate[row.setting], rate.target] : [rate[row.setting]];
    for (const bucket of buckets) {
      bucket.schools++;
      if (row.guardPost) bucket.withGuardPost++;
      if (row.guardPost && row.guardPost.person === null) bucket.withoutPerson++;
    }
  }
  for (const bucket of [rate.city, rate.town, rate.rural, rate.target]) bucket.rate = bucket.schools > 0 ? bucket.withGuardPost / bucket.schools : null;
  return rate;
}
