import { z } from 'zod';
import { dutyWindowSchema } from '../../shared/domain/entity-schemas.js';

/**
 * JSON columns are read back through a schema, never cast: a row that does not hold what its
 * column promises (hand-edited, truncated, written by a future version) stops the read with an
 * error naming the table, the row and the column, instead of flowing on into the services.
 */
export class StoredJsonError extends Error {
  constructor(where: string, problem: string) {
    super(`stored ${where} is invalid: ${problem}`);
    this.name = 'StoredJsonError';
  }
}

/**
 * Parses one JSON column through its schema. `where` names the value for the error, e.g.
 * `alarm_changes.payload of seq 42`.
 */
export function parseJsonColumn<T>(schema: z.ZodType<T>, text: string, where: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new StoredJsonError(where, error instanceof Error ? error.message : String(error));
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new StoredJsonError(where, z.prettifyError(parsed.error));
  return parsed.data;
}

/** `guard_posts.school_ids` and `off_dates`: lists of ids and local dates. */
export const stringListSchema = z.array(z.string());

/** `guard_posts.days`: ISO weekdays (1 Monday … 7 Sunday). */
export const weekdaysSchema = z.array(z.number());

/** `guard_posts.schedule`: the staffed windows, local "HH:MM". */
export const dutyScheduleSchema = z.array(dutyWindowSchema);

/** `audit_log.details`: a JSON object of whatever the entry records. */
export const auditDetailsSchema = z.record(z.string(), z.unknown());
