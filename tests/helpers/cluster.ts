/**
 * A real cluster for the failover suite and the cluster benchmark (issue 17): two (or more) node
 * processes (tests/helpers/cluster-node.ts) on one fresh PostgreSQL database and Redis, HAProxy in
 * front with the configuration of deploy/haproxy.cfg on free ports. Each node can be killed with
 * SIGKILL and started again on its port.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { SessionUser } from '../../shared/auth.js';
import { haproxyConfig } from '../../bin/cluster-haproxy.js';
import { checkHaproxyConfig, findHaproxy, freePort, haproxyStatus, spawnHaproxy, spawnNode, waitHealthy, waitListening, type Proc } from '../../bin/cluster-procs.js';
import { DEMO_PASSWORD } from '../../server/index.js';
import { sessionFrom, type Session } from './auth.js';
import { freshPostgresDatabase } from './engines.js';
import { REDIS_TEST_URL } from './redis.js';

/** The ingest token of the cluster's nodes. */
export const CLUSTER_TOKEN = 'cluster-ingest-token';
/** The administrator's password on the cluster's nodes (its /health shows the figures). */
export const CLUSTER_ADMIN_PASSWORD = 'cluster-admin-password';

/** Whether HAProxy is installed: in CI a missing one is an error, elsewhere a visible skip. */
export function haproxyAvailable(): boolean {
  if (findHaproxy()) return true;
  if (process.env.CI) throw new Error('HAProxy is required in CI (.ci/run installs Debian\'s haproxy) but no haproxy binary was found');
  console.warn('[xiaoan tests] haproxy not installed: the failover suite is skipped (it runs in CI).');
  return false;
}

/** One node of the cluster. */
export interface ClusterNode {
  name: string;
  port: number;
  url: string;
  proc: Proc;
}

export interface ClusterOptions {
  /** Extra environment of every node (e.g. XIAOAN_KEEPALIVE_INTERVAL_S). */
  env?: Record<string, string>;
  nodes?: number;
  /** Where the logs go; a fresh temporary directory by default (named in failures). */
  dir?: string;
  /** The node entry (relative to the repository). */
  entry?: string;
  /** Use this database instead of a fresh one. */
  databaseUrl?: string;
}

export class TestCluster {
  readonly nodes: ClusterNode[] = [];
  private haproxy: Proc | null = null;
  readonly pool: pg.Pool;

  private constructor(
    readonly databaseUrl: string,
    readonly dir: string,
    readonly frontPort: number,
    readonly statsPort: number,
    private readonly env: Record<string, string>,
    private readonly entry: string,
  ) {
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  }

  /** The balancer's URL: what screens, people and devices use. */
  get url(): string {
    return `http://127.0.0.1:${this.frontPort}`;
  }

  static async start(options: ClusterOptions = {}): Promise<TestCluster> {
    const haproxy = findHaproxy();
    if (!haproxy) throw new Error('haproxy is not installed');
    const databaseUrl = options.databaseUrl ?? (await freshPostgresDatabase());
    const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'xiaoan-cluster-'));
    const env: Record<string, string> = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: REDIS_TEST_URL,
      HOST: '127.0.0.1',
      XIAOAN_DATA_DIR: dir,
      XIAOAN_SIMULATOR: 'off',
      XIAOAN_INGEST_TOKEN: CLUSTER_TOKEN,
      XIAOAN_ADMIN_PASSWORD: CLUSTER_ADMIN_PASSWORD,
      XIAOAN_DEMO: 'on',
      XIAOAN_LOG_LEVEL: 'warn',
      XIAOAN_TRUST_PROXY: 'loopback',
      XIAOAN_LOGIN_RATE_PER_MINUTE: '10000',
      XIAOAN_LOGIN_ADDRESS_FREE_FAILURES: '100000',
      XIAOAN_INGEST_RATE_PER_MINUTE: '1000000',
      XIAOAN_HEAVY_READS_PER_MINUTE: '10000',
      XIAOAN_REPORT_SCHEDULE: 'off',
      XIAOAN_CHECK_ANSWERS: 'on',
      NODE_ENV: 'test',
      ...options.env,
    };
    const cluster = new TestCluster(databaseUrl, dir, await freePort(), await freePort(), env, options.entry ?? 'tests/helpers/cluster-node.ts');
    try {
      for (let i = 1; i <= (options.nodes ?? 2); i++) {
        const port = await freePort();
        cluster.nodes.push({ name: `n${i}`, port, url: `http://127.0.0.1:${port}`, proc: cluster.spawn(`n${i}`, port) });
        // One at a time: the first seeds the database and makes the cluster's name.
        await cluster.waitNode(cluster.nodes[i - 1]!);
      }
      const configFile = path.join(dir, 'haproxy.cfg');
      fs.writeFileSync(
        configFile,
        haproxyConfig({
          bind: { host: '127.0.0.1', port: cluster.frontPort },
          nodes: cluster.nodes.map((node) => ({ name: node.name, host: '127.0.0.1', port: node.port })),
          statsPort: cluster.statsPort,
          checkIntervalMs: 1000,
        }),
      );
      checkHaproxyConfig(haproxy, configFile);
      cluster.haproxy = spawnHaproxy(haproxy, configFile, path.join(dir, 'haproxy.log'));
      await waitListening(cluster.frontPort, cluster.haproxy, 10_000);
      await waitListening(cluster.statsPort, cluster.haproxy, 10_000);
      for (const node of cluster.nodes) await cluster.waitBackend(node.name, 'UP');
      return cluster;
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  private spawn(name: string, port: number): Proc {
    return spawnNode({ name, port, entry: this.entry, env: this.env, logFile: path.join(this.dir, `${name}.log`) });
  }

  private async waitNode(node: ClusterNode): Promise<void> {
    try {
      await waitHealthy(node.url, node.proc, 300_000);
    } catch (error) {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${this.logTail(node.name)}`, { cause: error });
    }
  }

  /** The last lines of a node's (or haproxy's) log, for a failure message. */
  logTail(name: string, lines = 30): string {
    const file = path.join(this.dir, `${name}.log`);
    if (!fs.existsSync(file)) return `(no ${file})`;
    return `--- ${file} ---\n${fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n')}`;
  }

  node(name: string): ClusterNode {
    const node = this.nodes.find((n) => n.name === name);
    if (!node) throw new Error(`no node ${name}`);
    return node;
  }

  /** Waits until HAProxy's checks say the node is UP or DOWN. */
  async waitBackend(name: string, want: 'UP' | 'DOWN', timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let seen = '';
    while (Date.now() < deadline) {
      seen = (await haproxyStatus(this.statsPort).catch(() => new Map<string, string>())).get(name) ?? '';
      if (seen === want) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const ended = this.haproxy?.ended();
    throw new Error(
      `HAProxy did not see ${name} ${want} within ${timeoutMs} ms (last: ${seen || 'nothing'}${ended ? `; haproxy stopped: ${ended}` : ''})\n${this.logTail('haproxy')}\n${this.logTail(name)}`,
    );
  }

  /** kill -9 of one node. */
  async kill9(name: string): Promise<void> {
    await this.node(name).proc.kill9();
  }

  /** Starts a stopped node again on its port and waits until it answers and HAProxy sees it UP. */
  async restart(name: string): Promise<void> {
    const node = this.node(name);
    if (node.proc.ended() === null) throw new Error(`${name} is still running`);
    node.proc = this.spawn(name, node.port);
    await this.waitNode(node);
    await this.waitBackend(name, 'UP');
  }

  /**
   * Signs a person in through the balancer (`police`, the demo city-wide operator, by default):
   * the answer carries HAProxy's stickiness cookie, so the session's screen lands on that node.
   */
  async signIn(username = 'police', password = DEMO_PASSWORD, url = this.url): Promise<Session & { node: string | null }> {
    const response = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (response.status !== 200) throw new Error(`signing in as ${username} answered ${response.status} ${await response.text()}`);
    const { user } = (await response.json()) as { user: SessionUser };
    const session = sessionFrom(url, user, response.headers.getSetCookie());
    return { ...session, node: /(?:^|; )XIAOAN_NODE=([^;]+)/.exec(session.cookie)?.[1] ?? null };
  }

  /** Ends HAProxy and every node (SIGTERM, then SIGKILL), and the database pool. */
  async stop(): Promise<void> {
    await this.haproxy?.stop(5000);
    await Promise.all(this.nodes.map((node) => node.proc.stop(10_000)));
    await this.pool.end().catch(() => undefined);
  }
}
