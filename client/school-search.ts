/** Names in Chinese dictionary order (pinyin), the order a person looks a school up in. */
const byName = new Intl.Collator('zh-CN');

/**
 * The first `limit` of `items` in the order of `compare`, without sorting them all: a bounded
 * sorted buffer, where an item that does not beat the buffer's last costs one comparison. A
 * province's 50,000 schools take a few milliseconds, where a whole sort is a long task (≈ 100 ms).
 */
export function firstInOrder<T>(items: Iterable<T>, limit: number, compare: (a: T, b: T) => number): T[] {
  const kept: T[] = [];
  if (limit <= 0) return kept;
  for (const item of items) {
    if (kept.length === limit && compare(item, kept[limit - 1]!) >= 0) continue;
    let low = 0;
    let high = kept.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compare(kept[middle]!, item) <= 0) low = middle + 1;
      else high = middle;
    }
    kept.splice(low, 0, item);
    if (kept.length > limit) kept.pop();
  }
  return kept;
}

/**
 * The schools whose name or id holds `text` (any case; all of them when it is empty): how many,
 * and the first `limit` by name for a picker or a datalist, those whose name starts with the text
 * first.
 */
export function schoolsMatching<S extends { id: string; name: string }>(schools: readonly S[], text: string, limit: number): { total: number; shown: S[] } {
  const wanted = text.trim().toLowerCase();
  const found = wanted ? schools.filter((school) => school.name.toLowerCase().includes(wanted) || school.id.toLowerCase().includes(wanted)) : schools;
  const starts = (school: S): number => (wanted && school.name.toLowerCase().startsWith(wanted) ? 0 : 1);
  return { total: found.length, shown: firstInOrder(found, limit, (a, b) => starts(a) - starts(b) || byName.compare(a.name, b.name)) };
}
