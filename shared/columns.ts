/**
 * Lists sent as columns (one array per field, repeated values once, by index): the wall's registry
 * (wall-registry.ts) and the 护学岗 posts' live states (post-status-columns.ts). A province's
 * lists as objects repeat every key and every repeated text thousands of times; a browser decodes
 * and parses them on its page's thread.
 */

/** `list[index]`, or an error naming `what` and the columns (`label`) when the index is off. */
export function columnValue<T>(list: readonly T[], index: number, label: string, what: string): T {
  const value = list[index];
  if (value === undefined) throw new Error(`${label}: unknown ${what} ${index}`);
  return value;
}

/** The index of `value` in `list`, added at the end when new (a dictionary of repeated values). */
export function dictionaryIndex<T>(list: T[], keys: Map<string, number>, value: T, key: string): number {
  let index = keys.get(key);
  if (index === undefined) {
    index = list.push(value) - 1;
    keys.set(key, index);
  }
  return index;
}

/** Throws unless every per-item column of `columns` has `count` values (a damaged answer is not drawn half). */
export function checkColumnLengths(columns: object, count: number, label: string, what: string, dictionaries: readonly string[] = []): void {
  for (const [field, values] of Object.entries(columns) as [string, unknown][]) {
    if (dictionaries.includes(field) || !Array.isArray(values)) continue;
    if (values.length !== count) throw new Error(`${label}: ${what}.${field} has ${values.length} values for ${count}`);
  }
}
