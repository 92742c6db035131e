import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/logger.js';
import { sipEnv, sipPorts } from '../helpers/gb28181.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { sipRequest, sipStatus, udpExchange } from '../helpers/sipp.js';

/** A code under the city's prefix that no device of the small dataset has. */
const STRANGER = '41040200001189999999';

/**
 * Issue 16: a device the registry does not know, or one with the wrong password, is refused every
 * time, but logged once per device per hour — a device retrying every few seconds never floods the log.
 */
describe('GB/T 28181 refusals in the log', () => {
  let sut: TestServer;
  let now = Date.parse('2026-12-07T00:00:00.000Z');
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    sut = await startTestServer({
      env: sipEnv(),
      clock: { now: () => now },
      log: createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) }),
    });
  });
  afterAll(async () => {
    await sut?.close();
  });

  const refusedLines = (device: string) => lines.filter((line) => line.device === device && String(line.msg).includes('not in the registry'));

  it('answers every REGISTER of an unknown device 403 and logs it once an hour', async () => {
    const { udpPort } = sipPorts(sut);
    const register = () => udpExchange(udpPort, (from) => sipRequest({ method: 'REGISTER', device: STRANGER, fromPort: from, headers: ['Expires: 3600'] }));
    for (let i = 0; i < 5; i++) expect(sipStatus(await register())).toBe(403);
    expect(refusedLines(STRANGER)).toHaveLength(1);
    now += 59 * 60_000;
    expect(sipStatus(await register())).toBe(403);
    expect(refusedLines(STRANGER)).toHaveLength(1);
    now += 60_000;
    expect(sipStatus(await register())).toBe(403);
    expect(refusedLines(STRANGER)).toHaveLength(2);
    // Each attempt is still counted.
    expect(sut.sip?.endpoint.counters().authFailures).toBe(7);
  });
});
