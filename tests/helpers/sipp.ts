import { spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort as freeTcpPort } from '../../bin/cluster-procs.js';

/**
 * SIPp (Debian's sip-tester) as a GB/T 28181 device in the SIP suites: a scenario of tests/sipp run
 * as a child process against the running endpoint, its outcome read from its exit code and its
 * statistics file. Raw UDP/TCP senders for what SIPp cannot send (broken SIP).
 */

/** The scenario files (tests/sipp). */
export const SIPP_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../sipp');

/** The platform's defaults (server/config.ts). */
export const PLATFORM_ID = '41040000002000000001';
export const PLATFORM_DOMAIN = '4104000000';

/** Whether the SIP suites run: yes when `sipp` is on PATH; in CI a missing SIPp is an error, elsewhere a visible skip. */
export function sippAvailable(): boolean {
  const found = spawnSync('sipp', ['-v'], { encoding: 'utf8' });
  if (!found.error) return true;
  if (process.env.CI) throw new Error('SIPp (sipp, Debian package sip-tester) is required in CI but is not on PATH');
  console.warn('[xiaoan tests] no sipp on PATH: the GB/T 28181 SIP suites are skipped (they run in CI; apt-get install sip-tester).');
  return false;
}

/** A device SIPp plays: its 20-digit code and the password it answers the digest challenge with. */
export interface SippDevice {
  code: string;
  password: string;
}

/** A channel a device's catalog answer lists (device-ooc.xml). */
export interface CatalogChannel {
  code: string;
  name: string;
  parent: string;
}

/** The scenario files of tests/sipp. */
export type SippScenario = 'register' | 'keepalive' | 'alarm' | 'unregister' | 'storm' | 'wrong-password' | 'unknown-device';

export interface SippOptions {
  scenario: SippScenario;
  /** Where the endpoint listens. */
  host?: string;
  port: number;
  transport: 'udp' | 'tcp';
  /** One injection line each, used in order. */
  devices: SippDevice[];
  /** Calls to make (-m); default one per device. */
  calls?: number;
  /** Calls started per second (-r); SIPp's default 10 otherwise. */
  rate?: number;
  /** SIPp's own SIP port (-p); a device keeps its port across runs so that the endpoint sees one source. Default: a free one. */
  localPort?: number;
  /** Channels the device's catalog answer lists; none by default. */
  catalog?: CatalogChannel[];
  /** Further keywords (-key): alarm.xml's alarm, sn, alarm_time, …; expires defaults to 3600. */
  keys?: Record<string, string>;
  platform?: string;
  domain?: string;
  /** SIPp's global timeout (-timeout, failing when reached); the child is killed 5 s after it. Default 20 s. */
  timeoutS?: number;
}

/** What a SIPp run did: its exit code (0: every call succeeded, 1: at least one failed, other: a fatal error or the timeout), and its final statistics. */
export interface SippResult {
  exitCode: number | null;
  successful: number;
  failed: number;
  /** Requests received outside any call and handled by device-ooc.xml (the platform's catalog queries and alarm answers; SIPp counts them as AutoAnswered). */
  outOfCall: number;
  retransmissions: number;
  /** The last line of the statistics file, by column name (SIPp's `-trace_stat` columns, e.g. `FailedUnexpectedMessage(C)`). */
  stats: Record<string, string>;
  /** SIPp's error log (unexpected messages, timeouts), for failure messages. */
  errors: string;
  /** The local port SIPp used. */
  localPort: number;
}

/**
 * A free local UDP port, also free on TCP (SIPp's -p with -t t1): picked below the kernel's
 * ephemeral range like every port a test starts a process on (bin/cluster-procs.ts freePort).
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await freeTcpPort();
    const socket = dgram.createSocket('udp4');
    const udpFree = await new Promise<boolean>((resolve) => {
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => resolve(true));
    });
    socket.close();
    if (udpFree) return port;
  }
}

/** device-ooc.xml's catalog_items: one `<Item>` per channel, on one line. */
export function catalogItems(channels: CatalogChannel[]): string {
  return channels
    .map(
      (c) =>
        `<Item><DeviceID>${c.code}</DeviceID><Name>${c.name}</Name><Manufacturer>SIPp</Manufacturer><Model>SIPp</Model><Owner>Owner</Owner>` +
        `<CivilCode>${c.code.slice(0, 6)}</CivilCode><Address>test</Address><Parental>0</Parental><ParentID>${c.parent}</ParentID>` +
        `<SafetyWay>0</SafetyWay><RegisterWay>1</RegisterWay><Secrecy>0</Secrecy><Status>ON</Status></Item>`,
    )
    .join('');
}

/** A MANSCDP time (YYYY-MM-DDTHH:MM:SS, local time of Asia/Shanghai) of an instant. */
export function manscdpTime(at: number): string {
  return new Date(at + 8 * 3600_000).toISOString().slice(0, 19);
}

function injectionFile(devices: SippDevice[]): string {
  return ['SEQUENTIAL', ...devices.map((d) => `${d.code};${d.password};[authentication username=${d.code} password=${d.password}]`)].join('\n') + '\n';
}

function lastStats(file: string): Record<string, string> {
  if (!fs.existsSync(file)) return {};
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  if (lines.length < 2) return {};
  const names = lines[0]!.split(';');
  const values = lines[lines.length - 1]!.split(';');
  return Object.fromEntries(names.map((n, i) => [n, values[i] ?? '']));
}

/** Runs one scenario of tests/sipp to its end (or its timeout) and reads its statistics. */
export async function runSipp(options: SippOptions): Promise<SippResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xiaoan-sipp-'));
  const csv = path.join(dir, 'devices.csv');
  fs.writeFileSync(csv, injectionFile(options.devices));
  const statFile = path.join(dir, 'stat.csv');
  const errorFile = path.join(dir, 'errors.log');
  const localPort = options.localPort ?? (await freePort());
  const timeoutS = options.timeoutS ?? 20;
  const keys: Record<string, string> = {
    platform: options.platform ?? PLATFORM_ID,
    domain: options.domain ?? PLATFORM_DOMAIN,
    expires: '3600',
    catalog_num: String(options.catalog?.length ?? 0),
    catalog_items: catalogItems(options.catalog ?? []),
    ...options.keys,
  };
  const args = [
    `${options.host ?? '127.0.0.1'}:${options.port}`,
    ...['-sf', path.join(SIPP_DIR, `${options.scenario}.xml`), '-oocsf', path.join(SIPP_DIR, 'device-ooc.xml')],
    ...['-inf', csv, '-m', String(options.calls ?? options.devices.length)],
    ...(options.rate ? ['-r', String(options.rate)] : []),
    ...['-t', options.transport === 'tcp' ? 't1' : 'u1', '-i', '127.0.0.1', '-p', String(localPort)],
    ...['-nostdin', '-timeout', `${timeoutS}s`, '-timeout_error', '-default_behaviors', 'abortunexp'],
    ...['-trace_stat', '-stf', statFile, '-trace_err', '-error_file', errorFile],
    ...Object.entries(keys).flatMap(([k, v]) => ['-key', k, v]),
  ];
  const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), (timeoutS + 5) * 1000);
  const exitCode = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  clearTimeout(killer);
  const stats = lastStats(statFile);
  const count = (name: string) => Number(stats[`${name}(C)`] ?? 0);
  const errors = (fs.existsSync(errorFile) ? fs.readFileSync(errorFile, 'utf8') : '') + stderr;
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    exitCode,
    successful: count('SuccessfulCall'),
    failed: count('FailedCall'),
    outOfCall: count('AutoAnswered'),
    retransmissions: count('Retransmissions'),
    stats,
    errors,
    localPort,
  };
}

/** Sends one datagram from `bindAddress` (`payload` may be made from the sending port) and resolves with the first datagram answered within `waitMs` (null: none). */
export async function udpExchange(port: number, payload: string | Buffer | ((fromPort: number) => string | Buffer), waitMs = 500, host = '127.0.0.1', bindAddress = '127.0.0.1'): Promise<string | null> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, bindAddress, resolve));
  const bytes = typeof payload === 'function' ? payload(socket.address().port) : payload;
  try {
    const answer = new Promise<string | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), waitMs);
      socket.once('message', (msg) => {
        clearTimeout(timer);
        resolve(msg.toString('latin1'));
      });
    });
    socket.send(bytes, port, host);
    return await answer;
  } finally {
    socket.close();
  }
}

/** Writes `payload` on a fresh TCP connection and resolves with what arrives within `waitMs` (possibly empty), and whether the endpoint closed it. */
export async function tcpExchange(port: number, payload: string | Buffer, waitMs = 500, host = '127.0.0.1'): Promise<{ answer: string; closed: boolean }> {
  const socket = net.connect({ host, port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let answer = '';
  let closed = false;
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
  socket.on('error', () => (closed = true));
  socket.on('close', () => (closed = true));
  socket.write(payload);
  await new Promise((r) => setTimeout(r, waitMs));
  socket.destroy();
  return { answer, closed };
}

/** The status code of a SIP answer (`SIP/2.0 400 Bad Request` → 400), or null. */
export function sipStatus(answer: string | null): number | null {
  const match = answer ? /^SIP\/2\.0 (\d{3})/.exec(answer) : null;
  return match ? Number(match[1]) : null;
}

/** A SIP request as a device would send it over UDP from `fromPort`, with the given method, extra headers and body. */
export function sipRequest(options: { method: string; device: string; fromPort: number; body?: string; headers?: string[]; callId?: string; transport?: 'UDP' | 'TCP' }): string {
  const body = options.body ?? '';
  return [
    `${options.method} sip:${PLATFORM_ID}@${PLATFORM_DOMAIN} SIP/2.0`,
    `Via: SIP/2.0/${options.transport ?? 'UDP'} 127.0.0.1:${options.fromPort};rport;branch=z9hG4bK${Math.random().toString(36).slice(2)}`,
    'Max-Forwards: 70',
    `From: <sip:${options.device}@${PLATFORM_DOMAIN}>;tag=${Math.random().toString(36).slice(2)}`,
    `To: <sip:${PLATFORM_ID}@${PLATFORM_DOMAIN}>`,
    `Call-ID: ${options.callId ?? Math.random().toString(36).slice(2)}@127.0.0.1`,
    `CSeq: 1 ${options.method}`,
    ...(options.headers ?? []),
    ...(body ? ['Content-Type: Application/MANSCDP+xml'] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}
