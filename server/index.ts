import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Dataset } from '../shared/dataset.js';
import type { PolicePost } from '../shared/domain/index.js';
import { createApp } from './app.js';
import type { Config } from './config.js';
import { openStore, type Store } from './db/database.js';
import { RegistryRepository } from './db/registry.repository.js';
import { startMqttIngest, type MqttIngest } from './ingest/mqtt.js';
import { Gb28181Endpoint } from './gb28181/endpoint.js';
import { attachRedisAdapter, clusterKey } from './realtime/redis.js';
import { sipRegistrationsAcrossNodes } from './realtime/sip-across-nodes.js';
import type { SipRegistration } from '../shared/sip.js';
import { connectRedisCameraState } from './cluster/redis-camera-state.js';
import { connectRedisThrottles } from './cluster/redis-throttle.js';
import { createLogger, type Logger } from './logger.js';
import type { Express } from 'express';
import { buildServices, type Services } from './services/build.js';
import type { AuthService } from './auth/auth.service.js';
import { MIN_PASSWORD_LENGTH, type Role } from '../shared/auth.js';
import { systemClock, type Clock } from './clock.js';
import { EventLoopMonitor } from './services/event-loop.js';
import { quietStorageFailures, StorageHealth } from './db/storage-health.js';
import { HeavyPool } from './workers/heavy-pool.js';
import { ReportRepository } from './db/report.repository.js';
import { ReportService } from './services/report.service.js';
import { topRiskFrom } from './services/report-risk.js';

/** Options beside the configuration, for the launcher and for tests. */
export interface StartOptions {
  clock?: Clock;
  log?: Logger;
  /** Makes the registry on a first start (an empty database); the launcher passes the dataset generator. */
  seed?: () => Dataset;
  clientDir?: string;
}

/** A listening server and the handles tests and the launcher need. */
export interface RunningServer {
  url: string;
  port: number;
  ingestToken: string;
  store: Store;
  log: Logger;
  /** The domain services (tests create people with `services.auth`). */
  services: Services;
  /** The Express application (tests enumerate its routes). */
  app: Express;
  /** The heavy-read worker pool (issue 12), unless XIAOAN_WORKERS=0. */
  heavyPool: HeavyPool | null;
  /** The periodic reports (issue 15 item 3). */
  reports: ReportService;
  /** The MQTT consumer, when MQTT_URL is set. */
  mqtt: MqttIngest | null;
  /** The GB/T 28181 SIP endpoint and the ports it took, when XIAOAN_GB28181 is on. */
  sip: { udpPort: number; tcpPort: number; endpoint: Gb28181Endpoint } | null;
  /** Runs the periodic checks now and waits for their writes (tests drive it with a pinned clock). */
  tick(): Promise<void>;
  /** Stops accepting, lets queued writes finish, closes the database. */
  close(): Promise<void>;
}

/** How often missed keepalives and 护学岗 windows are checked. */
const TICK_MS = 5_000;

const defaultClientDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/client');

/** The composition root: configuration → database → services → app → listen. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const baseLog = options.log ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  // Failing writes (disk full…) are named once per episode by `storage`; the services' own error
  // lines about them go to debug (see quietStorageFailures).
  const storage = new StorageHealth({ log: baseLog, clock });
  const log = quietStorageFailures(baseLog, storage);
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, storage, log });
  const registryRepository = new RegistryRepository(store.db);

  if (options.seed && (await registryRepository.isEmpty())) {
    const started = Date.now();
    const dataset = options.seed();
    await registryRepository.importDataset(dataset, clock.now());
    log.info({ schools: dataset.schools.length, devices: dataset.devices.length, ms: Date.now() - started }, 'first start: dataset loaded');
  }

  const ingestToken = config.ingestToken ?? (await storedIngestToken(registryRepository));
  // Issue 12: compliance over history and the exports run on worker threads with their own read-only connection.
  const heavyPool = config.heavy.workers > 0
    ? new HeavyPool({ threads: config.heavy.workers, maxQueue: config.heavy.maxQueue, databaseUrl: config.databaseUrl, dataDir: config.dataDir, semesters: config.semesters, guardPostReachM: config.guardPostReachM })
    : null;
  // REDIS_URL: camera health, fault tickets and 护学岗 activity shared by the nodes (issue 17; docs/device-state.md).
  const cluster = config.redisUrl ? await clusterKey(store.db) : null;
  const deviceState = config.redisUrl && cluster ? await connectRedisCameraState({ url: config.redisUrl, cluster, log }) : null;
  // REDIS_URL: the sign-in throttles counted once for the cluster, not once per node (server/cluster/redis-throttle.ts).
  const throttles = config.redisUrl && cluster ? await connectRedisThrottles({ url: config.redisUrl, cluster, log }) : null;
  const services = await buildServices({
    store, registryRepository, clock, log, semesters: config.semesters, responseTargets: config.responseTargets, ingestToken,
    posts: { graceMinutes: config.posts.graceMinutes, settleMs: config.posts.settleSeconds * 1000 },
    drillMarginMinutes: config.drillMarginMinutes,
    guardPostReachM: config.guardPostReachM,
    loginThrottle: config.loginThrottle,
    offload: heavyPool,
    riskModel: config.riskModel,
    keepaliveIntervalMs: config.keepaliveIntervalMs,
    ...(deviceState ? { deviceState } : {}),
    ...(throttles ? { throttles: throttles.stores } : {}),
  });
  await services.tick();
  const reports = new ReportService({
    db: store.db, repository: new ReportRepository(store.db), registry: services.registry, compliance: services.compliance, clock, audit: services.audit, heavyPool,
    // The top-risk schools with their reasons: the risk service's current scores.
    targets: config.responseTargets, log, topRisk: topRiskFrom(services.risk),
  });
  // The weekly and monthly reports, when due: in the background (the worker pool), never awaited by the tick.
  const scheduleReports = () => (config.reportSchedule ? reports.scheduled() : Promise.resolve());
  await ensureAdmin(services.auth, config.adminPassword, log);
  if (config.demo) await ensureDemoAccounts(services, log);

  // While writes fail, the periodic tick tries this tiny one: /health recovers by itself when space returns.
  storage.probeWrite = () => services.writes.run(() => registryRepository.setMeta('storage_probe', new Date(clock.now()).toISOString()));
  const eventLoop = new EventLoopMonitor();
  // Issue 16: devices speaking GB/T 28181 register here; what they report goes through the same ingest as HTTP and MQTT.
  const sipEndpoint = config.gb28181
    ? new Gb28181Endpoint({ config: config.gb28181, registry: services.registry, catalog: services.sipChannels, ingest: services.ingest, clock, log })
    : null;
  let sipAcrossNodes: (() => Promise<SipRegistration[]>) | null = null;
  // This node's id in the cluster (REDIS_URL), null on a single node.
  const node = services.deviceState.figures()?.node ?? null;
  const clientDir = options.clientDir ?? defaultClientDir;
  const { app, server, io, alarmDelivery, healthFanOut } = createApp({
    ...services,
    log,
    clock,
    ingestToken,
    ingestMaxBytes: config.ingestMaxBytes,
    loginsPerMinute: config.loginsPerMinute,
    ...(throttles ? { signInStore: throttles.requestStore('sign-in') } : {}),
    ingestRatePerMinute: config.ingestRatePerMinute,
    commandLimits: config.socketCommands,
    heavyPool,
    heavyReadsPerMinute: config.heavy.readsPerMinute,
    checkAnswers: config.checkAnswers,
    replayLimit: config.replayLimit,
    realtime: config.realtime,
    clientConfig: { tileUrl: config.tileUrl, tileAttribution: config.tileAttribution, buildId: buildIdOf(clientDir), responseTargets: config.responseTargets, videoUrlTemplate: config.videoUrlTemplate },
    clientDir,
    eventLoop,
    health: () => ({ mqtt: mqttIngest?.counters ?? null, sip: sipEndpoint?.counters() ?? null, deviceState: services.deviceState.figures() }),
    ...(sipEndpoint ? { sip: sipEndpoint } : {}),
    sipNode: node,
    // With REDIS_URL, every node's (set once the adapter is on, below).
    sipRegistrations: () => (sipAcrossNodes ? sipAcrossNodes() : Promise.resolve(sipEndpoint?.registrations() ?? [])),
    trustProxy: config.trustProxy,
    timeouts: config.timeouts,
    storage,
    reports,
  });
  // REDIS_URL: the nodes on this database pass each other their alarm changes (Socket.IO Redis adapter).
  const redis = config.redisUrl ? await attachRedisAdapter(io, { url: config.redisUrl, db: store.db, log }) : null;
  if (redis) alarmDelivery.relayAcrossNodes();
  if (redis) {
    // A SIP device registers with one node: the admin list asks them all (each registration marked with its node).
    sipAcrossNodes = sipRegistrationsAcrossNodes(io, () => (sipEndpoint?.registrations() ?? []).map((registration) => ({ ...registration, node })), log);
  }
  alarmDelivery.start();
  healthFanOut.start();
  const ticker = setInterval(() => {
    void storage.probe();
    services.tick().catch((error: unknown) => log.error({ err: error }, 'periodic check failed'));
    scheduleReports().catch((error: unknown) => log.error({ err: error }, 'scheduled reports failed'));
  }, TICK_MS);

  const mqttIngest = config.mqttUrl ? startMqttIngest({ url: config.mqttUrl, ingest: services.ingest, log, maxBytes: config.ingestMaxBytes }) : null;
  if (mqttIngest) {
    // The server runs without its broker for a while; the consumer keeps reconnecting.
    mqttIngest.ready.catch((error: unknown) => log.warn({ err: error }, 'MQTT ingest not ready yet; retrying in the background'));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const sipPorts = sipEndpoint ? await sipEndpoint.start() : null;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    ingestToken,
    store,
    log,
    services,
    app,
    mqtt: mqttIngest,
    sip: sipEndpoint && sipPorts ? { ...sipPorts, endpoint: sipEndpoint } : null,
    heavyPool,
    reports,
    async tick() {
      await services.tick();
      await scheduleReports();
      await services.writes.drain();
    },
    async close() {
      await mqttIngest?.close();
      await sipEndpoint?.close();
      clearInterval(ticker);
      services.risk.stop();
      alarmDelivery.stop();
      healthFanOut.stop();
      eventLoop.stop();
      await io.close();
      await redis?.close();
      server.closeAllConnections();
      await services.writes.drain();
      // Gives the sweep lease up (another node takes it at once) after this node's last writes to Redis.
      await services.deviceState.close();
      await services.writes.drain();
      await throttles?.close();
      await heavyPool?.close();
      await store.close();
    },
  };
}

/** Identifies the client build being served (a hash of its index.html), so open screens reload after a deploy. */
function buildIdOf(clientDir: string): string {
  try {
    return createHash('sha256').update(fs.readFileSync(path.join(clientDir, 'index.html'))).digest('hex').slice(0, 12);
  } catch {
    return 'unbuilt';
  }
}

/**
 * The first administrator: `admin`, created from XIAOAN_ADMIN_PASSWORD on a start that finds no
 * such account. Without the variable, the log says plainly how to set it.
 */
async function ensureAdmin(auth: AuthService, password: string | null, log: Logger): Promise<void> {
  if (await auth.hasUser('admin')) return;
  if (!password) {
    log.warn('no administrator yet: start once with XIAOAN_ADMIN_PASSWORD=<a password of 10+ characters> to create the "admin" account');
    return;
  }
  if (password.length < MIN_PASSWORD_LENGTH) {
    log.warn(`XIAOAN_ADMIN_PASSWORD is shorter than ${MIN_PASSWORD_LENGTH} characters: the "admin" account was not created`);
    return;
  }
  await auth.createUser({ username: 'admin', displayName: '系统管理员', password, role: 'admin' });
  log.info('administrator account "admin" created from XIAOAN_ADMIN_PASSWORD');
}

/** The demo accounts' shared password (README: "Demo accounts"). */
export const DEMO_PASSWORD = 'xiaoan-demo';

/** The demo's simulated duty operator (bin/xiaoan.ts, mocks/simulator/operator-driver.ts). */
export const DUTY_SIMULATOR_USERNAME = 'duty-sim';

/**
 * Demo mode (not NODE_ENV=production, XIAOAN_DEMO not off): one account per role, all with the
 * password `xiaoan-demo`, each created once. The administrator is never among them.
 */
async function ensureDemoAccounts(services: Services, log: Logger): Promise<void> {
  const firstSchool = services.registry.schools()[0];
  const accounts: { username: string; displayName: string; role: Role; districtCode: string | null; schoolId: string | null }[] = [
    { username: 'police', displayName: '市局指挥中心值班员', role: 'police_operator', districtCode: null, schoolId: null },
    { username: 'police-xinhua', displayName: '新华分局值班员', role: 'police_operator', districtCode: '410402', schoolId: null },
    // The simulated duty operator of an unattended demo (XIAOAN_SIMULATOR_OPERATOR): its steps carry its own name on the timeline.
    { username: DUTY_SIMULATOR_USERNAME, displayName: '模拟值班员（演示）', role: 'police_operator', districtCode: null, schoolId: null },
    { username: 'edu', displayName: '市教体局值班员', role: 'education_staff', districtCode: null, schoolId: null },
    { username: 'edu-xinhua', displayName: '新华区教体局值班员', role: 'education_staff', districtCode: '410402', schoolId: null },
    ...(firstSchool
      ? [{ username: 'school', displayName: `${firstSchool.name}安保负责人`, role: 'school_user' as const, districtCode: firstSchool.districtCode, schoolId: firstSchool.id }]
      : []),
    { username: 'viewer', displayName: '大屏', role: 'viewer', districtCode: null, schoolId: null },
  ];
  const created: string[] = [];
  for (const account of accounts) {
    if (await services.auth.hasUser(account.username)) continue;
    await services.auth.createUser({ ...account, password: DEMO_PASSWORD });
    created.push(account.username);
  }
  // One responder per police post (出警单位人员, issue 14): `unit-<post id>`, e.g. unit-p001.
  created.push(...(await services.auth.createUsersSharingPassword(demoResponders(services.registry.policePosts()), DEMO_PASSWORD)));
  if (created.length > 0) log.warn({ accounts: created.length > 12 ? [...created.slice(0, 12), `… ${created.length} in all`] : created }, 'demo mode: demo accounts created (see README; XIAOAN_DEMO=off or NODE_ENV=production turns this off)');
}

/** The demo responders: one per police post, `unit-<post id in lower case>`, named after the post. */
export function demoResponders(posts: readonly PolicePost[]): { username: string; displayName: string; role: 'responder'; districtCode: string; schoolId: null; unitId: string }[] {
  return posts.map((post) => ({ username: `unit-${post.id.toLowerCase()}`, displayName: `${post.name}民警`, role: 'responder', districtCode: post.districtCode, schoolId: null, unitId: post.id }));
}

/** The embedded default's ingest token: made once, kept in the database. */
async function storedIngestToken(repository: RegistryRepository): Promise<string> {
  const existing = await repository.getMeta('ingest_token');
  if (existing) return existing;
  const token = randomBytes(24).toString('base64url');
  await repository.setMeta('ingest_token', token);
  return token;
}
