import http from 'node:http';
import cookieParser from 'cookie-parser';
import express from 'express';
import type { Store } from 'express-rate-limit';
import helmet from 'helmet';
import type { ClientConfig } from '../shared/wall.js';
import type { Logger } from './logger.js';
import { signInLimit } from './http/auth.routes.js';
import { loadSession } from './http/session.js';
import { apiNotFound, errorHandler } from './http/errors.js';
import { apiHandlers } from './http/api-handlers.js';
import { routeTable } from './http/route-table.js';
import { API } from '../shared/api/index.js';
import { routePolicy } from './http/route-policy.js';
import { refuseNul } from './http/input.js';
import { API_JSON_LIMITS, guardedJson } from './http/json-guard.js';
import { staticRouter } from './http/static.js';
import { ingestGuard } from './ingest/http.js';
import { photoBody } from './http/photo-body.js';
import { AlarmDelivery } from './realtime/alarm-delivery.js';
import { HealthFanOut } from './realtime/health-fan-out.js';
import type { XiaoanServer } from './realtime/rooms.js';
import { SnapshotStore } from './realtime/snapshots.js';
import { createSocketServer, handleConnections } from './realtime/socket.js';
import type { CommandLimits } from './realtime/command-gate.js';
import { DEFAULT_REALTIME_LIMITS, type RealtimeLimits } from './config.js';
import type { Services } from './services/build.js';
import type { Clock } from './clock.js';
import type { EventLoopMonitor } from './services/event-loop.js';
import type { ServerTimeouts, TrustProxy } from './config.js';
import type { StorageHealth } from './db/storage-health.js';
import { trustForSockets, type TrustFn } from './http/client-address.js';
import { applyTimeouts, checkingIntervalOf } from './http/timeouts.js';
import { heavyReadLimit } from './http/heavy-limit.js';
import type { HeavyPool } from './workers/heavy-pool.js';
import type { SipEndpointState } from './gb28181/state.js';
import type { SipRegistration } from '../shared/sip.js';
import type { ReportService } from './services/report.service.js';
import { gzipJson } from './http/gzip-json.js';

/** Answers from this size are gzipped (the wall snapshot: 21 MB of JSON at province scale); level 4: most of level 6's gain at about half its CPU. */
const GZIP_MIN_BYTES = 32 * 1024;
const GZIP_LEVEL = 4;

/** Everything the HTTP and socket layers call: the services, and settings. Built by the composition root (index.ts). */
export interface AppDeps extends Omit<Services, 'tick'> {
  log: Logger;
  clock: Clock;
  ingestToken: string;
  ingestMaxBytes: number;
  replayLimit: number;
  /** Bounded socket work (issue 12); DEFAULT_REALTIME_LIMITS when absent. */
  realtime?: RealtimeLimits;
  clientConfig: ClientConfig;
  clientDir: string;
  eventLoop: EventLoopMonitor;
  /** Sign-in attempts allowed per address per minute. */
  loginsPerMinute: number;
  /** Where those attempts are counted when the nodes share them (REDIS_URL); this node's memory when absent. */
  signInStore?: Store;
  /** Ingest requests allowed per ingest token per minute. */
  ingestRatePerMinute: number;
  /** Commands each socket may send (burst, rate, flood close); the defaults when absent. */
  commandLimits?: CommandLimits;
  /** The worker pool of the heavy reads (issue 12); null computes them on the event loop. */
  heavyPool: HeavyPool | null;
  /** Expensive reads (compliance over history, exports) allowed per session per minute. */
  heavyReadsPerMinute: number;
  /** Check every REST answer against its route's schema (development and tests); off when absent. */
  checkAnswers?: boolean;
  /** Extra figures for `GET /health` from parts started after the app (the MQTT consumer). */
  health: () => Record<string, unknown>;
  /** Express's `trust proxy` (XIAOAN_TRUST_PROXY; off by default). */
  trustProxy: TrustProxy;
  /** HTTP server timeouts (XIAOAN_*_TIMEOUT_MS). */
  timeouts: ServerTimeouts;
  /** Whether writes succeed (GET /health turns degraded when they fail). */
  storage: StorageHealth;
  /** The periodic reports (issue 15 item 3). */
  reports: ReportService;
  /** The GB/T 28181 endpoint's state for the admin screen (issue 16); SIP_OFF when absent. */
  sip?: SipEndpointState;
  /** Every node's SIP registrations (REDIS_URL: server/realtime/sip-across-nodes.ts); the endpoint's own when absent. */
  sipRegistrations?: () => Promise<SipRegistration[]>;
  /** This node's id in the cluster (REDIS_URL), null on a single node: the admin screen's counters are this node's. */
  sipNode?: string | null;
}

/** The HTTP server, its Socket.IO server and the realtime pushes, not yet listening nor started. */
export interface App {
  /** The Express application (tests read its routes). */
  app: express.Express;
  server: http.Server;
  io: XiaoanServer;
  /** Alarm changes (in `seq` order), drills and shelves to the alarm rooms, and screens' catch-up. */
  alarmDelivery: AlarmDelivery;
  /** The coalesced health pushes (status, cameras, faults, posts, summaries) to the wall rooms. */
  healthFanOut: HealthFanOut;
}

/** Wires routes and sockets; no side effects until the caller listens. */
export function createApp(deps: AppDeps): App {
  const app = express();
  app.disable('x-powered-by');
  // X-Forwarded-For is believed only from the proxies configured (req.ip, audit addresses, the sign-in limit).
  app.set('trust proxy', deps.trustProxy);

  const api = express.Router();
  // Security headers (helmet). The map wall draws tiles from a configured URL and inline styles
  // from Leaflet, so the content-security policy names those and nothing else; the responder's
  // phone page (/m) is an installable app with its own manifest and service worker (same origin)
  // and previews the photo it is about to send from a blob: URL; the alarm sound is a WAV the page
  // makes and plays from a blob: URL (client/alert-tone.ts).
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'img-src': ["'self'", 'data:', 'blob:', ...(deps.clientConfig.tileUrl ? [new URL(deps.clientConfig.tileUrl.replace(/\{[a-z]\}/g, 'x')).origin] : [])],
          'style-src': ["'self'", "'unsafe-inline'"],
          'connect-src': ["'self'", 'ws:', 'wss:'],
          'worker-src': ["'self'"],
          'media-src': ["'self'", 'blob:'],
          'manifest-src': ["'self'"],
          'upgrade-insecure-requests': null,
        },
      },
    }),
  );
  api.use(cookieParser());
  api.use(loadSession(deps.auth));
  // Deny by default: every request needs a rule in ROUTE_POLICY, and the caller it names.
  api.use(routePolicy({ ingest: (token) => deps.ingestTokens.authenticate(token) }));
  // Bodies are JSON within structural limits checked before parsing (server/http/json-guard.ts).
  api.use(guardedJson({ limit: 64 * 1024, limits: API_JSON_LIMITS, type: (req) => !req.url?.startsWith('/events') && /json/.test(String(req.headers['content-type'])) }));
  api.use(refuseNul);
  // Large answers (the wall snapshot) gzipped for the clients that accept it.
  api.use(gzipJson({ minBytes: GZIP_MIN_BYTES, level: GZIP_LEVEL }));
  // One budget per session for every expensive read (issue 12), shared by the desk's and the drill report's routes.
  const heavyReads = heavyReadLimit(deps.heavyReadsPerMinute);
  // Every route of the table (shared/api), its handler typed by it (server/http/api-handlers.ts).
  // Route guards: one per-address sign-in limit for both sign-in routes; the ingest body handling; a photo's raw bytes.
  const guards = {
    'sign-in': [signInLimit(deps.loginsPerMinute, deps.signInStore ? { store: deps.signInStore, log: deps.log } : undefined)],
    ingest: ingestGuard({ maxBytes: deps.ingestMaxBytes, ratePerMinute: deps.ingestRatePerMinute, log: deps.log }),
    photo: photoBody(),
  };
  api.use(routeTable(API, apiHandlers(deps), { heavyReads, checkAnswers: deps.checkAnswers ?? false, log: deps.log, guards }));
  api.use(apiNotFound);
  api.use(errorHandler(deps.log));
  app.use('/api/v1', api);
  app.use(staticRouter(deps.clientDir));
  app.use(errorHandler(deps.log));

  const server = http.createServer({ connectionsCheckingInterval: checkingIntervalOf(deps.timeouts) }, app);
  applyTimeouts(server, deps.timeouts);
  const realtime = deps.realtime ?? DEFAULT_REALTIME_LIMITS;
  const io = createSocketServer(server, { auth: deps.auth, log: deps.log, socketsPerSession: realtime.socketsPerSession });
  trustForSockets(io, app.get('trust proxy fn') as TrustFn);
  // Open alarms as of what was delivered, for screens' snapshots: kept by the delivery, told of status moves by the fan-out.
  const snapshots = new SnapshotStore({ alarms: deps.alarms, status: deps.status, registry: deps.registry });
  const alarmDelivery = new AlarmDelivery({
    io,
    events: deps.events,
    alarms: deps.alarms,
    shelves: deps.shelves,
    snapshots,
    limits: { replayLimit: deps.replayLimit, catchUpChunk: realtime.catchUpChunk, catchUpsAtOnce: realtime.catchUpsAtOnce },
    log: deps.log,
  });
  const healthFanOut = new HealthFanOut({
    io,
    status: deps.status,
    schoolCameras: deps.schoolCameras,
    cameras: deps.cameras,
    faults: deps.faults,
    posts: deps.posts,
    registry: deps.registry,
    snapshots,
  });
  handleConnections(io, alarmDelivery, { alarms: deps.alarms, shelves: deps.shelves, auth: deps.auth, log: deps.log, clock: deps.clock, ...(deps.commandLimits ? { commandLimits: deps.commandLimits } : {}) });
  return { app, server, io, alarmDelivery, healthFanOut };
}
