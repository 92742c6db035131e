/**
 * Issue 17 item 5, by hand (not part of `npm run bench`): the screens' and the compliance desk's
 * first reads against a server on a database that already holds a province — e.g. PostgreSQL,
 * after a first start with `XIAOAN_DATASET_SCALE=province`. One GET at a time, timed at the client,
 * each route twice (the first may read the database, the second is what the caches give).
 *
 *   tsx bench/pg-province.ts --database-url postgres://postgres@127.0.0.1:5432/xiaoan_province [--trend]
 *
 * Figures of a run: docs/benchmarks.md, "PostgreSQL at province scale".
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ServerUnderTest } from './lib/server.js';

const { values } = parseArgs({ options: { 'database-url': { type: 'string' }, trend: { type: 'boolean', default: false } } });
const databaseUrl = values['database-url'];
if (!databaseUrl) {
  console.error('--database-url is required (a database that already holds a dataset)');
  process.exit(2);
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xiaoan-pg-province-'));
const server = await ServerUnderTest.start({ dataDir, scale: 'province', logFile: path.join(dataDir, 'server.log'), env: { DATABASE_URL: databaseUrl } });
console.log(`server answered /health after ${(server.startMs / 1000).toFixed(1)} s (load ${os.loadavg()[0]!.toFixed(1)})`);

const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const routes = [
  '/api/v1/wall',
  '/api/v1/alarms?limit=200',
  '/api/v1/compliance/matrix',
  '/api/v1/compliance/schools?status=fail',
  '/api/v1/schools/S01234/compliance',
  ...(values.trend ? [`/api/v1/compliance/trend?to=${today}`] : []),
];
try {
  for (const route of routes) {
    const times: string[] = [];
    let bytes = 0;
    for (let i = 0; i < 2; i++) {
      const started = performance.now();
      const answer = await server.getJson<unknown>(route);
      times.push(`${(performance.now() - started).toFixed(0)} ms`);
      bytes = JSON.stringify(answer).length;
    }
    console.log(`| GET ${route.replace('/api/v1', '')} | ${times.join(' / ')} | ${(bytes / 1024).toFixed(0)} KiB |`);
  }
} finally {
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
