import { describe, expect, it } from 'vitest';
import { LoopTurns, WorkQueue } from '../../server/realtime/catch-up-scheduling.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe(WorkQueue.name, () => {
  it('runs at most its limit at once, the others first come, first served', async () => {
    const sut = new WorkQueue(2);
    const gates = Array.from({ length: 5 }, deferred);
    const started: number[] = [];
    let running = 0;
    let most = 0;
    const done = gates.map((gate, index) =>
      sut.run(async () => {
        started.push(index);
        running++;
        most = Math.max(most, running);
        await gate.promise;
        running--;
        return index;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(sut.queued).toBe(3);
    gates[1]!.resolve();
    await done[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    gates.forEach((gate) => gate.resolve());
    expect(await Promise.all(done)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
  });

  it('goes on with the next job when one fails', async () => {
    const sut = new WorkQueue(1);
    const failed = sut.run(() => Promise.reject(new Error('boom')));
    const next = sut.run(() => Promise.resolve('next'));
    await expect(failed).rejects.toThrow('boom');
    expect(await next).toBe('next');
  });
});

describe(LoopTurns.name, () => {
  it('grants one turn per turn of the event loop, however many ask at once', async () => {
    const sut = new LoopTurns();
    // A ticker that counts turns of the loop: one setImmediate per iteration.
    let iteration = 0;
    let ticking = true;
    const tick = () => {
      iteration++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const seen: number[] = [];
    const worker = async () => {
      for (let i = 0; i < 5; i++) {
        await sut.next();
        seen.push(iteration);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    ticking = false;
    expect(seen).toHaveLength(20);
    // No two turns in one iteration: four catch-ups never hold the loop for four chunks at once.
    expect(new Set(seen).size).toBe(20);
  });
});
