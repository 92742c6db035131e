import net from 'node:net';
import { serviceAvailable } from './service.js';

/** Where the Redis fan-out suite connects: XIAOAN_TEST_REDIS_URL, or the local Redis of the dev and CI machines. */
export const REDIS_TEST_URL = process.env.XIAOAN_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Whether the Redis suites run: yes when Redis answers; in CI a missing Redis is an error, elsewhere a visible skip. */
export function redisAvailable(): Promise<boolean> {
  return serviceAvailable({ name: 'Redis', url: REDIS_TEST_URL, defaultPort: 6379, skipped: 'the fan-out suite is skipped (it runs in CI)' });
}

/** A TCP relay to the test Redis that the test can take away (an outage) and bring back on the same port. */
export async function redisRelay(): Promise<{ url: string; down(): Promise<void>; up(): Promise<void> }> {
  const target = new URL(REDIS_TEST_URL);
  const sockets = new Set<net.Socket>();
  let server: net.Server;
  let port = 0;
  const up = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((socket) => {
        const upstream = net.connect(Number(target.port || 6379), target.hostname);
        for (const s of [socket, upstream]) {
          sockets.add(s);
          s.on('error', () => s.destroy());
          s.on('close', () => sockets.delete(s));
        }
        socket.pipe(upstream).pipe(socket);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  await up();
  return {
    url: `redis://127.0.0.1:${port}`,
    up,
    down: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
