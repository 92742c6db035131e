import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ); 100 on every Linux we run on. */
const TICKS_PER_SECOND = (() => {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
})();

/** One reading of a process, from outside: CPU time used so far and resident memory. */
export interface ProcReading {
  /** performance.now() of the reading, ms. */
  at: number;
  /** User + system CPU time, seconds. */
  cpuSeconds: number;
  rssBytes: number;
}

/** Reads /proc/<pid>/stat (utime, stime) and /proc/<pid>/status (VmRSS); null once the process is gone. */
export function readProc(pid: number): ProcReading | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: the fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the name: state(3) ppid(4) … utime(14) stime(15), so indexes 11 and 12 here.
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? Number.NaN);
    return { at: performance.now(), cpuSeconds: (utime + stime) / TICKS_PER_SECOND, rssBytes: rssKb * 1024 };
  } catch {
    return null;
  }
}

/** CPU used between two readings as a fraction of one core (1 = one full core). */
export function cpuShare(from: ProcReading, to: ProcReading): number {
  const wall = (to.at - from.at) / 1000;
  return wall > 0 ? (to.cpuSeconds - from.cpuSeconds) / wall : Number.NaN;
}

/** Busy and total CPU time of the whole machine so far, seconds summed over cores (from /proc/stat). */
export function readMachine(): { at: number; busySeconds: number; cores: number } | null {
  try {
    const lines = fs.readFileSync('/proc/stat', 'utf8').split('\n');
    const all = lines[0]?.split(/\s+/).slice(1).map(Number) ?? [];
    // user nice system idle iowait irq softirq steal …: idle and iowait are the not-busy ones.
    const busy = all.reduce((sum, v, i) => (i === 3 || i === 4 || i > 7 ? sum : sum + v), 0);
    const cores = lines.filter((l) => /^cpu\d+ /.test(l)).length;
    return { at: performance.now(), busySeconds: busy / TICKS_PER_SECOND, cores };
  } catch {
    return null;
  }
}
