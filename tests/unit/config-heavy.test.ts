import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';

describe(`${loadConfig.name}: heavy reads (issue 12)`, () => {
  it('defaults to one worker per spare core (1 to 4), a queue of 200 and 60 expensive reads per session a minute', () => {
    expect(loadConfig({}).heavy).toEqual({ workers: Math.max(1, Math.min(4, os.availableParallelism() - 1)), maxQueue: 200, readsPerMinute: 60 });
  });

  it('takes XIAOAN_WORKERS (0 computes on the event loop), XIAOAN_WORKER_QUEUE and XIAOAN_HEAVY_READS_PER_MINUTE', () => {
    expect(loadConfig({ XIAOAN_WORKERS: '0', XIAOAN_WORKER_QUEUE: '5', XIAOAN_HEAVY_READS_PER_MINUTE: '10' }).heavy).toEqual({ workers: 0, maxQueue: 5, readsPerMinute: 10 });
  });

  it.each([
    ['XIAOAN_WORKERS', '-1'],
    ['XIAOAN_WORKERS', 'many'],
    ['XIAOAN_WORKER_QUEUE', '0'],
    ['XIAOAN_HEAVY_READS_PER_MINUTE', '0'],
    ['XIAOAN_HEAVY_READS_PER_MINUTE', '1.5'],
  ])('refuses %s=%s', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`Invalid configuration: .*${name}`));
  });
});
