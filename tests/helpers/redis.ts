import net from 'node:net';

/** Where the Redis fan-out suite connects: XIAOAN_TEST_REDIS_URL, or the local Redis of the dev and CI machines. */
export const REDIS_TEST_URL = process.env.XIAOAN_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** True when something accepts TCP connections at Redis's address. */
function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Whether the Redis suites run: yes when Redis answers; in CI a missing Redis is an error, elsewhere a visible skip. */
export async function redisAvailable(): Promise<boolean> {
  if (await reachable(REDIS_TEST_URL)) return true;
  if (process.env.CI) throw new Error(`Redis is required in CI but ${REDIS_TEST_URL} does not answer`);
  console.warn(`[xiaoan tests] no Redis at ${REDIS_TEST_URL}: the fan-out suite is skipped (it runs in CI).`);
  return false;
}
