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
});
