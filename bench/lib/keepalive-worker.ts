/**
 * The keepalive generator, run as its own process (forked by keepalive-load.ts) so that the
 * bench's socket clients and the load never share an event loop. Sends `camera.heartbeat`
 * batches to POST /api/v1/events, paced or as fast as the server answers, and stops by itself.
 */
import fs from 'node:fs';
import { heartbeatBatch, IngestClient } from './http.js';
import type { FromWorker, KeepaliveConfig, KeepaliveStats, ToWorker } from './keepalive-protocol.js';
import { percentile } from './stats.js';

function send(message: FromWorker): void {
  process.send?.(message);
}

async function run(config: KeepaliveConfig): Promise<void> {
  const ids = fs.readFileSync(config.idsFile, 'utf8').split('\n').filter(Boolean);
  if (ids.length === 0) throw new Error(`no camera ids in ${config.idsFile}`);
  send({ kind: 'ready', cameras: ids.length });

  const client = new IngestClient(config.url, config.token, config.connections);
  const started = performance.now();
  let next = config.startIndex % ids.length;
  let stopping = false;
  let inFlight = 0;
  const durations: number[] = [];
  const stats: KeepaliveStats = {
    elapsedMs: 0,
    requests: 0,
    sent: 0,
    accepted: 0,
    rejected: 0,
    failedRequests: 0,
    firstError: null,
    backlog: 0,
    requestP50Ms: Number.NaN,
    requestP99Ms: Number.NaN,
    naiveBytes: 0,
  };
  process.on('message', (message: ToWorker) => {
    if (message.kind === 'stop') stopping = true;
  });
  // The bench went away: stop too.
  process.once('disconnect', () => (stopping = true));

  const takeIds = (count: number): string[] => {
    const batch: string[] = [];
    for (let i = 0; i < count; i++) {
      batch.push(ids[next] as string);
      next = (next + 1) % ids.length;
    }
    return batch;
  };

  const postBatch = async (count: number): Promise<void> => {
    const batch = takeIds(count);
    const at = new Date().toISOString();
    inFlight++;
    try {
      const result = await client.post(heartbeatBatch(batch, at));
      durations.push(result.ms);
      if (durations.length > 200_000) durations.splice(0, 100_000);
      stats.requests++;
      stats.sent += count;
      if (result.status === 202) {
        stats.accepted += result.body.accepted ?? 0;
        stats.rejected += result.body.rejected?.length ?? 0;
        if (config.naiveOverheadBytes !== undefined) {
          for (const deviceId of batch) {
            stats.naiveBytes += config.naiveOverheadBytes + Buffer.byteLength(JSON.stringify({ deviceId, state: 'online', at }));
          }
        }
      } else {
        stats.failedRequests++;
        stats.firstError ??= `HTTP ${result.status}: ${result.body.error ?? ''}`;
      }
    } catch (error) {
      stats.failedRequests++;
      stats.firstError ??= error instanceof Error ? error.message : String(error);
    } finally {
      inFlight--;
    }
  };

  const snapshot = (): KeepaliveStats => ({
    ...stats,
    elapsedMs: performance.now() - started,
    requestP50Ms: percentile(durations, 50),
    requestP99Ms: percentile(durations, 99),
  });
  const reporter = setInterval(() => send({ kind: 'stats', stats: snapshot() }), 1000);
  const timeUp = () => stopping || performance.now() - started >= config.durationMs;

  if (config.mode === 'max') {
    const loop = async () => {
      while (!timeUp()) await postBatch(config.batchSize);
    };
    await Promise.all(Array.from({ length: config.connections }, loop));
  } else {
    // One full batch per tick (a gateway batches what it collected), catching up if a tick was late.
    const tickMs = Math.min(1000, Math.max(20, (1000 * config.batchSize) / config.rate));
    let scheduled = 0;
    const pending = new Set<Promise<void>>();
    while (!timeUp()) {
      const due = Math.floor((config.rate * (performance.now() - started)) / 1000) - scheduled;
      let left = due;
      while (left > 0 && inFlight < config.connections) {
        const count = Math.min(left, config.batchSize);
        const request = postBatch(count);
        pending.add(request);
        void request.finally(() => pending.delete(request));
        scheduled += count;
        left -= count;
      }
      stats.backlog = Math.max(stats.backlog, left);
      await new Promise((resolve) => setTimeout(resolve, tickMs));
    }
    await Promise.all(pending);
  }
  clearInterval(reporter);
  client.close();
  send({ kind: 'done', stats: snapshot() });
}

process.once('message', (message: ToWorker) => {
  if (message.kind !== 'start') return;
  run(message.config)
    .catch((error: unknown) => {
      console.error('keepalive generator failed:', error);
      process.exitCode = 1;
    })
    .finally(() => process.disconnect?.());
});
