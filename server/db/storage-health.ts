import type { DatabaseConnection, Dialect, Driver, QueryResult, TransactionSettings, CompiledQuery, DatabaseIntrospector, DialectAdapter, QueryCompiler } from 'kysely';
import type { Logger } from '../logger.js';
import type { Clock } from '../clock.js';

/** Why writes fail, in both UI languages, with the engine's or the system's code. */
export interface StorageCause {
  /** `SQLITE_FULL`, `ENOSPC`, PostgreSQL's `53100`, … */
  code: string;
  zh: string;
  en: string;
}

/** An episode of failing writes: its cause, when it began and how many writes failed since. */
export interface StorageProblem extends StorageCause {
  /** ISO time of the first failed write of the episode. */
  since: string;
  failures: number;
}

const DISK_FULL: Omit<StorageCause, 'code'> = { zh: '磁盘已满：数据无法写入', en: 'disk full: writes fail' };
const READ_ONLY: Omit<StorageCause, 'code'> = { zh: '存储只读：数据无法写入', en: 'storage is read-only: writes fail' };
const IO_ERROR: Omit<StorageCause, 'code'> = { zh: '存储读写错误：数据无法写入', en: 'storage I/O error: writes fail' };

/**
 * Storage failures by code: SQLite's (better-sqlite3 `SqliteError.code`, extended codes included),
 * the system's (Node `errno` codes), PostgreSQL's SQLSTATE (class 53 insufficient resources,
 * 58030 io_error, 25006 read-only transaction).
 */
function causeOf(code: string): Omit<StorageCause, 'code'> | null {
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG' || code === '53100') return DISK_FULL;
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === '25006') return READ_ONLY;
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO' || code === '58030' || code === '53000') return IO_ERROR;
  return null;
}

/** The storage cause behind an error (its own code, or its `cause`'s), or null for any other error. */
export function storageCauseOf(error: unknown): StorageCause | null {
  for (let e: unknown = error, depth = 0; typeof e === 'object' && e !== null && depth < 4; e = 'cause' in e ? e.cause : undefined, depth++) {
    const code = 'code' in e ? e.code : undefined;
    if (typeof code !== 'string') continue;
    const cause = causeOf(code);
    if (cause) return { code, ...cause };
  }
  return null;
}

/**
 * Whether the database takes writes. Every query passes through `watchDialect`'s driver, which
 * reports here: a storage failure opens an episode (logged once, with its cause), a committed write
 * ends it (logged once). `GET /health` answers 503 `degraded` with the cause meanwhile. While an
 * episode lasts, `probe()` (the periodic tick) tries a tiny write, so that /health returns to ok by
 * itself when space returns even if nothing else writes.
 */
export class StorageHealth {
  private current: StorageProblem | null = null;
  private probing = false;

  constructor(
    private readonly deps: { log: Logger; clock: Clock },
    /** The tiny write `probe()` tries; set by the composition root once the repositories exist. */
    public probeWrite: (() => Promise<void>) | null = null,
  ) {}

  problem(): StorageProblem | null {
    return this.current;
  }

  /** A query failed: opens or extends an episode when the error is a storage failure. Returns whether it was one. */
  failed(error: unknown): boolean {
    const cause = storageCauseOf(error);
    if (!cause) return false;
    if (this.current) {
      this.current.failures++;
      return true;
    }
    this.current = { ...cause, since: new Date(this.deps.clock.now()).toISOString(), failures: 1 };
    this.deps.log.error({ code: cause.code, cause: cause.en, detail: error instanceof Error ? error.message : String(error) }, `storage: ${cause.en} (${cause.zh}); /health is degraded until a write succeeds`);
    return true;
  }

  /** A write was committed: ends the episode, if one is open. */
  succeeded(): void {
    if (!this.current) return;
    const ended = this.current;
    this.current = null;
    this.deps.log.warn({ code: ended.code, since: ended.since, failures: ended.failures }, `storage: writes succeed again after ${ended.failures} failed (${ended.en} since ${ended.since})`);
  }

  /** During an episode, tries the probe write once at a time (its outcome reaches failed/succeeded through the driver). */
  async probe(): Promise<void> {
    if (!this.current || !this.probeWrite || this.probing) return;
    this.probing = true;
    try {
      await this.probeWrite();
    } catch {
      // Reported through the driver; the episode goes on.
    } finally {
      this.probing = false;
    }
  }
}

/** What the driver needs to know about the engine beneath it. */
export interface WatchOptions {
  /**
   * SQLite only: whether a transaction is open on the connection. SQLite rolls a transaction back
   * by itself on SQLITE_FULL/IOERR/NOMEM, and Kysely's ROLLBACK afterwards fails with "cannot
   * rollback - no transaction is active", hiding the real cause; the driver skips that ROLLBACK.
   */
  inTransaction?: () => boolean;
}

const WRITE_KINDS = new Set(['InsertQueryNode', 'UpdateQueryNode', 'DeleteQueryNode', 'MergeQueryNode']);

/**
 * The dialect with every query watched: failures go to `health.failed`, committed writes (a COMMIT,
 * or a write outside a transaction) to `health.succeeded`.
 */
export function watchDialect(dialect: Dialect, health: StorageHealth, options: WatchOptions = {}): Dialect {
  return {
    createAdapter: (): DialectAdapter => dialect.createAdapter(),
    createQueryCompiler: (): QueryCompiler => dialect.createQueryCompiler(),
    createIntrospector: (db: Parameters<Dialect['createIntrospector']>[0]): DatabaseIntrospector => dialect.createIntrospector(db),
    createDriver: (): Driver => new WatchedDriver(dialect.createDriver(), health, options),
  };
}

class WatchedDriver implements Driver {
  /** Connections inside a transaction (begun, not yet committed or rolled back). */
  private readonly open = new WeakSet<DatabaseConnection>();
  private readonly wrapped = new WeakMap<DatabaseConnection, DatabaseConnection>();
  /** The driver's own connection behind each watched one: the driver below receives the connection it handed out. */
  private readonly innerConnections = new WeakMap<DatabaseConnection, DatabaseConnection>();

  constructor(
    private readonly inner: Driver,
    private readonly health: StorageHealth,
    private readonly options: WatchOptions,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.inner.acquireConnection();
    let watched = this.wrapped.get(connection);
    if (!watched) {
      watched = this.watch(connection);
      this.wrapped.set(connection, watched);
      this.innerConnections.set(watched, connection);
    }
    return watched;
  }

  private watch(connection: DatabaseConnection): DatabaseConnection {
    const open = this.open;
    const health = this.health;
    const watched: DatabaseConnection = {
      async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
        try {
          const result = await connection.executeQuery<R>(query);
          if (!open.has(connection) && WRITE_KINDS.has(query.query.kind)) health.succeeded();
          return result;
        } catch (error) {
          health.failed(error);
          throw error;
        }
      },
      streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
        return connection.streamQuery<R>(query, chunkSize);
      },
    };
    return watched;
  }

  private innerOf(connection: DatabaseConnection): DatabaseConnection {
    return this.innerConnections.get(connection) ?? connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const inner = this.innerOf(connection);
    try {
      await this.inner.beginTransaction(inner, settings);
    } catch (error) {
      this.health.failed(error);
      throw error;
    }
    this.open.add(inner);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const inner = this.innerOf(connection);
    try {
      await this.inner.commitTransaction(inner);
    } catch (error) {
      this.health.failed(error);
      throw error;
    } finally {
      // A failed COMMIT on SQLite leaves the transaction open only when SQLite did not roll it back.
      if (!this.options.inTransaction?.()) this.open.delete(inner);
    }
    this.health.succeeded();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const inner = this.innerOf(connection);
    this.open.delete(inner);
    // SQLite already rolled it back (SQLITE_FULL and the like): a ROLLBACK now would only fail
    // with "no transaction is active" and replace the real error.
    if (this.options.inTransaction && !this.options.inTransaction()) return;
    await this.inner.rollbackTransaction(inner);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await this.inner.releaseConnection(this.innerOf(connection));
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

/**
 * The logger the services write to, with their own lines about a storage failure (`{ err }` whose
 * cause is one: "request failed", "periodic check failed", …) lowered to debug while `health` has
 * an episode open: `StorageHealth` has named the cause once, instead of one error line per failed
 * write. Outside an episode (a full disk only an export file met, say) they are logged as they are.
 */
export function quietStorageFailures(log: Logger, health: StorageHealth): Logger {
  const lowered = new Set<PropertyKey>(['fatal', 'error', 'warn']);
  return new Proxy(log, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (!lowered.has(property) || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const first = args[0];
        const err = typeof first === 'object' && first !== null ? ('err' in first ? first.err : undefined) ?? first : undefined;
        const quiet = err !== undefined && health.problem() !== null && storageCauseOf(err) !== null;
        Reflect.apply(quiet ? target.debug : value, target, args);
      };
    },
  });
}
