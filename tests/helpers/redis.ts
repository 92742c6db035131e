import { serviceAvailable } from './service.js';

/** Where the Redis fan-out suite connects: XIAOAN_TEST_REDIS_URL, or the local Redis of the dev and CI machines. */
export const REDIS_TEST_URL = process.env.XIAOAN_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Whether the Redis suites run: yes when Redis answers; in CI a missing Redis is an error, elsewhere a visible skip. */
export function redisAvailable(): Promise<boolean> {
  return serviceAvailable({ name: 'Redis', url: REDIS_TEST_URL, defaultPort: 6379, skipped: 'the fan-out suite is skipped (it runs in CI)' });
}
