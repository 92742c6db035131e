import net from 'node:net';

/** Where the MQTT suites connect: XIAOAN_TEST_MQTT_URL, or the local Mosquitto of the dev and CI machines. */
export const MQTT_TEST_URL = process.env.XIAOAN_TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

/** True when something accepts TCP connections at the broker's address. */
function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 1883) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Whether the MQTT suites run: yes when a broker answers; in CI a missing broker is an error, elsewhere a visible skip. */
export async function brokerAvailable(): Promise<boolean> {
  if (await reachable(MQTT_TEST_URL)) return true;
  if (process.env.CI) throw new Error(`an MQTT broker is required in CI but ${MQTT_TEST_URL} does not answer`);
  console.warn(`[xiaoan tests] no MQTT broker at ${MQTT_TEST_URL}: MQTT suites skipped (they run in CI).`);
  return false;
}
