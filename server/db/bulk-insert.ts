import { setImmediate as nextTurn } from 'node:timers/promises';
import { PostgresAdapter, sql, type Insertable, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from './schema.js';

/**
 * Bulk inserts for the first-start import (issue 17 item 5), inside the caller's transaction.
 *
 * - PostgreSQL: `INSERT … SELECT * FROM unnest($1::text[], $2::int4[], …)` — one array parameter
 *   per column, so a statement carries thousands of rows whatever the 65,535-parameter bound, and
 *   the server parses and plans one statement per chunk instead of one per 400 rows. The arrays'
 *   element types are read from the catalog (information_schema), so a column's type is written
 *   once, in its migration.
 * - SQLite: Kysely multi-row inserts sized to stay under its 32,766 bound parameters (one SQL
 *   text per table and chunk size: the prepared statement is reused, see withStatementCache).
 *
 * Both yield to the event loop between chunks, so the loop is never held for more than one chunk
 * (a few ms to build and send); better-sqlite3 is synchronous, and without the yield the whole
 * import was one block of the loop.
 */

/** Rows per `unnest` statement on PostgreSQL (each column one array parameter). */
export const PG_ROWS_PER_STATEMENT = 5_000;
/** Bound parameters per multi-row INSERT on SQLite (its limit is 32,766 since 3.32). */
export const SQLITE_PARAMETERS_PER_STATEMENT = 30_000;
/** At most this many rows in one SQLite multi-row INSERT (a longer one compiles slower than it saves). */
const SQLITE_MAX_ROWS = 500;

type Table = keyof Database & string;

/** Whether `db` (or a transaction of it) talks to PostgreSQL. */
export function isPostgres(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** A PostgreSQL element type as the catalog names it (int4, text, float8…): only letters, digits and `_` reach the SQL. */
const TYPE_NAME = /^[a-z_][a-z0-9_]*$/;

/** Each column's element type, as PostgreSQL's catalog has it, for the current schema. */
async function columnTypes(db: Kysely<Database>, table: Table): Promise<Map<string, string>> {
  const result = await sql<{ column_name: string; udt_name: string }>`
    select column_name, udt_name from information_schema.columns
    where table_schema = current_schema() and table_name = ${table}`.execute(db);
  return new Map(result.rows.map((r) => [r.column_name, r.udt_name]));
}

/** Every row must name the same columns: a missing one would mean DEFAULT for some rows and NULL for others. */
function sameColumns(table: Table, columns: readonly string[], rows: readonly Record<string, unknown>[]): void {
  for (const row of rows) {
    if (Object.keys(row).length !== columns.length || columns.some((c) => !(c in row))) {
      throw new Error(`bulk insert into ${table}: the rows do not all name the same columns (${columns.join(', ')})`);
    }
  }
}

/**
 * Inserts `items` into `table` within `db` (the caller's transaction: all of it commits or none),
 * in chunks, each made into rows by `toRow` only when its turn comes (a province's 1.2 million
 * rows are never all in memory twice), yielding to the event loop between chunks.
 */
export async function bulkInsert<T extends Table, I>(db: Kysely<Database>, table: T, items: readonly I[], toRow: (item: I) => Insertable<Database[T]>): Promise<void> {
  if (items.length === 0) return;
  const postgres = isPostgres(db);
  const first = toRow(items[0]!) as Record<string, unknown>;
  const columns = Object.keys(first);
  const size = postgres ? PG_ROWS_PER_STATEMENT : Math.max(1, Math.min(SQLITE_MAX_ROWS, Math.floor(SQLITE_PARAMETERS_PER_STATEMENT / columns.length)));
  const casts = postgres ? await arrayCasts(db, table, columns) : [];
  for (let start = 0; start < items.length; start += size) {
    const rows = items.slice(start, start + size).map(toRow);
    sameColumns(table, columns, rows as readonly Record<string, unknown>[]);
    if (postgres) await insertUnnest(db, table, columns, casts, rows as readonly Record<string, unknown>[]);
    // Kysely's typing of a generic table's insert is beyond what TypeScript can check here; the rows are Insertable<Database[T]>.
    else await db.insertInto(table).values(rows as never).execute();
    await nextTurn();
  }
}

/** `$n::<type>[]` for each column, the element types read from the catalog. */
async function arrayCasts(db: Kysely<Database>, table: Table, columns: readonly string[]): Promise<RawBuilder<unknown>[]> {
  const types = await columnTypes(db, table);
  return columns.map((column) => {
    const type = types.get(column);
    if (type === undefined || !TYPE_NAME.test(type)) throw new Error(`bulk insert into ${table}: no column ${column} (or an unexpected type ${String(type)})`);
    return sql.raw(`${type}[]`);
  });
}

/** One `INSERT … SELECT * FROM unnest(…)`: one array parameter per column. */
async function insertUnnest(db: Kysely<Database>, table: Table, columns: readonly string[], casts: readonly RawBuilder<unknown>[], rows: readonly Record<string, unknown>[]): Promise<void> {
  const arrays = columns.map((column) => rows.map((row) => row[column] ?? null));
  await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))})
    select * from unnest(${sql.join(arrays.map((values, i) => sql`${values}::${casts[i]!}`))})`.execute(db);
}
