import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeSmallDataset } from '../../mocks/factories/dataset.js';
import { openStore, type Store } from '../../server/db/database.js';
import { PlanRepository } from '../../server/db/plan.repository.js';
import { RecordRepository } from '../../server/db/record.repository.js';
import { RegistryRepository } from '../../server/db/registry.repository.js';
import { RoutineRepository } from '../../server/db/routine.repository.js';
import { ComplianceService } from '../../server/services/compliance.service.js';
import { RegistryService } from '../../server/services/registry.service.js';
import { DEFAULT_SEMESTERS } from '../../shared/rules/compliance/types.js';
import { availableEngines, freshPostgresDatabase } from '../helpers/engines.js';

const engines = await availableEngines();

/** A real record repository that counts its whole-table reads (how often the desk read its sources). */
class CountingRecords extends RecordRepository {
  reads = 0;
  override all(): ReturnType<RecordRepository['all']> {
    this.reads++;
    return super.all();
  }
}

/**
 * The desk's sources at province scale (issue 17 item 5): past their time-to-live they are kept,
 * with the verdicts made from them, while nothing they came from has changed; a row another node
 * wrote (here: straight into the database) makes them read again.
 */
describe.each(engines)('compliance sources past their time-to-live on %s', (engine) => {
  const dirs: string[] = [];
  let store: Store | undefined;
  afterAll(async () => {
    await store?.close();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('are kept while unchanged and read again after another writer', { timeout: 60_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xiaoan-fingerprint-'));
    dirs.push(dir);
    store = await openStore({ databaseUrl: engine === 'postgres' ? await freshPostgresDatabase() : null, dataDir: dir });
    await new RegistryRepository(store.db).importDataset(makeSmallDataset());
    const registry = new RegistryService(new RegistryRepository(store.db));
    await registry.load();
    let now = Date.parse('2026-11-20T04:00:00Z');
    const records = new CountingRecords(store.db);
    const routines = new RoutineRepository(store.db);
    const service = new ComplianceService({ db: store.db, registry, records, routines, plans: new PlanRepository(store.db), clock: { now: () => now }, semesters: DEFAULT_SEMESTERS });
    const before = await service.school('S0001', '2026-11-20');
    expect(records.reads).toBe(1);

    now += 31_000; // past SOURCES_TTL_MS, nothing written
    await service.school('S0001', '2026-11-20');
    expect(records.reads).toBe(1);

    // Another node files last month's and this month's self-checks for S0001 (not through this service: no schoolChanged).
    for (const date of ['2026-10-15', '2026-11-19']) {
      await routines.addSelfCheck({ id: `SC-other-${date}`, schoolId: 'S0001', date, note: null, recordedBy: 'other', recordedAt: `${date}T03:00:00.000Z` });
    }
    now += 5_000; // within the time-to-live: not looked at yet
    await service.school('S0001', '2026-11-20');
    expect(records.reads).toBe(1);
    now += 31_000;
    const after = await service.school('S0001', '2026-11-20');
    expect(records.reads).toBe(2);
    const selfCheck = (answer: typeof before) => answer?.items.find((i) => i.rule === 'self_check')?.status;
    expect(selfCheck(after)).toBe('pass');
    expect(selfCheck(before)).not.toBe('pass');
  });
});
