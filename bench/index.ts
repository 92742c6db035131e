/**
 * `npm run bench` — the performance scenarios of the issue, against a real server process:
 *   1. latency  alarm latency to 200 screens under 8,333 keepalives/s
 *   2. storm    5,000 intrusion alarms in 10 s: all, once, in order, drained in 2 s
 *   3. ingest   sustained keepalive ingest over HTTP for 5 minutes
 *   4. bytes    bytes per second to one screen vs a naive per-keepalive push
 *   5. painted  ingest → alarm painted on the real console in headless Chromium (city dataset)
 *   6. hostile  SOS → operator screen while hostile readers attack (herd, trends, command flood, nested body, registry reads)
 *   7. hotpaths the ingest path's pieces in process, CPU time, same-run comparisons (opt-in)
 *   8. risk     the school risk list recomputed at city and province scale, SOS → screen meanwhile (opt-in)
 *   9. report   the periodic report at city scale, with SOS latency meanwhile (opt-in)
 *  10. sip      GB/T 28181 over SIP/UDP: keepalives per CPU-second beside HTTP, SOS by SIP alarm → socket (opt-in)
 *  11. map      the map wall in Chromium at city and province scale: first paint, pan frames, long tasks, heap, a CPU profile (opt-in)
 *  12. devstate camera state through Redis vs in memory: keepalive folds and the sweep under a lease (opt-in, issue 17)
 *  13. cluster  SQLite vs PostgreSQL, one node vs two behind HAProxy: ingest rate, SOS → screens on both nodes (opt-in, issue 17)
 *  14. bigreads SOS → operator screen while readers ask for the province's largest registry answers (opt-in, issue 17)
 * Prints a table per scenario; a full run rewrites docs/benchmarks.md.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runBytes } from './bytes.js';
import { runIngestRate } from './ingest-rate.js';
import { runLatency } from './latency.js';
import { BenchContext, log } from './lib/context.js';
import { describeMachine, writeBenchmarksDoc } from './lib/docs.js';
import { printReport, verdict, type ScenarioReport } from './lib/report.js';
import { runStorm } from './storm.js';
import { PAINTED_OPEN_BEFORE, runPainted } from './painted.js';
import { runHotPaths } from './hot-paths.js';
import { runSoak } from './soak.js';
import { runBigReads } from './big-reads.js';
import { runHostile } from './hostile.js';
import { runRisk } from './risk.js';
import { runReportGen } from './report-gen.js';
import { runSip } from './sip.js';
import { runMap } from './map.js';
import { runDevState } from './devstate.js';
import { runCluster } from './cluster.js';

const SCENARIOS = ['latency', 'storm', 'ingest', 'bytes', 'painted', 'hostile'] as const;
/**
 * Run only when named in --only: the soak takes 30 minutes (and writes its own section of
 * docs/benchmarks.md); hotpaths measures pieces of the server in process, beside the scenarios.
 */
const OPT_IN_SCENARIOS = ['soak', 'hotpaths', 'risk', 'report', 'sip', 'map', 'devstate', 'cluster', 'bigreads'] as const;
/** Scenarios that start their own system (or none) and need no prepared province dataset. */
const SELF_CONTAINED: readonly string[] = ['painted', 'soak', 'hotpaths', 'hostile', 'risk', 'report', 'sip', 'map', 'devstate', 'cluster', 'bigreads'];
type ScenarioId = (typeof SCENARIOS)[number] | (typeof OPT_IN_SCENARIOS)[number];

const HELP = `Usage: npm run bench -- [options]

  --only <ids>         run only these scenarios (comma-separated): ${SCENARIOS.join(', ')}; and the opt-in soak (≥ 30 min, --quick 3 min), hotpaths (≈ 1 min, CPU of the ingest path in process), risk (≈ 3 min, risk recomputation with SOS meanwhile), report (the periodic report at city scale, SOS latency meanwhile), sip (≈ 3 min: GB/T 28181 keepalives per CPU-second beside HTTP, SOS by SIP alarm → operator socket; writes its own section), map (≈ 5 min: the map wall in Chromium over the city and the province dataset, both imported on a first run into map-city/ and map-province/ of the data directory; writes its own section), devstate (≈ 5 min: camera state through Redis vs in memory, keepalive folds and the sweep under a lease; needs Redis, REDIS_URL or 127.0.0.1:6379; writes its own section) cluster (≈ 5 min, --quick ≈ 3: the same keepalive + SOS workload on SQLite one node, PostgreSQL one node and PostgreSQL two nodes behind HAProxy; needs PostgreSQL, Redis and haproxy; writes its own section) and bigreads (≈ 5 min: SOS latency while ten sessions ask for the province's every device, full wall snapshot and whole registry; imported on a first run into bigreads-province/; writes its own section)
  --quick              shortened durations for a smoke run (≈ 3 minutes in all)
  --scale <s>          dataset: province (default) or city
  --data-dir <dir>     use (and keep) this data directory instead of a fresh temporary one
  --connections <n>    keep-alive connections of the ingest-rate scenario (default 4)
  --painted-open <n>   open alarms in the console's queue before the painted scenario measures (default 300; up to 5,000)
  --server-node-args=<s> extra Node options for the server processes (space-separated), e.g. --server-node-args="--cpu-prof --cpu-prof-dir=/tmp/prof"
  --write / --no-write rewrite docs/benchmarks.md (default: only after a full, unshortened run of all scenarios)
  --help               this text
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      quick: { type: 'boolean', default: false },
      scale: { type: 'string', default: 'province' },
      'data-dir': { type: 'string' },
      connections: { type: 'string', default: '4' },
      'painted-open': { type: 'string', default: String(PAINTED_OPEN_BEFORE) },
      'server-node-args': { type: 'string', default: '' },
      write: { type: 'boolean' },
      'no-write': { type: 'boolean' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : [...SCENARIOS];
  const unknown = only.filter((id) => !([...SCENARIOS, ...OPT_IN_SCENARIOS] as readonly string[]).includes(id));
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}: choose from ${[...SCENARIOS, ...OPT_IN_SCENARIOS].join(', ')}`);
  if (values.scale !== 'province' && values.scale !== 'city') throw new Error('--scale is province or city');
  const connections = Number(values.connections);
  if (!Number.isInteger(connections) || connections < 1 || connections > 64) throw new Error('--connections is a whole number from 1 to 64');
  const paintedOpen = Number(values['painted-open']);
  if (!Number.isInteger(paintedOpen) || paintedOpen < 0 || paintedOpen > 5_000) throw new Error('--painted-open is a whole number from 0 to 5000');
  const selected: ScenarioId[] = [...SCENARIOS, ...OPT_IN_SCENARIOS].filter((id) => only.includes(id));
  const complete = SCENARIOS.every((id) => selected.includes(id)) && !values.quick;
  const write = values['no-write'] ? false : (values.write ?? complete);
  /** What the scenarios that write their own section are told: --write, --no-write, or nothing (they decide). */
  const sectionWrite = values['no-write'] ? { write: false } : values.write === undefined ? {} : { write: values.write };

  const keepData = values['data-dir'] !== undefined;
  const dataDir = path.resolve(values['data-dir'] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'xiaoan-bench-')));
  fs.mkdirSync(dataDir, { recursive: true });
  // A temporary data directory goes whatever way the bench ends (Ctrl-C included).
  if (!keepData) process.once('exit', () => fs.rmSync(dataDir, { recursive: true, force: true }));
  const logFile = path.join(dataDir, 'server.log');
  const machine = describeMachine();
  const started = performance.now();
  const ctx = new BenchContext({ dataDir, scale: values.scale, quick: values.quick, logFile, runId: crypto.randomBytes(4).toString('hex'),
    serverNodeArgs: values['server-node-args'].split(' ').filter(Boolean),
  });
  log(`Xiaoan bench: ${selected.join(', ')}${values.quick ? ' (quick)' : ''}, ${values.scale} dataset, data in ${dataDir}`);
  log(`${machine.cpu} × ${machine.cores}, ${machine.memoryGiB} GiB, Node ${machine.node}, load ${machine.loadAverage}`);

  const runners: Record<ScenarioId, () => Promise<ScenarioReport>> = {
    latency: () => runLatency(ctx),
    storm: () => runStorm(ctx),
    ingest: () => runIngestRate(ctx, connections),
    bytes: () => runBytes(ctx),
    painted: () => runPainted({ quick: ctx.quick, openBefore: paintedOpen }),
    hostile: () => runHostile(ctx),
    bigreads: () => runBigReads(ctx, sectionWrite),
    hotpaths: () => runHotPaths({ quick: ctx.quick }),
    risk: () => runRisk({ quick: ctx.quick }),
    report: () => runReportGen(ctx),
    sip: () => runSip(ctx, sectionWrite),
    map: () => runMap(ctx, sectionWrite),
    devstate: () => runDevState({ quick: ctx.quick, ...sectionWrite, ...(process.env.REDIS_URL ? { url: process.env.REDIS_URL } : {}) }),
    cluster: () => runCluster({ quick: ctx.quick, ...sectionWrite }),
    soak: () => runSoak({ quick: ctx.quick, ...sectionWrite }),
  };
  const reports: ScenarioReport[] = [];
  let failed = false;
  try {
    try {
      if (selected.some((id) => !SELF_CONTAINED.includes(id))) await ctx.prepare();
    } catch (error) {
      printLogTail(logFile);
      throw error;
    }
    for (const id of selected) {
      log(`scenario ${id}`);
      try {
        const report = await runners[id]();
        reports.push(report);
        printReport(report);
      } catch (error) {
        failed = true;
        console.error(`\nscenario ${id} failed:`, error);
        printLogTail(logFile);
      }
    }
  } finally {
    if (!keepData) fs.rmSync(dataDir, { recursive: true, force: true });
  }

  const minutes = (performance.now() - started) / 60_000;
  const targets = reports.flatMap((r) => r.figures.filter((f) => f.pass !== undefined));
  console.log(`\n${targets.filter((f) => f.pass).length} of ${targets.length} targets met in ${minutes.toFixed(1)} min:`);
  for (const r of reports) for (const f of r.figures) if (f.pass !== undefined) console.log(`  ${verdict(f.pass).padEnd(4)}  ${r.title} — ${f.metric}: ${f.value} (target ${f.target})`);
  if (write && reports.length > 0) {
    const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
    const file = writeBenchmarksDoc({ machine, reports, command, scale: values.scale, quick: values.quick, minutes });
    log(`wrote ${path.relative(process.cwd(), file)}`);
  }
  // A missed target is a finding, not a failure of the bench; a scenario that could not run is.
  process.exitCode = failed ? 1 : 0;
}

function printLogTail(logFile: string): void {
  try {
    const lines = fs.readFileSync(logFile, 'utf8').trimEnd().split('\n');
    console.error(`--- last lines of ${logFile} ---\n${lines.slice(-30).join('\n')}`);
  } catch {
    // no log yet
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}` : error);
  process.exit(2);
});
