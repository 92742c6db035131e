/**
 * Scenario `sip` (opt-in, issue 16) — the GB/T 28181 SIP endpoint at city scale, one server
 * process (XIAOAN_GB28181=on), every school's NVR registered with MD5 digest from a loopback
 * address of its own (bench/lib/sip-device.ts), its catalog answered; then in the same run:
 *   a. Notify/Keepalive over SIP/UDP as fast as the server answers (a bounded window in flight):
 *      messages/s, the camera keepalives they carry (an NVR's keepalive marks all its cameras),
 *      server CPU → keepalives per CPU-second;
 *   b. `camera.heartbeat` batches over HTTP for as long, the same way (KeepaliveLoad) → the same figure;
 *   c. SOS raised by SIP Notify/Alarm from schools' one-key alarm inputs every 250 ms while SIP
 *      keepalives run paced at 1,000/s → the operator's socket: p50/p99/max, beside a quiet baseline.
 * Writes its own block of docs/benchmarks.md (`<!-- sip:begin -->`) after a full-length run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Device } from '../shared/domain/index.js';
import { log, type BenchContext } from './lib/context.js';
import { describeMachine, writeScenarioSection } from './lib/docs.js';
import { KeepaliveLoad } from './lib/keepalive-load.js';
import { machineFigure, otherCores, type Figure, type ScenarioReport } from './lib/report.js';
import { connectScreen, type Screen } from './lib/screens.js';
import { watchOwnCpu } from './lib/self-loop.js';
import { BENCH_TOKEN, machineCpu, ServerSampler, ServerUnderTest, weightedCpu, type ServerSample } from './lib/server.js';
import { SipAlarmProbe, type AlarmRound, type AlarmSource } from './lib/sip-alarms.js';
import { SipDevice, type SipNvr, type SipPlatform } from './lib/sip-device.js';
import { SipLoad, type LoadNvr } from './lib/sip-load.js';
import { freeSipPort, loopbackAddress } from './lib/sip-wire.js';
import { distribution, fmtInt, fmtMs, fmtPct, sleep } from './lib/stats.js';

const PLATFORM_ID = '41040000002000000001';
const DOMAIN = '4104000000';
const PASSWORD = 'sip-bench-device-password';
/** Keepalives in flight in the as-fast-as-answered phase. */
const WINDOW = 200;
const PACED_RATE = 1000;
const ALARM_EVERY_MS = 250;
const WARM_UP_ALARMS = 5;
const TARGET_MAX_MS = 250;

interface Sizes {
  phaseMs: number;
  alarms: number;
  baseline: number;
}
const FULL: Sizes = { phaseMs: 20_000, alarms: 200, baseline: 20 };
const QUICK: Sizes = { phaseMs: 8_000, alarms: 40, baseline: 10 };

interface Nvr {
  code: string;
  cameras: Device[];
  inputs: Device[];
}

/** The schools' NVRs from the registry (GET /devices: each camera and alarm input names its NVR in gbParent). */
async function nvrsOf(server: ServerUnderTest): Promise<Nvr[]> {
  const byCode = new Map<string, Nvr>();
  for (const kind of ['camera', 'sos', 'intrusion'] as const) {
    const { devices } = await server.getJson<{ devices: Device[] }>(`/api/v1/devices?kind=${kind}`);
    for (const device of devices) {
      if (!device.gbParent || !device.gbCode) continue;
      let nvr = byCode.get(device.gbParent);
      if (!nvr) byCode.set(device.gbParent, (nvr = { code: device.gbParent, cameras: [], inputs: [] }));
      (kind === 'camera' ? nvr.cameras : nvr.inputs).push(device);
    }
  }
  if (byCode.size === 0) throw new Error('no device of the registry has a GB code (gbCode/gbParent): the dataset predates issue 16');
  return [...byCode.values()].sort((a, b) => (a.code < b.code ? -1 : 1));
}

const channelsOf = (nvr: Nvr) => [...nvr.cameras, ...nvr.inputs].map((d) => ({ code: d.gbCode ?? '', name: d.name }));

/** What the server did while `work` ran: its CPU (of one core) from /proc, and how far its counters moved. */
async function measured<T>(server: ServerUnderTest, work: () => Promise<T>): Promise<{ result: T; cpu: number; samples: ServerSample[]; accepted: number; sipKeepalives: number; benchCpu: number }> {
  const before = await server.health();
  const sampler = new ServerSampler(server, 2000);
  await sampler.start();
  const own = watchOwnCpu();
  const result = await work();
  await sampler.stop();
  const benchCpu = own.read();
  const after = await server.health();
  return {
    result, cpu: weightedCpu(sampler.samples), samples: sampler.samples, benchCpu,
    accepted: after.ingest.accepted - before.ingest.accepted,
    sipKeepalives: (after.sip?.keepalives ?? 0) - (before.sip?.keepalives ?? 0),
  };
}

const triple = (values: number[]) => {
  const d = distribution(values);
  return `${fmtMs(d.p50)} / ${fmtMs(d.p99)} / ${fmtMs(d.max)}`;
};
const perCpuSecond = (rate: number, cpu: number) => (cpu > 0 ? rate / cpu : Number.NaN);
const statuses = (counts: Record<string, number>) => Object.entries(counts).map(([status, n]) => `${status === '0' ? 'no answer' : `status ${status}`} × ${fmtInt(n)}`).join(', ') || '—';

export async function runSip(ctx: BenchContext, options: { write?: boolean }): Promise<ScenarioReport> {
  const sizes = ctx.quick ? QUICK : FULL;
  const started = performance.now();
  const machine = describeMachine();
  const dataDir = path.join(ctx.options.dataDir, 'sip-city');
  fs.mkdirSync(dataDir, { recursive: true });
  const sipPort = await freeSipPort();
  const server = await ServerUnderTest.start({
    dataDir, scale: 'city', logFile: ctx.options.logFile, nodeArgs: ctx.options.serverNodeArgs,
    env: { XIAOAN_GB28181: 'on', XIAOAN_GB28181_ID: PLATFORM_ID, XIAOAN_GB28181_DOMAIN: DOMAIN, XIAOAN_GB28181_HOST: '127.0.0.1', XIAOAN_GB28181_PORT: String(sipPort), XIAOAN_GB28181_PASSWORD: PASSWORD },
  });
  log(`  server pid ${server.pid} on ${server.url} (city dataset), SIP on udp 127.0.0.1:${sipPort}, ready in ${(server.startMs / 1000).toFixed(1)} s`);
  const platform: SipPlatform = { id: PLATFORM_ID, domain: DOMAIN, host: '127.0.0.1', port: sipPort, password: PASSWORD };
  const alarmDevices: SipDevice[] = [];
  let load: SipLoad | null = null;
  let screen: Screen | null = null;
  try {
    const nvrs = await nvrsOf(server);
    const cameras = nvrs.reduce((n, nvr) => n + nvr.cameras.length, 0);
    // The NVRs that raise the SOS are the bench process's own; every other NVR is the generator's.
    const alarmCount = WARM_UP_ALARMS + sizes.baseline + sizes.alarms;
    const withButton = nvrs.filter((nvr) => nvr.inputs.some((d) => d.kind === 'sos'));
    if (withButton.length < alarmCount) throw new Error(`${withButton.length} NVRs have a one-key button, fewer than the ${alarmCount} alarms`);
    const alarmNvrs = new Set(withButton.slice(0, alarmCount).map((nvr) => nvr.code));
    const loadNvrs: LoadNvr[] = nvrs
      .filter((nvr) => !alarmNvrs.has(nvr.code))
      .map((nvr, i) => ({ code: nvr.code, address: loopbackAddress(alarmCount + 1 + i), channels: channelsOf(nvr), cameras: nvr.cameras.length }));
    log(`  ${fmtInt(nvrs.length)} NVRs (${fmtInt(cameras)} cameras): ${fmtInt(loadNvrs.length)} in the keepalive generator, ${alarmCount} raising SOS from the bench`);

    const sources: AlarmSource[] = [];
    for (const [i, nvr] of withButton.slice(0, alarmCount).entries()) {
      const address: SipNvr = { code: nvr.code, address: loopbackAddress(i + 1), channels: channelsOf(nvr) };
      const device = await SipDevice.open(address, platform);
      alarmDevices.push(device);
      const button = nvr.inputs.find((d) => d.kind === 'sos')!;
      sources.push({ device, button: { id: button.id, code: button.gbCode ?? '' } });
    }

    // Registration storm: every NVR at once (64 in flight from the generator, 16 from the bench), each then queried for its catalog.
    log('  registering every NVR (REGISTER → 401 → REGISTER with digest → 200; the platform then asks for the catalog)');
    load = await SipLoad.start(platform, loadNvrs);
    const registerStarted = performance.now();
    const benchRegistered = (async () => {
      const results: number[] = [];
      for (let i = 0; i < alarmDevices.length; i += 16) results.push(...(await Promise.all(alarmDevices.slice(i, i + 16).map((d) => d.register()))));
      return results;
    })();
    const generatorRegistered = await load.register(64);
    const benchResults = await benchRegistered;
    const registerMs = performance.now() - registerStarted;
    const registered = generatorRegistered.registered + benchResults.filter((s) => s === 200).length;
    const failedRegistrations = { ...generatorRegistered.failed };
    for (const s of benchResults.filter((s) => s !== 200)) failedRegistrations[s] = (failedRegistrations[s] ?? 0) + 1;
    log(`  ${fmtInt(registered)} of ${fmtInt(nvrs.length)} registered in ${fmtMs(registerMs)}; refused: ${statuses(failedRegistrations)}`);
    if (registered === 0) throw new Error('no NVR could register');
    // Each registered NVR's catalog: wait until the platform has asked every one and read the answers.
    const catalogDeadline = performance.now() + 120_000;
    let catalogs = 0;
    while (performance.now() < catalogDeadline) {
      const asked = (await load.counters()).catalogQueries + alarmDevices.reduce((n, d) => n + d.counters.catalogQueries, 0);
      catalogs = asked;
      if (asked >= registered) break;
      await sleep(1000);
    }
    const catalogMs = performance.now() - registerStarted;
    const afterRegister = await server.health();
    log(`  catalogs asked of ${fmtInt(catalogs)} NVRs, ${fmtInt(afterRegister.sip?.catalogs ?? 0)} catalog answers read by the server, ${fmtMs(catalogMs)} after the first REGISTER`);

    // a. SIP keepalives as fast as answered
    log(`  a. ${sizes.phaseMs / 1000} s of SIP Notify/Keepalive, ${WINDOW} in flight, round-robin over ${fmtInt(loadNvrs.length)} NVRs`);
    const generator = load;
    let sipGeneratorCpu = Number.NaN;
    const sip = await measured(server, async () => {
      const read = setTimeout(() => (sipGeneratorCpu = generator.cpu()), Math.max(0, sizes.phaseMs - 1000));
      try {
        return await generator.run({ mode: 'max', rate: 0, window: WINDOW, durationMs: sizes.phaseMs, timeoutMs: 5000 });
      } finally {
        clearTimeout(read);
      }
    });
    const sipSeconds = sip.result.elapsedMs / 1000;
    const sipRate = sip.result.ok / sipSeconds;
    const sipCameraRate = sip.result.cameraKeepalives / sipSeconds;
    log(`     ${fmtInt(sipRate)} keepalives/s (${fmtInt(sipCameraRate)} camera keepalives/s) at ${fmtPct(sip.cpu)} server CPU; lost ${fmtInt(sip.result.lost)}, refused ${statuses(sip.result.refused)}`);

    // b. HTTP keepalives as fast as answered
    const idsFile = path.join(dataDir, 'sip-bench-camera-ids.txt');
    fs.writeFileSync(idsFile, nvrs.flatMap((nvr) => nvr.cameras.map((d) => d.id)).join('\n'));
    log(`  b. ${sizes.phaseMs / 1000} s of camera.heartbeat batches of 100 over HTTP, 4 connections`);
    let httpGeneratorCpu = Number.NaN;
    const http = await measured(server, async () => {
      const keepalives = await KeepaliveLoad.start({ url: server.url, token: BENCH_TOKEN, idsFile, mode: 'max', rate: 0, batchSize: 100, connections: 4, durationMs: sizes.phaseMs, startIndex: 0 });
      const read = setTimeout(() => (httpGeneratorCpu = keepalives.cpu()), Math.max(0, sizes.phaseMs - 1500));
      // The generator stops by itself once its duration is up.
      try {
        return await keepalives.done();
      } finally {
        clearTimeout(read);
      }
    });
    const httpRate = http.result.accepted / (http.result.elapsedMs / 1000);
    log(`     ${fmtInt(httpRate)} camera keepalives/s at ${fmtPct(http.cpu)} server CPU`);

    // c. SOS over SIP → operator socket: quiet, then under paced SIP keepalives
    screen = await connectScreen(server, (await server.health()).seq);
    const probe = new SipAlarmProbe(screen, sources, (Math.floor(Date.now() / 1000) % 1_000_000) * 1000);
    await probe.round(WARM_UP_ALARMS, ALARM_EVERY_MS);
    log(`  c. ${sizes.baseline} SOS over SIP, one every ${ALARM_EVERY_MS} ms, quiet`);
    const quiet = await probe.round(sizes.baseline, ALARM_EVERY_MS);
    const pacedMs = sizes.alarms * ALARM_EVERY_MS + 4000;
    log(`     then ${sizes.alarms} more while SIP keepalives run paced at ${fmtInt(PACED_RATE)}/s for ${(pacedMs / 1000).toFixed(0)} s`);
    const busy = await measured(server, async () => {
      const keepalives = generator.run({ mode: 'paced', rate: PACED_RATE, window: 2000, durationMs: pacedMs, timeoutMs: 5000 });
      await sleep(1500);
      const round: AlarmRound = await probe.round(sizes.alarms, ALARM_EVERY_MS);
      return { round, keepalives: await keepalives };
    });
    const during = busy.result.round;
    const pacedRate = busy.result.keepalives.ok / (busy.result.keepalives.elapsedMs / 1000);
    log(`     SOS → socket quiet ${triple(quiet.latencies)}, during ${triple(during.latencies)} (p50 / p99 / max); ${quiet.lost + during.lost} lost`);

    const cores = os.cpus().length;
    const ratio = perCpuSecond(sipCameraRate, sip.cpu) / perCpuSecond(httpRate, http.cpu);
    const lost = quiet.lost + during.lost;
    const figures: Figure[] = [
      { metric: 'NVRs registered (MD5 digest) / refused', value: `${fmtInt(registered)} of ${fmtInt(nvrs.length)} in ${fmtMs(registerMs)} / ${statuses(failedRegistrations)}` },
      { metric: 'catalogs asked and answered', value: `${fmtInt(catalogs)} NVRs asked; ${fmtInt(afterRegister.sip?.catalogs ?? 0)} Response/Catalog read by the server` },
      { metric: 'a. SIP Notify/Keepalive answered 200 per second', value: `${fmtInt(sipRate)}/s (answer p50 / p99 ${fmtMs(sip.result.rttP50Ms)} / ${fmtMs(sip.result.rttP99Ms)})` },
      { metric: 'a. camera keepalives they carried per second', value: `${fmtInt(sipCameraRate)}/s (server ingest counter: ${fmtInt(sip.accepted / sipSeconds)}/s)` },
      { metric: 'a. lost (no answer in 5 s) / refused', value: `${fmtInt(sip.result.lost)} / ${statuses(sip.result.refused)}` },
      { metric: 'a. server CPU (of one core) / SIP generator CPU', value: `${fmtPct(sip.cpu)} / ${fmtPct(sipGeneratorCpu)}` },
      { metric: 'a. SIP keepalives per server CPU-second', value: `${fmtInt(perCpuSecond(sipRate, sip.cpu))} messages, ${fmtInt(perCpuSecond(sipCameraRate, sip.cpu))} camera keepalives` },
      { metric: `a. so the city's ${fmtInt(nvrs.length)} NVRs at one keepalive a minute take`, value: `${fmtPct(nvrs.length / 60 / perCpuSecond(sipRate, sip.cpu))} of one core` },
      machineFigure(machineCpu(sip.samples), sip.cpu, sip.benchCpu + sipGeneratorCpu, cores),
      { metric: 'b. HTTP camera keepalives accepted per second (batches of 100)', value: `${fmtInt(httpRate)}/s (request p50 / p99 ${fmtMs(http.result.requestP50Ms)} / ${fmtMs(http.result.requestP99Ms)})` },
      { metric: 'b. server CPU (of one core) / HTTP generator CPU', value: `${fmtPct(http.cpu)} / ${fmtPct(httpGeneratorCpu)}` },
      { metric: 'b. HTTP camera keepalives per server CPU-second', value: fmtInt(perCpuSecond(httpRate, http.cpu)) },
      machineFigure(machineCpu(http.samples), http.cpu, http.benchCpu + httpGeneratorCpu, cores),
      { metric: 'a ÷ b: camera keepalives per CPU-second, SIP over HTTP', value: Number.isFinite(ratio) ? `${ratio.toFixed(3)} (HTTP ${(1 / ratio).toFixed(1)}× SIP)` : 'n/a' },
      { metric: `c. SOS over SIP → operator socket p50 / p99 / max, quiet (${quiet.latencies.length})`, value: triple(quiet.latencies) },
      {
        metric: `c. the same while SIP keepalives run at ${fmtInt(PACED_RATE)}/s (${during.latencies.length} SOS, one every ${ALARM_EVERY_MS} ms)`,
        value: triple(during.latencies), target: `max ≤ ${TARGET_MAX_MS} ms, none lost`, pass: during.latencies.length > 0 && distribution(during.latencies).max <= TARGET_MAX_MS && lost === 0,
      },
      { metric: 'c. SOS lost / the platform’s answers to Notify/Alarm', value: `${lost} / ${statuses({ ...sumCounts(quiet.answers, during.answers) })} (200 in p50 ${fmtMs(distribution(during.answerMs).p50)})` },
      { metric: 'c. paced keepalives answered / server CPU meanwhile', value: `${fmtInt(pacedRate)}/s, lost ${fmtInt(busy.result.keepalives.lost)} / ${fmtPct(busy.cpu)}` },
    ];
    const report: ScenarioReport = {
      id: 'sip',
      title: 'GB/T 28181 over SIP/UDP (issue 16): keepalives per CPU-second beside HTTP, SOS by SIP alarm → operator socket',
      requirement: 'Benchmark: keepalives per second over SIP/UDP at the server’s CPU, beside the HTTP ingest figure in the same run; an SOS raised by SIP alarm notify → operator socket p99.',
      setup:
        `city dataset (its own data directory), one server process with XIAOAN_GB28181=on on 127.0.0.1; ${fmtInt(nvrs.length)} simulated NVRs (bench/lib/sip-device.ts), each on a UDP socket of its own loopback address, ` +
        `register with MD5 digest and answer the catalog query (${fmtInt(cameras)} cameras and alarm inputs as channels). a. ${sizes.phaseMs / 1000} s of Notify/Keepalive from a separate process, round-robin over ${fmtInt(loadNvrs.length)} NVRs, ` +
        `${WINDOW} in flight (each next sent when one is answered); b. ${sizes.phaseMs / 1000} s of camera.heartbeat batches of 100 on 4 keep-alive HTTP connections (the ingest scenario's generator); ` +
        `c. one SOS every ${ALARM_EVERY_MS} ms, each a Notify/Alarm (AlarmMethod 2) from a different school's NVR for its one-key input (GB type 134): ${sizes.baseline} quiet, then ${sizes.alarms} while the generator sends ${fmtInt(PACED_RATE)} keepalives/s; ` +
        'the operator is the administrator on a real socket.io-client (websocket).',
      otherCores: otherCores(machineCpu(busy.samples), busy.cpu, busy.benchCpu),
      figures,
      notes: [
        'An NVR’s keepalive marks every camera channel of it alive: the server turns one Notify/Keepalive into one camera.heartbeat per camera (≈ 13 a school), ingested as a batch under the source `sip:<NVR code>`.',
        'Keepalives per CPU-second = rate ÷ the server’s CPU over the phase (utime + stime from /proc/<pid>/stat, 1 = one core): it compares the two protocols’ cost per camera keepalive whatever else held the machine.',
        'SOS latency = performance.now() when the operator socket’s `alarm` names the button, minus performance.now() just before the Notify/Alarm datagram is sent (one process, one clock); an SOS not there in 10 s is lost.',
        'Where the server’s CPU goes: run the scenario with --server-node-args="--cpu-prof --cpu-prof-dir=<dir>" and read the profile over phase a (the notes below, when present, are such a reading, by hand).',
        `Both generators are separate processes on the same ${cores}-core machine as the server: at full speed they compete with it for CPU, so the rates are what this machine sustains, and the per-CPU-second figures are the comparable ones.`,
      ],
    };
    const minutes = (performance.now() - started) / 60_000;
    if (options.write ?? !ctx.quick) {
      const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
      log(`  wrote ${path.relative(process.cwd(), writeScenarioSection('sip', report, { machine, command, minutes }))} (sip section)`);
    }
    return report;
  } finally {
    if (screen) screen.socket.disconnect();
    for (const device of alarmDevices) device.close();
    await load?.stop().catch(() => undefined);
    await server.stop();
  }
}

function sumCounts(...counts: Record<string, number>[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const count of counts) for (const [k, v] of Object.entries(count)) sum[k] = (sum[k] ?? 0) + v;
  return sum;
}
