import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSmallDataset } from '../../mocks/factories/dataset.js';
import { sipRegistrationsAcrossNodes } from '../../server/realtime/sip-across-nodes.js';
import { availableEngines } from '../helpers/engines.js';
import { schoolNvr, SipReader, sipEnv, sipPorts, type SchoolNvr } from '../helpers/gb28181.js';
import { REDIS_TEST_URL, redisAvailable } from '../helpers/redis.js';
import { offDuty, startTestServer, type TestServer } from '../helpers/server.js';
import { freePort, runSipp, sippAvailable } from '../helpers/sipp.js';

const runs = sippAvailable() && (await availableEngines()).includes('postgres') && (await redisAvailable());

/**
 * Two nodes on one PostgreSQL database with REDIS_URL, each with its own GB/T 28181 endpoint: a
 * device registers with one of them (HAProxy does not balance UDP), and the administrator's list of
 * registrations is the same on either node, each device marked with the node it registered with.
 */
describe.runIf(runs)(`${sipRegistrationsAcrossNodes.name}: SIP registrations of two nodes`, () => {
  const clock = { now: () => Date.now() };
  let first: TestServer;
  let second: TestServer;
  let s1: SchoolNvr;
  let s2: SchoolNvr;

  beforeAll(async () => {
    const dataset = offDuty(makeSmallDataset());
    first = await startTestServer({ engine: 'postgres', clock, dataset, env: { REDIS_URL: REDIS_TEST_URL, ...sipEnv() } });
    second = await startTestServer({ databaseUrl: first.config.databaseUrl!, clock, dataset, env: { REDIS_URL: REDIS_TEST_URL, ...sipEnv() } });
    s1 = await schoolNvr(first, 'S0001');
    s2 = await schoolNvr(first, 'S0002');
  }, 60_000);
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  const nodeOf = (node: TestServer) => node.services.deviceState.figures()?.node;

  it('lists every node\'s registrations on either node, each with the node it registered with', async () => {
    for (const [node, nvr] of [[first, s1], [second, s2]] as const) {
      const run = await runSipp({ scenario: 'register', port: sipPorts(node).udpPort, transport: 'udp', devices: [nvr.nvr], localPort: await freePort() });
      expect(run.exitCode, run.errors).toBe(0);
    }
    expect(nodeOf(first)).toBeTruthy();
    expect(nodeOf(second)).not.toBe(nodeOf(first));
    const expected = [
      { deviceId: s1.nvr.code, node: nodeOf(first), schoolId: 'S0001', transport: 'UDP' },
      { deviceId: s2.nvr.code, node: nodeOf(second), schoolId: 'S0002', transport: 'UDP' },
    ].sort((a, b) => a.deviceId.localeCompare(b.deviceId));
    for (const node of [first, second]) {
      const { registrations, node: answering } = await (await SipReader.for(node)).overview();
      // The counters beside the list are the answering node's own: the overview names it.
      expect(answering).toBe(nodeOf(node));
      expect(registrations).toMatchObject(expected);
      expect(registrations).toHaveLength(2);
    }
  });

  it('leaves out a node that has gone, and answers with the others', async () => {
    await second.close();
    const { registrations } = await (await SipReader.for(first)).overview();
    expect(registrations.map((r) => [r.deviceId, r.node])).toEqual([[s1.nvr.code, nodeOf(first)]]);
  });
});
