import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../mocks/dataset/index.js';
import type { Dataset } from '../../shared/dataset.js';
import { PG_ROWS_PER_STATEMENT } from '../../server/db/bulk-insert.js';
import { openStore, type Store } from '../../server/db/database.js';
import { PlanRepository } from '../../server/db/plan.repository.js';
import { RecordRepository } from '../../server/db/record.repository.js';
import { RegistryRepository } from '../../server/db/registry.repository.js';
import { RoutineRepository } from '../../server/db/routine.repository.js';
import { availableEngines, freshPostgresDatabase, type Engine } from '../helpers/engines.js';

const engines = await availableEngines();

/** The tables the first-start import fills. */
const TABLES = [
  'schools', 'police_posts', 'guard_posts', 'devices', 'gb_nvrs', 'security_records', 'record_history', 'drills', 'inspections',
  'self_checks', 'hazards', 'hazard_transitions', 'camera_faults', 'school_people', 'emergency_plans', 'inspection_campaigns',
] as const;

async function counts(store: Store): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of TABLES) {
    const row = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(store.db);
    result[table] = Number(row.rows[0]!.n);
  }
  return result;
}

/** What the dataset should leave in each table. */
function expectedCounts(dataset: Dataset): Record<string, number> {
  const c = dataset.compliance!;
  return {
    schools: dataset.schools.length, police_posts: dataset.policePosts.length, guard_posts: dataset.guardPosts.length, devices: dataset.devices.length,
    gb_nvrs: dataset.nvrs!.length, security_records: c.securityRecords.length, record_history: c.recordHistory.length, drills: c.drills.length,
    inspections: c.inspections.length, self_checks: c.selfChecks.length, hazards: c.hazards.length,
    hazard_transitions: c.hazards.reduce((n, h) => n + h.transitions.length, 0), camera_faults: c.cameraFaults.length,
    school_people: c.schoolPeople.length, emergency_plans: c.emergencyPlans.length, inspection_campaigns: c.inspectionCampaigns!.length,
  };
}

const byId = <T extends { id: string }>(list: readonly T[]) => [...list].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/** The registry and compliance reads the server makes at start, as one comparable value. */
async function readBack(store: Store) {
  const registry = new RegistryRepository(store.db);
  const routines = new RoutineRepository(store.db);
  const records = await new RecordRepository(store.db).all();
  return {
    // Sorted here, in code-unit order: the engines' ORDER BY follows their collation.
    schools: byId(await registry.schools()), policePosts: byId(await registry.policePosts()), guardPosts: byId(await registry.guardPosts()),
    devices: byId(await registry.devices()), nvrs: await registry.nvrs(),
    records: [...records].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, r]) => r.record),
    selfChecks: byId(await routines.selfChecks()), drills: byId(await routines.drills()),
    // planSaves reads without ORDER BY (the rule takes the latest version whatever the order): sorted by version here.
    plans: [...(await new PlanRepository(store.db).planSaves())].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, saves]) => [id, [...saves].sort((x, y) => x.version - y.version)]),
    dataset: await registry.getMeta('dataset'),
  };
}

/** Counts the event loop's turns while `work` runs: a bulk import that never yields gives 0. */
async function turnsDuring(work: () => Promise<void>): Promise<number> {
  let turns = 0;
  let running = true;
  const spin = () => {
    if (!running) return;
    turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  await work();
  running = false;
  return turns;
}

/**
 * The first-start import (issue 17 item 5): PostgreSQL by unnest arrays, SQLite by multi-row
 * inserts, one transaction. A city dataset (every table, more devices than one PostgreSQL
 * statement carries) reads back as generated on both engines, identically; a dataset that fails at
 * its last device leaves every table empty, and the same database then takes the good one.
 */
describe('first-start dataset import', () => {
  let dataset: Dataset;
  const dirs: string[] = [];
  const stores: Store[] = [];
  const reads = new Map<Engine, Awaited<ReturnType<typeof readBack>>>();

  beforeAll(() => {
    dataset = generateDataset({ seed: 1717, scale: 'city', referenceDate: '2026-11-20', compliance: true });
  }, 120_000);
  afterAll(async () => {
    for (const store of stores) await store.close();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function open(engine: Engine): Promise<Store> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xiaoan-import-'));
    dirs.push(dir);
    const store = await openStore({ databaseUrl: engine === 'postgres' ? await freshPostgresDatabase() : null, dataDir: dir });
    stores.push(store);
    return store;
  }

  describe.each(engines)('on %s', (engine) => {
    it('is all-or-nothing, then loads every row as generated without holding the event loop', { timeout: 300_000 }, async () => {
      expect(dataset.devices.length).toBeGreaterThan(PG_ROWS_PER_STATEMENT * 2);
      const store = await open(engine);
      const registry = new RegistryRepository(store.db);

      // A duplicate of the first device at the very end: the primary key refuses the last chunk of devices.
      const broken: Dataset = { ...dataset, devices: [...dataset.devices, dataset.devices[0]!] };
      await expect(registry.importDataset(broken, Date.parse('2026-11-20T12:00:00Z'))).rejects.toThrow();
      expect(Object.values(await counts(store)).every((n) => n === 0)).toBe(true);
      expect(await registry.isEmpty()).toBe(true);
      expect(await registry.getMeta('dataset')).toBeNull();

      const turns = await turnsDuring(() => registry.importDataset(dataset, Date.parse('2026-11-20T12:00:00Z')));
      // At least once a chunk of devices: the loop was given back while the rows went in.
      expect(turns).toBeGreaterThanOrEqual(Math.floor(dataset.devices.length / PG_ROWS_PER_STATEMENT));
      expect(await counts(store)).toEqual(expectedCounts(dataset));

      const read = await readBack(store);
      expect(read.schools).toEqual(byId(dataset.schools));
      expect(read.policePosts).toEqual(byId(dataset.policePosts));
      expect(read.guardPosts).toEqual(byId(dataset.guardPosts).map((p) => ({ ...p, offDates: p.offDates ?? [] })));
      expect(read.devices).toEqual(byId(dataset.devices));
      expect(read.nvrs).toEqual([...dataset.nvrs!].sort((a, b) => (a.code < b.code ? -1 : 1)));
      expect(read.records.length).toBe(dataset.compliance!.securityRecords.length);
      expect(read.dataset).toBe(JSON.stringify({ seed: 1717, scale: 'city' }));
      reads.set(engine, read);
    });
  });

  it.runIf(engines.includes('postgres'))('reads back the same on SQLite and PostgreSQL', () => {
    const sqlite = reads.get('sqlite');
    const postgres = reads.get('postgres');
    expect(sqlite).toBeDefined();
    expect(postgres).toBeDefined();
    // Key by key and row by row, so that a difference names its table and row.
    for (const key of Object.keys(sqlite!) as (keyof NonNullable<typeof sqlite>)[]) {
      const a: unknown = sqlite![key];
      const b: unknown = postgres![key];
      if (Array.isArray(a) && Array.isArray(b)) {
        const left = a as unknown[];
        const right = b as unknown[];
        expect(right.length, key).toBe(left.length);
        const first = left.findIndex((row, i) => JSON.stringify(row) !== JSON.stringify(right[i]));
        expect(first === -1 ? null : { key, sqlite: left[first], postgres: right[first] }).toBeNull();
      } else {
        expect(b, key).toEqual(a);
      }
    }
  });
});
