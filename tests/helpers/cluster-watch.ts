import type { TestCluster } from './cluster.js';

/**
 * Reads every live node's GET /api/v1/health (as the administrator, straight to the node, not
 * through the balancer) every 250 ms and keeps the most cameras each said were offline.
 */
export class HealthWatch {
  /** Per node: the most cameras offline in any reading. */
  readonly maxOffline = new Map<string, number>();
  /** Per node: the cameras offline in its latest reading. */
  readonly offline = new Map<string, number>();
  private readonly cookies = new Map<string, string>();
  private readonly forgotten = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private busy = false;

  private constructor(private readonly cluster: TestCluster) {}

  static async start(cluster: TestCluster, adminPassword: string): Promise<HealthWatch> {
    const watch = new HealthWatch(cluster);
    for (const node of cluster.nodes) {
      watch.cookies.set(node.name, (await cluster.signIn('admin', adminPassword, node.url)).cookie);
      watch.maxOffline.set(node.name, 0);
    }
    await watch.read();
    watch.timer = setInterval(() => void watch.read(), 250);
    return watch;
  }

  /** Stops reading a node (it was killed). */
  forget(name: string): void {
    this.forgotten.add(name);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async read(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await Promise.all(
        this.cluster.nodes.map(async (node) => {
          if (this.forgotten.has(node.name) || node.proc.ended()) return;
          try {
            const response = await fetch(`${node.url}/api/v1/health`, { headers: { cookie: this.cookies.get(node.name)! }, signal: AbortSignal.timeout(2000) });
            const body = (await response.json()) as { cameras?: { offline: number } };
            if (!body.cameras) return;
            this.offline.set(node.name, body.cameras.offline);
            this.maxOffline.set(node.name, Math.max(this.maxOffline.get(node.name) ?? 0, body.cameras.offline));
          } catch {
            // a node being killed does not answer: its screens' view is checked by them
          }
        }),
      );
    } finally {
      this.busy = false;
    }
  }
}
