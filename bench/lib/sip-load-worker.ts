/**
 * The SIP keepalive generator, run as its own process (forked by sip-load.ts): thousands of
 * simulated NVRs, each on a UDP socket of its own loopback address, registered once and then
 * sending Notify/Keepalive round-robin, as fast as the platform answers (a bounded window in
 * flight) or paced. Every phase is bounded in time and stops by itself.
 */
import { SipDevice } from './sip-device.js';
import type { FromSipWorker, LoadNvr, SipPhase, SipPhaseStats, SipRegisterStats, ToSipWorker } from './sip-load.js';
import { percentile, sleep } from './stats.js';

function send(message: FromSipWorker): void {
  process.send?.(message);
}

let devices: { device: SipDevice; cameras: number }[] = [];
let stopping = false;

async function setup(message: Extract<ToSipWorker, { kind: 'setup' }>): Promise<void> {
  const opened: { device: SipDevice; cameras: number }[] = [];
  for (const nvr of message.nvrs as LoadNvr[]) opened.push({ device: await SipDevice.open(nvr, message.platform), cameras: nvr.cameras });
  devices = opened;
  send({ kind: 'ready', devices: devices.length });
}

async function register(concurrency: number): Promise<void> {
  const started = performance.now();
  const stats: SipRegisterStats = { ms: 0, registered: 0, failed: {} };
  let next = 0;
  const worker = async () => {
    while (next < devices.length && !stopping) {
      const entry = devices[next++]!;
      const status = await entry.device.register();
      if (status === 200) stats.registered++;
      else stats.failed[status] = (stats.failed[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  stats.ms = performance.now() - started;
  send({ kind: 'registered', stats });
}

async function run(phase: SipPhase): Promise<void> {
  if (devices.length === 0) throw new Error('no devices to send keepalives from');
  const started = performance.now();
  const rtts: number[] = [];
  const stats: SipPhaseStats = { elapsedMs: 0, sent: 0, ok: 0, refused: {}, lost: 0, cameraKeepalives: 0, rttP50Ms: Number.NaN, rttP99Ms: Number.NaN, backlog: 0 };
  let cursor = 0;
  let inFlight = 0;
  const timeUp = () => stopping || performance.now() - started >= phase.durationMs;
  const one = async (): Promise<void> => {
    const entry = devices[cursor]!;
    cursor = (cursor + 1) % devices.length;
    inFlight++;
    stats.sent++;
    try {
      const answer = await entry.device.keepalive(phase.timeoutMs);
      if (answer.status === 200) {
        stats.ok++;
        stats.cameraKeepalives += entry.cameras;
        rtts.push(answer.ms);
        if (rtts.length > 400_000) rtts.splice(0, 200_000);
      } else if (answer.status === 0) stats.lost++;
      else stats.refused[answer.status] = (stats.refused[answer.status] ?? 0) + 1;
    } finally {
      inFlight--;
    }
  };
  const snapshot = (): SipPhaseStats => ({ ...stats, refused: { ...stats.refused }, elapsedMs: performance.now() - started });
  const reporter = setInterval(() => send({ kind: 'progress', stats: snapshot() }), 1000);
  try {
    if (phase.mode === 'max') {
      const loop = async () => {
        while (!timeUp()) await one();
      };
      await Promise.all(Array.from({ length: phase.window }, loop));
    } else {
      const pending = new Set<Promise<void>>();
      let scheduled = 0;
      while (!timeUp()) {
        const due = Math.floor((phase.rate * (performance.now() - started)) / 1000) - scheduled;
        let left = due;
        while (left > 0 && inFlight < phase.window) {
          const sent = one();
          pending.add(sent);
          void sent.finally(() => pending.delete(sent));
          scheduled++;
          left--;
        }
        // What could not go out because the window was full is not sent later: the rate is what was offered.
        if (left > 0) scheduled += left;
        stats.backlog = Math.max(stats.backlog, left);
        await sleep(5);
      }
      await Promise.all(pending);
    }
  } finally {
    clearInterval(reporter);
  }
  const final = snapshot();
  final.rttP50Ms = percentile(rtts, 50);
  final.rttP99Ms = percentile(rtts, 99);
  send({ kind: 'done', stats: final });
}

function counters(): void {
  const sum = { catalogQueries: 0, catalogParts: 0, alarmResponses: 0, otherRequests: 0 };
  for (const { device } of devices) {
    sum.catalogQueries += device.counters.catalogQueries;
    sum.catalogParts += device.counters.catalogParts;
    sum.alarmResponses += device.counters.alarmResponses;
    sum.otherRequests += device.counters.otherRequests;
  }
  send({ kind: 'counters', counters: sum });
}

function finish(): void {
  stopping = true;
  for (const { device } of devices) device.close();
  devices = [];
  process.disconnect?.();
}

process.on('message', (message: ToSipWorker) => {
  const failed = (error: unknown) => send({ kind: 'failed', error: error instanceof Error ? error.message : String(error) });
  switch (message.kind) {
    case 'setup':
      setup(message).catch(failed);
      return;
    case 'register':
      register(message.concurrency).catch(failed);
      return;
    case 'run':
      run(message.phase).catch(failed);
      return;
    case 'counters':
      counters();
      return;
    case 'stop':
      finish();
  }
});
// The bench went away: stop too.
process.once('disconnect', () => {
  stopping = true;
  for (const { device } of devices) device.close();
});
