/**
 * The hostile-reader bench's attackers that would otherwise load the bench process itself (and so
 * its latency readings): the reconnect herd (100 screens decoding snapshots and catch-ups) and the
 * command flood (20,000 emits and their answers). Forked by bench/hostile.ts; one attack per process.
 */
import { connectLikeAScreen, type ReconnectOutcome, type ScreenStart } from './hostile-screen.js';
import { connectScreen } from './screens.js';

/** What the bench asks of the worker. */
export type AttackOrder =
  | { kind: 'herd'; url: string; cookies: string[]; socketsPerSession: number; behindSeq: number; timeoutMs: number }
  | { kind: 'flood'; url: string; cookie: string; lastSeq: number; alarmId: string; commands: number; timeoutMs: number };

/** What the worker reports when its attack is over. */
export type AttackResult =
  | { kind: 'herd'; live: number; refused: number; timedOut: number; reasons: string[]; allDoneMs: number; liveMsP50: number; liveMsMax: number; snapshotBytesMax: number; behindBytesMax: number }
  | { kind: 'flood'; sent: number; answered: number; okAnswers: number; refusedAnswers: number; disconnected: string | null; allDoneMs: number; firstCodes: string[] };

async function herd(order: Extract<AttackOrder, { kind: 'herd' }>): Promise<AttackResult> {
  const began = performance.now();
  const attempts: Promise<ReconnectOutcome & { start: ScreenStart }>[] = [];
  let index = 0;
  for (const cookie of order.cookies) {
    for (let i = 0; i < order.socketsPerSession; i++, index++) {
      // Half ask for a snapshot, half are `behindSeq` changes behind.
      const start: ScreenStart = index % 2 === 0 ? { kind: 'snapshot' } : { kind: 'behind', lastSeq: order.behindSeq };
      attempts.push(connectLikeAScreen({ url: order.url, cookie }, start, order.timeoutMs).then((outcome) => ({ ...outcome, start })));
    }
  }
  const outcomes = await Promise.all(attempts);
  const allDoneMs = performance.now() - began;
  for (const o of outcomes) o.socket.disconnect();
  const live = outcomes.filter((o) => o.outcome === 'live');
  const liveMs = live.map((o) => o.ms).sort((a, b) => a - b);
  return {
    kind: 'herd',
    live: live.length,
    refused: outcomes.filter((o) => o.outcome === 'refused').length,
    timedOut: outcomes.filter((o) => o.outcome === 'timeout').length,
    reasons: [...new Set(outcomes.map((o) => o.reason).filter((r): r is string => r !== null))].slice(0, 5),
    allDoneMs,
    liveMsP50: liveMs[Math.floor(liveMs.length / 2)] ?? Number.NaN,
    liveMsMax: liveMs.at(-1) ?? Number.NaN,
    snapshotBytesMax: Math.max(0, ...live.filter((o) => o.start.kind === 'snapshot').map((o) => o.bytes)),
    behindBytesMax: Math.max(0, ...live.filter((o) => o.start.kind === 'behind').map((o) => o.bytes)),
  };
}

async function flood(order: Extract<AttackOrder, { kind: 'flood' }>): Promise<AttackResult> {
  const screen = await connectScreen({ url: order.url, cookie: order.cookie }, order.lastSeq);
  const { socket } = screen;
  const began = performance.now();
  let answered = 0;
  let okAnswers = 0;
  let disconnected: string | null = null;
  const codes = new Set<string>();
  const result = await new Promise<AttackResult>((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      resolve({ kind: 'flood', sent: order.commands, answered, okAnswers, refusedAnswers: answered - okAnswers, disconnected, allDoneMs: performance.now() - began, firstCodes: [...codes].slice(0, 5) });
    };
    const timer = setTimeout(finish, order.timeoutMs);
    socket.once('disconnect', (why) => {
      disconnected = why;
      finish();
    });
    for (let i = 0; i < order.commands; i++) {
      socket.emit('alarm:ack', { id: order.alarmId }, (answer) => {
        answered++;
        if (answer.ok) okAnswers++;
        else if (codes.size < 5) codes.add(answer.code ?? 'refused');
        if (answered === order.commands) finish();
      });
    }
  });
  socket.disconnect();
  return result;
}

process.once('message', (order: AttackOrder) => {
  const run = order.kind === 'herd' ? herd(order) : flood(order);
  run.then(
    (result) => process.send?.(result, () => process.exit(0)),
    (error: unknown) => {
      console.error(`hostile worker: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
});
