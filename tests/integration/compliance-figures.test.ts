import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeSmallDataset } from '../../mocks/factories/dataset.js';
import type { ComplianceMatrix, ComplianceTrend } from '../../shared/compliance.js';
import { DEFAULT_SEMESTERS } from '../../shared/rules/compliance/types.js';
import { ComplianceFigureRepository, scopeKey } from '../../server/db/compliance-figures.js';
import { openStore, type Store } from '../../server/db/database.js';
import { PlanRepository } from '../../server/db/plan.repository.js';
import { RecordRepository } from '../../server/db/record.repository.js';
import { RegistryRepository } from '../../server/db/registry.repository.js';
import { RoutineRepository } from '../../server/db/routine.repository.js';
import { answerCall, type ComplianceCall, type ComplianceOffload } from '../../server/services/compliance-calls.js';
import { ComplianceService } from '../../server/services/compliance.service.js';
import { RegistryService } from '../../server/services/registry.service.js';
import { availableEngines, freshPostgresDatabase } from '../helpers/engines.js';

const engines = await availableEngines();

/** Pinned: the desk's "today" is 2026-11-20 (Asia/Shanghai); October is closed. */
const NOW = Date.parse('2026-11-20T04:00:00Z');
const PAST = '2026-10-31';
const MATRIX: ComplianceCall = { method: 'matrix', asOf: PAST, filters: {} };
const TREND: ComplianceCall = { method: 'trend', from: '2026-09-01', to: PAST, step: 'month', filters: {} };

function text(answer: unknown): string {
  if (typeof answer !== 'string') throw new Error('expected a JSON answer');
  return answer;
}

/**
 * The compliance desk's materialised figures (issue 17 item 5, migration 0019): a closed date's
 * matrix, once computed, is answered from the table — by a fresh service, as after a restart, with
 * no read of the sources and no evaluation — while the sources' fingerprint is unchanged; a
 * self-check entered late for that past month (straight into the database, as another node would)
 * changes the fingerprint, and the matrix is computed again, differently, and stored anew.
 */
describe.each(engines)('compliance figures stored per closed date on %s', (engine) => {
  const dirs: string[] = [];
  let store: Store | undefined;
  afterAll(async () => {
    await store?.close();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers from the stored figures while the fingerprint holds, and computes again after a late entry', { timeout: 120_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xiaoan-figures-'));
    dirs.push(dir);
    store = await openStore({ databaseUrl: engine === 'postgres' ? await freshPostgresDatabase() : null, dataDir: dir });
    const db = store.db;
    await new RegistryRepository(db).importDataset(makeSmallDataset());
    const registry = new RegistryService(new RegistryRepository(db));
    await registry.load();
    const routines = new RoutineRepository(db);
    /** A service as a fresh process has it (nothing in memory); `offload`: a "worker" service that counts its calls. */
    const fresh = (offload?: ComplianceOffload) =>
      new ComplianceService({ db, registry, records: new RecordRepository(db), routines, plans: new PlanRepository(db), clock: { now: () => NOW }, semesters: DEFAULT_SEMESTERS, ...(offload ? { offload } : {}) });
    const stored = async () => (await db.selectFrom('compliance_figures').select(['as_of', 'fingerprint']).orderBy('as_of').execute());

    // S0001 has no self-check for September or October (the late entry below changes its verdict).
    const selfCheck = async () => (await fresh().school('S0001', PAST))?.items.find((i) => i.rule === 'self_check')?.status;
    expect(await selfCheck()).not.toBe('pass');

    const first = fresh();
    const computed = JSON.parse(text(await first.query(MATRIX))) as ComplianceMatrix;
    expect(first.counters).toMatchObject({ sourceReads: 1, evaluations: 1, figuresStored: 1, storedAnswers: 0, storeFailures: 0 });
    expect((await stored()).map((r) => r.as_of)).toEqual([PAST]);

    // Today is open: computed, never stored.
    await first.query({ method: 'matrix', asOf: '2026-11-20', filters: {} });
    expect((await stored()).map((r) => r.as_of)).toEqual([PAST]);

    // "After a restart", in process: no sources read, nothing evaluated, the same matrix.
    const again = fresh();
    expect(JSON.parse(text(await again.query(MATRIX)))).toEqual(computed);
    expect(again.counters).toMatchObject({ sourceReads: 0, evaluations: 0, storedAnswers: 1 });

    // With a worker pool: the main thread answers from the table, the "worker" is not asked.
    const worker = fresh();
    let offloaded = 0;
    const offload: ComplianceOffload = {
      compliance: (call) => {
        offloaded++;
        return answerCall(worker, call);
      },
      warm: async () => undefined,
    };
    const main = fresh(offload);
    expect(JSON.parse(text(await main.query(MATRIX)))).toEqual(computed);
    expect(offloaded).toBe(0);
    // A trend with one closed point not stored yet goes to the worker, which evaluates only that
    // point (the other is stored); its figure comes back and the main thread stores it.
    const trend = JSON.parse(text(await main.query(TREND))) as ComplianceTrend;
    expect(offloaded).toBe(1);
    expect(worker.counters).toMatchObject({ sourceReads: 1, evaluations: 1, storedAnswers: 1 });
    expect(trend.points.map((p) => p.asOf)).toEqual(['2026-09-30', PAST]);
    expect(trend.points[1]!.cells).toEqual(computed.total.cells);
    expect((await stored()).map((r) => r.as_of)).toEqual(['2026-09-30', PAST]);
    expect(main.counters.figuresStored).toBe(1);
    // Now the whole trend is stored: answered by the main thread.
    expect(JSON.parse(text(await main.query(TREND)))).toEqual(trend);
    expect(offloaded).toBe(1);

    // Another node enters September's and October's self-checks for S0001 late.
    const before = (await stored()).find((r) => r.as_of === PAST)!.fingerprint;
    for (const date of ['2026-09-15', '2026-10-15']) {
      await routines.addSelfCheck({ id: `SC-late-${date}`, schoolId: 'S0001', date, note: null, recordedBy: 'other', recordedAt: '2026-11-19T03:00:00.000Z' });
    }
    const late = fresh();
    const recomputed = JSON.parse(text(await late.query(MATRIX))) as ComplianceMatrix;
    expect(late.counters).toMatchObject({ sourceReads: 1, evaluations: 1, storedAnswers: 0, figuresStored: 1 });
    expect(recomputed.total.cells.self_check.pass).toBe(computed.total.cells.self_check.pass + 1);
    expect(recomputed).not.toEqual(computed);
    expect((await stored()).find((r) => r.as_of === PAST)!.fingerprint).not.toBe(before);
    // The stale figures are not answered: the main thread sends the trend to the worker again. The
    // worker's sources are still within their time-to-live (read before the late entry): what it
    // computes from them carries their old fingerprint and is not stored over the rows.
    const stored0930 = (await stored()).find((r) => r.as_of === '2026-09-30')!.fingerprint;
    await main.query(TREND);
    expect(offloaded).toBe(2);
    expect(main.counters.figuresStored).toBe(1);
    expect((await stored()).find((r) => r.as_of === '2026-09-30')!.fingerprint).toBe(stored0930);

    // And the new figure is answered from the table.
    const afterLate = fresh();
    expect(JSON.parse(text(await afterLate.query(MATRIX)))).toEqual(recomputed);
    expect(afterLate.counters).toMatchObject({ sourceReads: 0, evaluations: 0, storedAnswers: 1 });
  });

  it('stores a call’s figures all or none', { timeout: 60_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xiaoan-figures-tx-'));
    dirs.push(dir);
    const own = await openStore({ databaseUrl: engine === 'postgres' ? await freshPostgresDatabase() : null, dataDir: dir });
    try {
      const figures = new ComplianceFigureRepository(own.db);
      const scope = scopeKey({});
      const good = { asOf: '2026-09-30', scope, fingerprint: 'f', matrix: '{}' };
      // The second row breaks a NOT NULL constraint: the first must not stay behind.
      const broken = { asOf: PAST, scope, fingerprint: 'f', matrix: null as unknown as string };
      await expect(figures.save([good, broken], '2026-11-20T04:00:00.000Z')).rejects.toThrow();
      expect(await own.db.selectFrom('compliance_figures').selectAll().execute()).toEqual([]);
      await figures.save([good], '2026-11-20T04:00:00.000Z');
      expect([...(await figures.get(scope, ['2026-09-30', PAST])).keys()]).toEqual(['2026-09-30']);
    } finally {
      await own.close();
    }
  });
});
