import express from 'express';
import { describe, expect, it } from 'vitest';
import { clientAddress, type TrustFn } from '../../server/http/client-address.js';
import { quietStorageFailures, StorageHealth, storageCauseOf } from '../../server/db/storage-health.js';
import { createLogger } from '../../server/logger.js';

const coded = (code: string, message = code) => Object.assign(new Error(message), { code });

describe(storageCauseOf.name, () => {
  it('names disk full, read-only and I/O failures of SQLite, the system and PostgreSQL, and nothing else', () => {
    expect(storageCauseOf(coded('SQLITE_FULL', 'database or disk is full'))).toMatchObject({ code: 'SQLITE_FULL', zh: '磁盘已满：数据无法写入', en: 'disk full: writes fail' });
    expect(storageCauseOf(coded('ENOSPC'))?.en).toBe('disk full: writes fail');
    expect(storageCauseOf(coded('53100'))?.en).toBe('disk full: writes fail');
    expect(storageCauseOf(coded('SQLITE_READONLY_DBMOVED'))?.en).toBe('storage is read-only: writes fail');
    expect(storageCauseOf(coded('SQLITE_IOERR_WRITE'))?.en).toBe('storage I/O error: writes fail');
    expect(storageCauseOf(new Error('wrapped', { cause: coded('SQLITE_FULL') }))?.code).toBe('SQLITE_FULL');
    for (const other of [coded('SQLITE_CONSTRAINT_UNIQUE'), coded('SQLITE_ERROR', 'cannot rollback - no transaction is active'), coded('23505'), new Error('plain'), 'text', null]) {
      expect(storageCauseOf(other)).toBeNull();
    }
  });
});

describe(StorageHealth.name, () => {
  it('opens an episode on the first storage failure, logs it once, counts the rest, and closes it on a success', () => {
    const lines: { level: number; msg: string }[] = [];
    const log = createLogger('debug', { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) });
    let now = Date.parse('2026-12-04T03:00:00Z');
    const health = new StorageHealth({ log, clock: { now: () => now } });
    expect(health.failed(coded('SQLITE_CONSTRAINT_UNIQUE'))).toBe(false);
    expect(health.problem()).toBeNull();
    for (let i = 0; i < 200; i++) expect(health.failed(coded('SQLITE_FULL'))).toBe(true);
    now += 60_000;
    expect(health.problem()).toEqual({ code: 'SQLITE_FULL', zh: '磁盘已满：数据无法写入', en: 'disk full: writes fail', since: '2026-12-04T03:00:00.000Z', failures: 200 });
    health.succeeded();
    health.succeeded();
    expect(health.problem()).toBeNull();
    expect(lines.map((l) => l.msg)).toEqual([
      'storage: disk full: writes fail (磁盘已满：数据无法写入); /health is degraded until a write succeeds',
      'storage: writes succeed again after 200 failed (disk full: writes fail since 2026-12-04T03:00:00.000Z)',
    ]);
  });
});

describe(quietStorageFailures.name, () => {
  it('lowers error lines about a storage failure to debug while an episode is open, and leaves every other line alone', () => {
    const lines: { level: number; msg: string }[] = [];
    const base = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) });
    const health = new StorageHealth({ log: createLogger('silent'), clock: { now: () => 0 } });
    const log = quietStorageFailures(base, health);
    log.error({ err: coded('ENOSPC') }, 'export not written'); // no episode: as it is
    health.failed(coded('SQLITE_FULL'));
    log.error({ err: coded('SQLITE_FULL') }, 'request failed');
    log.warn({ err: coded('ENOSPC') }, 'periodic check failed');
    log.error({ err: coded('SQLITE_CONSTRAINT') }, 'something else');
    log.info('ordinary');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([[50, 'export not written'], [50, 'something else'], [30, 'ordinary']]);
  });
});

describe(clientAddress.name, () => {
  const trustOf = (setting: unknown): TrustFn => {
    const app = express();
    app.set('trust proxy', setting);
    return app.get('trust proxy fn') as TrustFn;
  };

  it('is the peer when trust proxy is off, whatever X-Forwarded-For says', () => {
    expect(clientAddress('127.0.0.1', '203.0.113.7', trustOf(false))).toBe('127.0.0.1');
  });

  it('walks X-Forwarded-For from the right through trusted proxies only, as req.ip does', () => {
    expect(clientAddress('127.0.0.1', '203.0.113.7', trustOf(['loopback']))).toBe('203.0.113.7');
    expect(clientAddress('127.0.0.1', '198.51.100.1, 203.0.113.7', trustOf(['loopback']))).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.5', '203.0.113.7', trustOf(['loopback']))).toBe('10.0.0.5');
    expect(clientAddress('127.0.0.1', '198.51.100.1, 10.0.0.2', trustOf(['loopback', '10.0.0.0/8']))).toBe('198.51.100.1');
    expect(clientAddress('127.0.0.1', '198.51.100.1, 10.0.0.2', trustOf(1))).toBe('10.0.0.2');
    expect(clientAddress('127.0.0.1', undefined, trustOf(['loopback']))).toBe('127.0.0.1');
  });
});
