/** A rule's answer: the figure and the reason, in both UI languages. */
export interface RuleResult<T> {
  value: T;
  reason: { zh: string; en: string };
}

/** Inputs of the guard rule (附件1). */
export interface GuardRuleInput {
  /** Students plus staff (师生员工总人数). */
  people: number;
  boarding: boolean;
  boarders: number;
}

/**
 * Full-time guards required (附件1 学校保安员配备标准):
 * N < 100 → 1; 100 ≤ N ≤ 1000 → 2; N > 1000 → 2 + one per full 500 above 1000.
 * A boarding school needs at least 2, plus one per full 300 boarders on top of that figure.
 */
export function requiredGuards(input: GuardRuleInput): RuleResult<number> {
  const { people, boarding, boarders } = input;
  let base: number;
  let zh: string;
  let en: string;
  if (people < 100) {
    base = 1;
    zh = `师生员工${people}人，不足100人，至少1名`;
    en = `${people} people, under 100: at least 1`;
  } else if (people <= 1000) {
    base = 2;
    zh = `师生员工${people}人，100至1000人，至少2名`;
    en = `${people} people, 100 to 1,000: at least 2`;
  } else {
    const extra = Math.floor((people - 1000) / 500);
    base = 2 + extra;
    zh = `师生员工${people}人，超过1000人部分每满500人增配1名：2+${extra}`;
    en = `${people} people: 2 + ${extra} for each full 500 above 1,000`;
  }
  if (!boarding) return { value: base, reason: { zh, en } };
  const boarderExtra = Math.floor(boarders / 300);
  const value = Math.max(2, base) + boarderExtra;
  return {
    value,
    reason: {
      zh: `${zh}；寄宿制至少2名，寄宿生${boarders}人每满300人增配1名：+${boarderExtra}`,
      en: `${en}; boarding: at least 2, plus ${boarderExtra} for ${boarders} boarders (one per full 300)`,
    },
  };
}
