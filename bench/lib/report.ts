/** One measured figure, against its target when it has one. */
export interface Figure {
  metric: string;
  value: string;
  target?: string;
  /** true PASS, false MISS, undefined no target. */
  pass?: boolean;
}

/** What a scenario hands back: its figures, and notes on how it was measured. */
export interface ScenarioReport {
  id: string;
  title: string;
  /** The requirement, quoted. */
  requirement: string;
  /** How it ran: duration, load, clients. */
  setup: string;
  figures: Figure[];
  notes: string[];
  /** CPU other processes on the machine used meanwhile, in cores (the noise to weigh the figures by). */
  otherCores?: number;
  /** Side-by-side tables (the hostile-reader cases: baseline beside attack), printed and written after the figures. */
  tables?: ReportTable[];
}

/** A table of a scenario's own shape, e.g. one row per attack with its baseline beside it. */
export interface ReportTable {
  caption: string;
  header: string[];
  rows: string[][];
}

export function verdict(pass: boolean | undefined): string {
  return pass === undefined ? '' : pass ? 'PASS' : 'MISS';
}

/** Prints a scenario's figures as an aligned console table. */
export function printReport(report: ScenarioReport): void {
  const rows = [['metric', 'measured', 'target', ''], ...report.figures.map((f) => [f.metric, f.value, f.target ?? '', verdict(f.pass)])];
  const widths = [0, 1, 2, 3].map((col) => Math.max(...rows.map((row) => (row[col] ?? '').length)));
  const line = (row: string[]) => `│ ${row.map((cell, col) => cell.padEnd(widths[col] ?? 0)).join(' │ ')} │`;
  const rule = (l: string, m: string, r: string) => `${l}${widths.map((w) => '─'.repeat(w + 2)).join(m)}${r}`;
  console.log(`\n${report.title}\n${report.setup}`);
  console.log(rule('┌', '┬', '┐'));
  console.log(line(rows[0] ?? []));
  console.log(rule('├', '┼', '┤'));
  for (const row of rows.slice(1)) console.log(line(row));
  console.log(rule('└', '┴', '┘'));
  for (const table of report.tables ?? []) {
    console.log(`\n${table.caption}`);
    for (const row of [table.header, ...table.rows]) console.log(`  ${row.join(' | ')}`);
  }
  for (const note of report.notes) console.log(`  · ${note}`);
}

/**
 * Who used the machine during a scenario, in cores: the server, the bench (its process and the
 * load generator) and everything else — on a shared machine, the last is the noise to weigh.
 */
export function otherCores(machineCores: number, serverCores: number, harnessCores: number): number {
  return Math.max(0, machineCores - serverCores - harnessCores);
}

export function machineFigure(machineCores: number, serverCores: number, harnessCores: number, cores: number): Figure {
  const other = otherCores(machineCores, serverCores, harnessCores);
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');
  return { metric: 'CPU in cores: server / bench + load / other processes', value: `${f(serverCores)} / ${f(harnessCores)} / ${f(other)} of ${cores}` };
}
