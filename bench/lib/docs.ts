import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { verdict, type ScenarioReport } from './report.js';
import { repoRoot } from './server.js';

/** The machine a run was measured on. */
export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  date: string;
  loadAverage: string;
  /** The code measured: commit, and whether the server side had uncommitted changes. */
  code: string;
}

function describeCode(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const commit = git('rev-parse', '--short', 'HEAD');
    const dirty = git('status', '--porcelain', '--', 'server', 'shared', 'bin', 'mocks') !== '';
    return `${commit}${dirty ? ' with uncommitted changes in server/shared/bin/mocks' : ''}`;
  } catch {
    // Not a git checkout (e.g. an exported snapshot): say so, or what the caller says it is.
    return process.env.XIAOAN_BENCH_CODE ?? 'unknown (not a git checkout)';
  }
}

export function describeMachine(): Machine {
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    loadAverage: os.loadavg().map((v) => v.toFixed(2)).join(' / '),
    code: describeCode(),
  };
}

const cell = (text: string) => text.replaceAll('|', '\\|');

/** A scenario's setup, figures, tables and notes as Markdown lines: the same in the full document and in an opt-in scenario's own block. */
function reportBody(r: ScenarioReport): string[] {
  return [
    r.setup,
    '',
    '| metric | measured | target | |',
    '| --- | --- | --- | --- |',
    ...r.figures.map((f) => `| ${cell(f.metric.trim())} | ${cell(f.value)} | ${cell(f.target ?? '')} | ${f.pass === undefined ? '' : `**${verdict(f.pass)}**`} |`),
    '',
    ...(r.tables ?? []).flatMap((t) => [
      `**${t.caption}**`,
      '',
      `| ${t.header.map(cell).join(' | ')} |`,
      `| ${t.header.map(() => '---').join(' | ')} |`,
      ...t.rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
      '',
    ]),
    ...r.notes.map((n) => `- ${n}`),
  ];
}

/** Writes docs/benchmarks.md from a run's reports. */
export function writeBenchmarksDoc(run: { machine: Machine; reports: ScenarioReport[]; command: string; scale: string; quick: boolean; minutes: number }): string {
  const { machine, reports } = run;
  const noise = (r: ScenarioReport) => (r.otherCores === undefined ? 'n/a' : r.otherCores.toFixed(2));
  const summary = reports.flatMap((r) =>
    r.figures
      .filter((f) => f.pass !== undefined && f.target)
      .map((f) => `| ${cell(r.title)} | ${cell(f.metric.trim())} | ${cell(f.value)} | ${cell(f.target ?? '')} | **${verdict(f.pass)}** | ${noise(r)} |`),
  );
  const sections = reports.map((r) =>
    [
      `## ${r.title}`,
      '',
      `> ${r.requirement}`,
      '',
      ...reportBody(r),
      '',
    ].join('\n'),
  );
  const text = `# Benchmarks

Figures from \`npm run bench\` (\`bench/\`), written by the last full run${run.quick ? ' — **a shortened (--quick) run: durations are cut, figures are indicative only**' : ''}. Targets are checked here,
never in timed unit tests. Re-run on your machine before quoting them.

## Machine and run

| | |
| --- | --- |
| CPU | ${cell(machine.cpu)} × ${machine.cores} |
| Memory | ${machine.memoryGiB} GiB |
| Node | ${machine.node} (${cell(machine.os)}) |
| Date | ${machine.date} |
| Code measured | ${cell(machine.code)} |
| Load average at start (1 / 5 / 15 min) | ${machine.loadAverage} |
| Dataset | \`${run.scale}\` (XIAOAN_DATASET_SCALE), SQLite, one data directory for the run |
| Command | \`${cell(run.command)}\`, ${run.minutes.toFixed(0)} min |

The machine is shared and has ${machine.cores} cores: the server under test and the bench's load generator
run side by side on it, and other work may run at the same time — the last column of the summary
says how much CPU everything else took during each scenario (from /proc/stat, minus the server
and the bench). Comparisons made within one run (naive vs real bytes, first vs last screen,
with vs without keepalives) are the robust ones.

## Summary

| scenario | metric | measured | target | | other processes' CPU meanwhile (cores of ${machine.cores}) |
| --- | --- | --- | --- | --- | --- |
${summary.join('\n')}

${sections.join('\n')}
## How to run

\`\`\`sh
npm run bench                              # all four scenarios at full length (≈ 10–15 min), rewrites this file
npm run bench -- --quick                   # shortened smoke run (≈ 3 min); prints only
npm run bench -- --only latency --quick    # one scenario: latency, storm, ingest, bytes (comma-separated for several)
npm run bench -- --scale city              # the city dataset instead of the province (default province)
npm run bench -- --data-dir /tmp/xb        # reuse (or keep) a data directory: skips the first-start import next time
npm run bench -- --connections 8           # keep-alive connections of the ingest-rate scenario (default 4)
npm run bench -- --write                   # also rewrite this file after a partial or --quick run
npm run bench -- --only hostile --quick   # hostile readers: SOS → operator screen beside each attack (herd, trends, flood, nested body)
npm run bench -- --only soak               # opt-in: the kiosk in Chromium for 30 min (--quick: 3 min); writes its own section below
npm run bench -- --only hotpaths           # opt-in: CPU of the ingest path's pieces in process, same-run comparisons (≈ 1 min)
npm run bench -- --only sip                # opt-in: GB/T 28181 over SIP/UDP at city scale (≈ 3 min); writes its own section below
npm run bench -- --only map --data-dir /tmp/xb-map  # opt-in: the map wall in Chromium, city vs province (≈ 5 min; the first run imports both datasets); writes its own section below
npm run bench -- --only cluster            # opt-in: SQLite vs PostgreSQL, one node vs two behind HAProxy (PostgreSQL, Redis, haproxy; ≈ 5 min); writes its own section below
npm run bench -- --only devstate           # opt-in: camera state through Redis (REDIS_URL, else 127.0.0.1:6379) vs in memory (≈ 5 min); writes its own section below
\`\`\`

## Method

- **Server under test**: \`node --import tsx bin/xiaoan.ts\` (what \`tsx bin/xiaoan.ts\` runs, in one process so its pid is
  the server's) as a child process with \`PORT\` = a free port, \`HOST=127.0.0.1\`, \`XIAOAN_SIMULATOR=off\`,
  \`XIAOAN_INGEST_TOKEN=bench-token\`, \`XIAOAN_LOG_LEVEL=warn\`, \`XIAOAN_ADMIN_PASSWORD\` (the bench signs in as \`admin\`),
  \`XIAOAN_INGEST_RATE_PER_MINUTE=1000000\` (one token stands for all the province's gateways: 50,000 keepalives/s in
  batches of 100 is 30,000 requests a minute, above the per-token default), and one fresh \`XIAOAN_DATA_DIR\` shared by
  the scenarios of a run (the first start imports the dataset). Each scenario starts its own server process over
  that directory and waits for \`GET /api/v1/health\`. All traffic goes to 127.0.0.1.
- **Load**: keepalives come from a separate Node process (\`bench/lib/keepalive-worker.ts\`) over node:http
  keep-alive connections, cycling over the registry's camera ids (read once from \`GET /api/v1/devices?kind=camera\`);
  paced scenarios send one batch of 1,000 every 120 ms (8,333/s). Alarms are posted from the bench process.
  Every loop is bounded in time and stops by itself.
- **Screens**: real \`socket.io-client\` connections on the websocket transport in the bench process, signed in
  (the administrator's session cookie from \`POST /api/v1/auth/login\`, sent as a handshake header) and handshaking
  with the server's current \`seq\` (so they start live, without a snapshot). The registry is read with the ingest token.
- **Server CPU and memory** are read from outside: \`/proc/<pid>/stat\` (utime + stime; 100 % = one core)
  and \`/proc/<pid>/status\` (VmRSS). **Event-loop delay** comes from \`GET /api/v1/health\` (\`eventLoop\`,
  "since the previous call"; the bench is its only reader). Node's histogram records the whole timer interval,
  so a server that reports it raw shows p50 ≈ its 10 ms sampling resolution when idle: the bench reads the idle
  figure after each start and takes that offset off (0 for a server that already does); "n/a" when the server
  does not report the figure.
`;
  const file = path.join(repoRoot, 'docs/benchmarks.md');
  // The opt-in soak (bench/soak.ts) keeps its own section across the other scenarios' full runs,
  // and so do the hand-written analysis notes (what was changed for which figure, and why).
  const previous = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  // The hostile readers' figures before the issue-12 fixes stay until a run measures the scenario itself.
  const measuredHostile = reports.some((r) => r.id === 'hostile');
  const kept = [
    /<!-- analysis:begin -->[\s\S]*<!-- analysis:end -->/,
    ...(measuredHostile ? [] : [/<!-- hostile-before:begin -->[\s\S]*<!-- hostile-before:end -->/]),
    /<!-- soak:begin -->[\s\S]*<!-- soak:end -->/,
    // The opt-in risk scenario's figures (issue 15), recorded by hand from its run.
    /<!-- risk:begin -->[\s\S]*<!-- risk:end -->/,
    // Likewise the opt-in periodic report's (issue 15).
    /<!-- report:begin -->[\s\S]*<!-- report:end -->/,
    // The opt-in SIP scenario's (issue 16), written by its own run (bench/sip.ts).
    /<!-- sip:begin -->[\s\S]*<!-- sip:end -->/,
    // The opt-in map wall's (issue 17), written by its own run (bench/map.ts).
    /<!-- map:begin -->[\s\S]*<!-- map:end -->/,
    // The opt-in device-state scenario's (issue 17), written by its own run (bench/devstate.ts).
    /<!-- devstate:begin -->[\s\S]*<!-- devstate:end -->/,
    // PostgreSQL at province scale (issue 17 item 5): recorded by hand (bench/pg-province.ts and the notes there).
    /<!-- pgscale:begin -->[\s\S]*<!-- pgscale:end -->/,
    // The opt-in cluster comparison's (issue 17), written by its own run (bench/cluster.ts).
    /<!-- cluster:begin -->[\s\S]*<!-- cluster:end -->/,
    // The opt-in big reads' (issue 17), written by its own run (bench/big-reads.ts).
    /<!-- bigreads:begin -->[\s\S]*<!-- bigreads:end -->/,
    // The wall's page thread at rest, recorded by hand from bench/page-idle.ts.
    /<!-- pageidle:begin -->[\s\S]*<!-- pageidle:end -->/,
  ]
    .map((pattern) => pattern.exec(previous)?.[0])
    .filter((block): block is string => block !== undefined);
  fs.writeFileSync(file, kept.length > 0 ? `${text.trimEnd()}\n\n${kept.join('\n\n')}\n` : text);
  return file;
}

/**
 * Writes (or replaces) an opt-in scenario's own block of docs/benchmarks.md — `<!-- <id>:begin -->`
 * … `<!-- <id>:end -->`, kept by full runs (see `kept` above) — with the machine and command it ran on.
 */
export function writeScenarioSection(id: string, report: ScenarioReport, run: { machine: Machine; command: string; minutes: number }): string {
  const begin = `<!-- ${id}:begin -->`;
  const end = `<!-- ${id}:end -->`;
  const { machine } = run;
  const file = path.join(repoRoot, 'docs/benchmarks.md');
  const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = before.indexOf(begin);
  const stop = before.indexOf(end);
  // Notes written by hand inside the block (`<!-- <id>-notes:begin -->` … `end`) stay across runs.
  const notes = start >= 0 && stop > start ? new RegExp(`<!-- ${id}-notes:begin -->[\\s\\S]*<!-- ${id}-notes:end -->`).exec(before.slice(start, stop))?.[0] : undefined;
  const section = [
    begin,
    `## ${report.title}`,
    '',
    `> ${report.requirement}`,
    '',
    `\`${cell(run.command)}\` (opt-in, ${run.minutes.toFixed(1)} min), run ${machine.date} on ${cell(machine.cpu)} × ${machine.cores}, ${machine.memoryGiB} GiB, ` +
      `Node ${machine.node} (${cell(machine.os)}), load average ${machine.loadAverage} at the start; code ${cell(machine.code)}.`,
    '',
    ...reportBody(report),
    ...(notes ? ['', notes] : []),
    end,
  ].join('\n');
  const text = start >= 0 && stop > start ? `${before.slice(0, start)}${section}${before.slice(stop + end.length)}` : `${before.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(file, text);
  return file;
}
