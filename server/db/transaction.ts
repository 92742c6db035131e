import type { Transaction } from 'kysely';
import type { Store } from './database.js';
import type { Database } from './schema.js';

/**
 * Runs `work` in one transaction of the store: every repository write made with `trx` commits
 * together, or none does. Services open their transactions here, never through Kysely itself;
 * the repositories' write methods take the `trx` they belong to.
 */
export function inTransaction<T>(store: Pick<Store, 'db'>, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return store.db.transaction().execute(work);
}
