/**
 * `npm run cluster` — two Xiaoan nodes sharing PostgreSQL (DATABASE_URL) and Redis (REDIS_URL),
 * with HAProxy in front when it is installed (issue 17; docs/cluster.md). Ctrl-C stops them all.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/xiaoan REDIS_URL=redis://127.0.0.1:6379 npm run cluster
 *   npm run cluster -- --port 8080 --node-ports 3001,3002 --print-config
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { z } from 'zod';
import { DEFAULT_LAYOUT, haproxyConfig, type HaproxyLayout } from './cluster-haproxy.js';
import { checkHaproxyConfig, findHaproxy, spawnHaproxy, spawnNode, waitHealthy, waitListening, type Proc } from './cluster-procs.js';

const HELP = `npm run cluster [-- options]

  校安 两节点集群：两个服务进程共用 PostgreSQL 与 Redis，HAProxy（如已安装）在前。Ctrl-C 全部停止。
  Two Xiaoan nodes sharing PostgreSQL and Redis, HAProxy in front when installed. Ctrl-C stops all.

  Needs DATABASE_URL (postgres://…) and REDIS_URL (redis://…) in the environment; every other
  setting (XIAOAN_*) is passed to both nodes. The first node imports the dataset on a first start.

  --port <n>           HAProxy's port (default ${DEFAULT_LAYOUT.bind.port})
  --node-ports <a,b>   the nodes' ports (default ${DEFAULT_LAYOUT.nodes.map((n) => n.port).join(',')})
  --stats-port <n>     HAProxy's status page on 127.0.0.1 (default ${DEFAULT_LAYOUT.statsPort}; 0 for none)
  --print-config       print the HAProxy configuration for these ports and exit
  --help               this text
`;

const portSchema = z.coerce.number().int().min(1).max(65_535);

function fail(zh: string, en: string): never {
  console.error(`\n  ✗ ${zh}\n    ${en}\n`);
  process.exit(2);
}

function layoutFrom(values: { port: string; 'node-ports': string; 'stats-port': string }): HaproxyLayout {
  const parsed = z
    .object({ port: portSchema, nodePorts: z.array(portSchema).min(2), statsPort: z.coerce.number().int().min(0).max(65_535) })
    .safeParse({ port: values.port, nodePorts: values['node-ports'].split(','), statsPort: values['stats-port'] });
  if (!parsed.success) fail('端口参数无效', `invalid ports: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const { port, nodePorts, statsPort } = parsed.data;
  return {
    bind: { host: DEFAULT_LAYOUT.bind.host, port },
    nodes: nodePorts.map((nodePort, i) => ({ name: `n${i + 1}`, host: '127.0.0.1', port: nodePort })),
    statsPort: statsPort === 0 ? null : statsPort,
  };
}

async function postgresAnswers(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function tcpAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 3000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: String(DEFAULT_LAYOUT.bind.port) },
      'node-ports': { type: 'string', default: DEFAULT_LAYOUT.nodes.map((n) => n.port).join(',') },
      'stats-port': { type: 'string', default: String(DEFAULT_LAYOUT.statsPort ?? 0) },
      'print-config': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return void console.log(HELP);
  const layout = layoutFrom(values);
  if (values['print-config']) return void process.stdout.write(haproxyConfig(layout));

  const databaseUrl = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  if (!databaseUrl) fail('未设置 DATABASE_URL：两个节点必须共用一个 PostgreSQL 数据库', 'DATABASE_URL is not set: both nodes must share one PostgreSQL database (e.g. postgres://postgres@127.0.0.1:5432/xiaoan)');
  if (!redisUrl) fail('未设置 REDIS_URL：节点之间通过 Redis 互通', 'REDIS_URL is not set: the nodes reach each other through Redis (e.g. redis://127.0.0.1:6379)');
  const pgError = await postgresAnswers(databaseUrl);
  if (pgError) fail(`PostgreSQL 无法连接（${pgError}）`, `PostgreSQL at DATABASE_URL does not answer: ${pgError}`);
  const redis = new URL(redisUrl);
  if (!(await tcpAnswers(redis.hostname || '127.0.0.1', Number(redis.port || 6379)))) fail(`Redis 无法连接（${redis.host}）`, `Redis at REDIS_URL (${redis.host}) does not answer`);
  const haproxy = findHaproxy();

  const procs: Proc[] = [];
  let stopping = false;
  const stopAll = async (why: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n  ${why}: 正在停止 HAProxy 与各节点 / stopping HAProxy and the nodes…`);
    await Promise.all([...procs].reverse().map((proc) => proc.stop(20_000)));
    process.exit(0);
  };
  process.on('SIGINT', () => void stopAll('Ctrl-C'));
  process.on('SIGTERM', () => void stopAll('SIGTERM'));

  const env = { XIAOAN_TRUST_PROXY: 'loopback', ...process.env } as Record<string, string>;
  for (const [i, node] of layout.nodes.entries()) {
    const url = `http://127.0.0.1:${node.port}`;
    if (await tcpAnswers('127.0.0.1', node.port)) fail(`端口 ${node.port} 已被占用`, `port ${node.port} is already in use (choose others with --node-ports)`);
    console.log(`  starting node ${node.name} on ${url}${i === 0 ? ' (imports the dataset on a first start)' : ''}…`);
    // The built-in simulator (XIAOAN_SIMULATOR) drives the first node only: one set of devices.
    const proc = spawnNode({ name: node.name, port: node.port, entry: 'bin/xiaoan.ts', env: { ...env, HOST: '127.0.0.1', ...(i > 0 ? { XIAOAN_SIMULATOR: 'off' } : {}) }, logFile: null });
    procs.push(proc);
    void proc.gone.then(() => {
      if (!stopping) console.error(`\n  ✗ 节点 ${node.name} 已退出（${proc.ended()}）/ node ${node.name} ended (${proc.ended()}); the others keep running. Ctrl-C stops them.`);
    });
    // One at a time: the first creates the schema, the dataset and the cluster's name.
    await waitHealthy(url, proc, 15 * 60_000).catch((error: unknown) => stopAll(error instanceof Error ? error.message : String(error)));
  }

  if (!haproxy) {
    console.log(`\n  ⚠ 未安装 HAProxy（Debian: apt-get install haproxy），两个节点直接提供服务：\n    HAProxy is not installed (Debian: apt-get install haproxy); the nodes answer directly:\n${layout.nodes.map((n) => `      http://127.0.0.1:${n.port}/`).join('\n')}\n`);
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xiaoan-cluster-'));
  const configFile = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(configFile, haproxyConfig(layout));
  try {
    checkHaproxyConfig(haproxy, configFile);
  } catch (error) {
    await stopAll(error instanceof Error ? error.message : String(error));
  }
  const balancer = spawnHaproxy(haproxy, configFile, null);
  procs.push(balancer);
  void balancer.gone.then(() => {
    if (!stopping) void stopAll(`HAProxy ended (${balancer.ended()})`);
  });
  await waitListening(layout.bind.port, balancer, 10_000);
  const shown = layout.bind.host === '0.0.0.0' ? 'localhost' : layout.bind.host;
  console.log(
    [
      '',
      `  校安 Xiaoan cluster: http://${shown}:${layout.bind.port}/  (HAProxy → ${layout.nodes.map((n) => `${n.name} :${n.port}`).join(', ')})`,
      layout.statsPort === null ? '' : `  HAProxy status: http://127.0.0.1:${layout.statsPort}/stats`,
      `  HAProxy config: ${configFile}  (the same as deploy/haproxy.cfg with these ports)`,
      '  Ctrl-C 停止全部 / stops everything.',
      '',
    ].join('\n'),
  );
}

void main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
