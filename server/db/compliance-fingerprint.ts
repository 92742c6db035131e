import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * A cheap summary of everything the compliance desk reads besides the registry (issue 17 item 5):
 * it changes whenever any of those rows is added or changed, on this node or another. The tables
 * are append-only except security_records (upserted: its latest `updated_at` moves) and
 * camera_faults (closed in place: its count of closed tickets moves). At province scale reading
 * the sources again costs ≈ 16 s and the evaluation after it as much again; this costs a few
 * counts (≈ 0.2 s on 1.2 million self-checks).
 */
export async function complianceFingerprint(db: Kysely<Database>): Promise<string> {
  const count = (table: 'drills' | 'inspections' | 'self_checks' | 'emergency_plans') =>
    db.selectFrom(table).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow().then((r) => String(r.n));
  const [records, history, faults, ...routines] = await Promise.all([
    db.selectFrom('security_records').select((eb) => [eb.fn.countAll<string | number>().as('n'), eb.fn.max('updated_at').as('latest')]).executeTakeFirstOrThrow(),
    db.selectFrom('record_history').select((eb) => [eb.fn.countAll<string | number>().as('n'), eb.fn.max('id').as('latest')]).executeTakeFirstOrThrow(),
    db.selectFrom('camera_faults').select((eb) => [eb.fn.countAll<string | number>().as('n'), eb.fn.count<string | number>('closed_at').as('closed')]).executeTakeFirstOrThrow(),
    count('drills'),
    count('inspections'),
    count('self_checks'),
    count('emergency_plans'),
  ]);
  return [records.n, records.latest, history.n, history.latest, faults.n, faults.closed, ...routines].map((v) => String(v ?? '')).join('|');
}
