import net from 'node:net';

/** True when something accepts TCP connections at the URL's host and port (`defaultPort` when the URL names none). */
function reachable(url: string, defaultPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || defaultPort) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Whether suites that need an outside service (a broker, Redis) run: yes when it answers at `url`;
 * in CI a missing service is an error, elsewhere a visible skip.
 */
export async function serviceAvailable(service: { name: string; url: string; defaultPort: number; skipped: string }): Promise<boolean> {
  if (await reachable(service.url, service.defaultPort)) return true;
  if (process.env.CI) throw new Error(`${service.name} is required in CI but ${service.url} does not answer`);
  console.warn(`[xiaoan tests] no ${service.name} at ${service.url}: ${service.skipped}.`);
  return false;
}
