import { PostgresAdapter, sql, type Transaction } from 'kysely';
import type { Store } from './database.js';
import type { Database } from './schema.js';

/**
 * The advisory lock every write transaction on PostgreSQL takes first, held until it commits
 * ("XA" 17). With several nodes writing, the alarm change log's `seq`s then commit in the order
 * they are drawn, so a node that sees seq n has every committed seq below it — a change can no
 * longer commit below what another node has already delivered and miss its screens (issue 17, the
 * failover test found it). Taken before any row is touched, so it cannot deadlock with row locks
 * (taking it at the log append, after the alarm's row, could: two batches folding into the same
 * alarms in another order). One node writes one transaction at a time anyway (write queue);
 * SQLite has one writer.
 */
const WRITERS_LOCK = 0x5841_0017;

/**
 * Runs `work` in one transaction of the store: every repository write made with `trx` commits
 * together, or none does. Services open their transactions here, never through Kysely itself;
 * the repositories' write methods take the `trx` they belong to.
 */
export function inTransaction<T>(store: Pick<Store, 'db'>, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return store.db.transaction().execute(async (trx) => {
    if (trx.getExecutor().adapter instanceof PostgresAdapter) await sql`select pg_advisory_xact_lock(${WRITERS_LOCK})`.execute(trx);
    return work(trx);
  });
}
