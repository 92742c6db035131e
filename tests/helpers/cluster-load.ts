/**
 * Devices for the failover suite and the cluster benchmark: an alarm burst and a keepalive stream
 * through the balancer, each request retried like a gateway retries (same body, same event ids)
 * until it is answered 202 — so a request the balancer could not place on a live node is not lost.
 */

/** How one request ended: its last status (null: no answer at all) and how many tries it took. */
export interface Delivered {
  status: number | null;
  attempts: number;
}

/** Statuses a gateway tries again: the balancer's and a dying node's. */
const RETRY = new Set([429, 500, 502, 503, 504]);

/** How long a gateway keeps trying one request. */
export interface Persistence {
  attempts?: number;
  retryDelayMs?: number;
  /** performance.now() after which no new try starts. */
  giveUpAt?: number;
}

/** POSTs events to /api/v1/events until 202 (or a refusal that retrying cannot change), at most `attempts` times. */
export async function postEvents(url: string, token: string, events: readonly Record<string, unknown>[], persistence: Persistence = {}): Promise<Delivered> {
  const { attempts = 100, retryDelayMs = 100, giveUpAt = Number.POSITIVE_INFINITY } = persistence;
  let status: number | null = null;
  for (let attempt = 1; attempt <= attempts && (attempt === 1 || performance.now() < giveUpAt); attempt++) {
    try {
      const response = await fetch(`${url}/api/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(events),
        signal: AbortSignal.timeout(5000),
      });
      status = response.status;
      await response.body?.cancel();
      if (!RETRY.has(status)) return { status, attempts: attempt };
    } catch {
      status = null; // reset, refused or timed out: the gateway tries again
    }
    await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
  }
  return { status, attempts };
}

/** The alarm device ids of `clusterDataset`: SOS, intrusion and access control per school. */
export function alarmEvent(deviceId: string, id: string): Record<string, unknown> {
  const at = new Date().toISOString();
  if (deviceId.startsWith('SOS-')) return { type: 'alarm.sos', id, deviceId, at };
  if (deviceId.startsWith('INT-')) return { type: 'alarm.intrusion', id, deviceId, at };
  return { type: 'alarm.access', id, deviceId, at, reason: 'forced' };
}

/** A burst of alarm events, `batch` to a request, `concurrency` requests in flight. */
export class AlarmBurst {
  /** Event ids in requests answered 202. */
  readonly accepted: string[] = [];
  /** Requests that ended without 202, with their last status. */
  readonly failed: { ids: string[]; status: number | null }[] = [];
  /** Requests that needed more than one try. */
  retried = 0;
  /** Called after each request answered 202, with the events accepted so far. */
  onAccepted: ((count: number) => void) | null = null;

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly devices: readonly string[],
    private readonly runId: string,
  ) {}

  async run(events: number, batch: number, concurrency: number): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < events) {
        const start = next;
        next = Math.min(events, next + batch);
        const body = Array.from({ length: next - start }, (_, k) => alarmEvent(this.devices[(start + k) % this.devices.length]!, `${this.runId}-${start + k}`));
        const ids = body.map((event) => String(event.id));
        const result = await postEvents(this.url, this.token, body);
        if (result.attempts > 1) this.retried++;
        if (result.status === 202) {
          this.accepted.push(...ids);
          this.onAccepted?.(this.accepted.length);
        } else this.failed.push({ ids, status: result.status });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }
}

/**
 * Cameras keeping alive through the balancer: each gateway sends its cameras' keepalives in one
 * request every `intervalMs` (phases spread), retrying within the interval until answered 202.
 */
export class KeepaliveStream {
  /** Per camera: when its last keepalive was answered 202. */
  readonly lastAccepted = new Map<string, number>();
  /** The longest time between two accepted keepalives of any camera, in ms. */
  maxGapMs = 0;
  /** Keepalive requests not answered 202 within their interval. */
  missed = 0;
  sent = 0;
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly gateways: readonly (readonly string[])[],
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.running = true;
    this.loops = this.gateways.map((cameras, i) => this.loop(cameras, (i * this.intervalMs) / this.gateways.length));
  }

  /** Restarts the gap measure (e.g. after the cluster is up). */
  resetGaps(): void {
    this.maxGapMs = 0;
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async loop(cameras: readonly string[], phaseMs: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, phaseMs));
    let due = performance.now();
    while (this.running) {
      const at = new Date().toISOString();
      const body = cameras.map((deviceId) => ({ type: 'camera.heartbeat', deviceId, at }));
      this.sent++;
      const result = await postEvents(this.url, this.token, body, { retryDelayMs: 50, giveUpAt: due + this.intervalMs });
      const now = performance.now();
      if (result.status === 202) {
        for (const camera of cameras) {
          const previous = this.lastAccepted.get(camera);
          if (previous !== undefined) this.maxGapMs = Math.max(this.maxGapMs, now - previous);
          this.lastAccepted.set(camera, now);
        }
      } else this.missed++;
      due += this.intervalMs;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    }
  }
}
