import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm } from '../../shared/domain/index.js';
import { startMqttIngest } from '../../server/ingest/mqtt.js';
import { signInAs, type Session } from '../helpers/auth.js';
import { MQTT_TEST_URL, brokerAvailable } from '../helpers/broker.js';
import { sosEvent, startTestServer, waitFor, type TestServer } from '../helpers/server.js';

const runs = await brokerAvailable();

describe.runIf(runs)(startMqttIngest.name, () => {
  let sut: TestServer;
  let gateway: MqttClient;
  let operator: Session;
  // A topic per run: a parallel run on the same broker never mixes messages.
  const gatewayId = `test-${process.pid}-${Date.now()}`;

  beforeAll(async () => {
    sut = await startTestServer({ env: { MQTT_URL: MQTT_TEST_URL } });
    await sut.mqtt!.ready;
    operator = await signInAs(sut, { role: 'police_operator' });
    gateway = await mqtt.connectAsync(MQTT_TEST_URL, { protocolVersion: 5 });
  });
  afterAll(async () => {
    await gateway?.endAsync();
    await sut?.close();
  });

  const publish = (payload: string | object) =>
    gateway.publishAsync(`xiaoan/events/${gatewayId}`, typeof payload === 'string' ? payload : JSON.stringify(payload), { qos: 1 });
  const openAlarms = async () => ((await (await operator.get('/api/v1/alarms?state=open')).json()) as { alarms: Alarm[] }).alarms;
  const eventRows = async () => Number((await sut.store.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  it('stores the events of a published batch exactly like the HTTP path, with the same idempotency', async () => {
    const batch = [sosEvent('S0001', { id: 'mqtt-1' }), { type: 'alarm.intrusion', deviceId: 'INT-S0002-1', at: new Date().toISOString(), id: 'mqtt-2' }];
    await publish(batch);
    await publish(batch);
    await waitFor(() => sut.mqtt!.counters.messages >= 2, 'two messages consumed');
    const alarms = await openAlarms();
    expect(alarms.map((a) => a.deviceId).sort()).toEqual(['INT-S0002-1', 'SOS-S0001-1']);
    expect(alarms.every((a) => a.count === 1)).toBe(true);
  });

  it('rejects and logs malformed messages without writing anything, and keeps consuming', async () => {
    const before = await eventRows();
    const counted = sut.mqtt!.counters.messages;
    await publish('{ not json');
    await publish({ type: 'alarm.sos', deviceId: 'NO-SUCH-DEVICE', at: new Date().toISOString() });
    await publish([{ type: 'alarm.sos' }, 42, null]);
    await publish(Buffer.alloc(0).toString());
    await waitFor(() => sut.mqtt!.counters.messages >= counted + 4, 'four bad messages consumed');
    expect(await eventRows()).toBe(before);
    expect(sut.mqtt!.counters.unreadable).toBeGreaterThanOrEqual(2);

    await publish(sosEvent('S0003', { id: 'mqtt-after-bad' }));
    await waitFor(() => sut.mqtt!.counters.messages >= counted + 5, 'the good message after the bad ones');
    expect((await openAlarms()).some((a) => a.deviceId === 'SOS-S0003-1')).toBe(true);
    const health = (await (await operator.get('/api/v1/health')).json()) as { mqtt: { rejected: number; connected: boolean } };
    expect(health.mqtt.connected).toBe(true);
    expect(health.mqtt.rejected).toBeGreaterThanOrEqual(5);
  });

  it('keeps ids apart per gateway: two gateways using the same id both raise their alarms; one gateway reusing an id for other content is refused', async () => {
    const gatewayB = `${gatewayId}-b`;
    const publishAs = (gateway_: string, payload: object) => gateway.publishAsync(`xiaoan/events/${gateway_}`, JSON.stringify(payload), { qos: 1 });
    const counted = sut.mqtt!.counters.messages;
    const rejected = sut.mqtt!.counters.rejected;
    await publishAs(gatewayId, { id: '1', type: 'alarm.intrusion', deviceId: 'INT-S0003-1', at: new Date().toISOString() });
    const sosB = { id: '1', type: 'alarm.sos', deviceId: 'SOS-S0002-1', at: new Date().toISOString() };
    await publishAs(gatewayB, sosB);
    await waitFor(() => sut.mqtt!.counters.messages >= counted + 2, 'both gateways consumed');
    const open = await openAlarms();
    expect(open.filter((a) => a.deviceId === 'INT-S0003-1')).toHaveLength(1);
    expect(open.filter((a) => a.deviceId === 'SOS-S0002-1')).toHaveLength(1);
    const sources = await sut.store.db.selectFrom('events').select('source').where('id', '=', '1').execute();
    expect(sources.map((r) => r.source).sort()).toEqual([`mqtt:${gatewayId}`, `mqtt:${gatewayB}`]);

    // The same gateway: a true re-send changes nothing; the same id with other content is refused (and counted).
    const rows = await eventRows();
    await publishAs(gatewayB, sosB);
    await publishAs(gatewayB, [{ id: '1', type: 'alarm.sos', deviceId: 'SOS-S0002-1', at: new Date().toISOString(), note: 'other' }, { id: '2', type: 'alarm.intrusion', deviceId: 'INT-S0002-1', at: new Date().toISOString() }]);
    await waitFor(() => sut.mqtt!.counters.messages >= counted + 4, 'the re-send and the reuse consumed');
    expect(await eventRows()).toBe(rows + 1);
    expect(sut.mqtt!.counters.rejected).toBe(rejected + 1);
    const after = await openAlarms();
    expect(after.filter((a) => a.deviceId === 'SOS-S0002-1').map((a) => a.count)).toEqual([1]);
    expect(after.some((a) => a.deviceId === 'INT-S0002-1')).toBe(true);
  });

  it('refuses a hostile payload (5 MB of nested brackets) without parsing it, and keeps consuming', async () => {
    const counted = sut.mqtt!.counters.messages;
    const unreadable = sut.mqtt!.counters.unreadable;
    await publish('['.repeat(5 * 1024 * 1024));
    await publish(`[${'{},'.repeat(100_000)}{}]`);
    await publish({ id: 'mqtt-after-hostile', type: 'alarm.access', deviceId: 'ACC-S0002-1', at: new Date().toISOString(), reason: 'forced' });
    await waitFor(() => sut.mqtt!.counters.messages >= counted + 3, 'hostile payloads and the good one consumed');
    expect(sut.mqtt!.counters.unreadable).toBe(unreadable + 2);
    expect((await openAlarms()).some((a) => a.deviceId === 'ACC-S0002-1')).toBe(true);
  });
});
