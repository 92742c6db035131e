import { afterAll, describe, expect, it } from 'vitest';
import type { Alarm, Device } from '../../shared/domain/index.js';
import { sessionFrom, type Session } from '../helpers/auth.js';
import { postEvents, startSystem, SYSTEM_TOKEN, type RunningSystem } from '../helpers/system.js';

const ADMIN_PASSWORD = 'crash-test-admin-password';

/** Signs in as the administrator the launcher made from XIAOAN_ADMIN_PASSWORD. */
async function signInAsAdmin(url: string): Promise<Session> {
  const response = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  expect(response.status).toBe(200);
  const { user } = (await response.json()) as { user: Session['user'] };
  return sessionFrom(url, user, response.headers.getSetCookie());
}

/** The registry as an integration reads it, with the ingest token. */
async function devices(url: string, kind: string): Promise<Device[]> {
  const response = await fetch(`${url}/api/v1/devices?kind=${kind}`, { headers: { authorization: `Bearer ${SYSTEM_TOKEN}` } });
  return ((await response.json()) as { devices: Device[] }).devices;
}

/**
 * "Killing the server mid-burst and restarting loses no alarm": every alarm the server answered
 * 202 for is there after a SIGKILL and a restart on the same SQLite file, and seq goes on growing.
 */
describe('a crash in the middle of an alarm burst', () => {
  const systems: RunningSystem[] = [];
  afterAll(async () => {
    for (const s of systems) await s.kill();
  });

  it('keeps every acknowledged alarm across a SIGKILL and a restart', { timeout: 240_000 }, async () => {
    const first = await startSystem({ env: { XIAOAN_ADMIN_PASSWORD: ADMIN_PASSWORD } });
    systems.push(first);
    const sensors = await devices(first.url, 'intrusion');

    // Eight senders stream distinct-device alarms until the server dies under them; it is
    // killed one second in, with requests in flight.
    const acknowledged = new Set<string>();
    let cursor = 0;
    let failed = 0;
    const sender = async () => {
      while (cursor < sensors.length) {
        const device = sensors[cursor++]!;
        try {
          const response = await postEvents(first.url, [{ id: `crash-${device.id}`, type: 'alarm.intrusion', deviceId: device.id, at: new Date().toISOString() }]);
          if (response.status === 202) acknowledged.add(device.id);
        } catch {
          failed++; // The server died under this request: no promise was made for it.
          return;
        }
      }
    };
    const senders = Array.from({ length: 8 }, sender);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await first.kill();
    await Promise.all(senders);
    expect(acknowledged.size).toBeGreaterThan(0);
    expect(failed).toBeGreaterThan(0); // The kill really came mid-burst.

    const second = await startSystem({ dataDir: first.dataDir, env: { XIAOAN_ADMIN_PASSWORD: ADMIN_PASSWORD } });
    systems.push(second);
    const admin = await signInAsAdmin(second.url);
    const stored = ((await (await admin.get('/api/v1/alarms?state=all&type=intrusion&limit=5000')).json()) as { alarms: Alarm[] }).alarms;
    const storedDevices = new Set(stored.map((a) => a.deviceId));
    const lost = [...acknowledged].filter((id) => !storedDevices.has(id));
    expect(lost).toEqual([]);

    // The figures on /health need a city-wide session.
    const health = (await (await admin.get('/api/v1/health')).json()) as { seq: number };
    expect(health.seq).toBeGreaterThanOrEqual(stored.length);
    const [button] = await devices(second.url, 'sos');
    const next = await postEvents(second.url, { type: 'alarm.sos', deviceId: button!.id, at: new Date().toISOString() });
    expect(next.status).toBe(202);
    const after = (await (await admin.get('/api/v1/health')).json()) as { seq: number };
    expect(after.seq).toBe(health.seq + 1);
  });
});
