import { serviceAvailable } from './service.js';

/** Where the MQTT suites connect: XIAOAN_TEST_MQTT_URL, or the local Mosquitto of the dev and CI machines. */
export const MQTT_TEST_URL = process.env.XIAOAN_TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

/** Whether the MQTT suites run: yes when a broker answers; in CI a missing broker is an error, elsewhere a visible skip. */
export function brokerAvailable(): Promise<boolean> {
  return serviceAvailable({ name: 'MQTT broker', url: MQTT_TEST_URL, defaultPort: 1883, skipped: 'MQTT suites skipped (they run in CI)' });
}
