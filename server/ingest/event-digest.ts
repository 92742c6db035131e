import { createHash } from 'node:crypto';

/**
 * An event's content in one canonical text, to tell a re-send from an id reused: the validated
 * event (trimmed, unknown fields dropped, as stored) with its fields in name order and `at` as
 * the UTC instant — `10:00+08:00` and `02:00Z` are the same event. Events are flat.
 */
export function canonicalOf(event: object): string {
  const fields = event as Record<string, unknown>;
  const keys = Object.keys(fields)
    .filter((k) => fields[k] !== undefined)
    .sort();
  return JSON.stringify(keys.map((k) => [k, k === 'at' && typeof fields.at === 'string' ? new Date(fields.at).toISOString() : fields[k]]));
}

export function digestOf(canonical: string): string {
  return createHash('sha256').update(canonical).digest('hex');
}

/** The canonical content of a row stored before ids were scoped (its payload is the validated event). */
export function legacyCanonical(payload: string): string | null {
  try {
    const parsed: unknown = JSON.parse(payload);
    return typeof parsed === 'object' && parsed !== null ? canonicalOf(parsed) : null;
  } catch {
    return null;
  }
}
