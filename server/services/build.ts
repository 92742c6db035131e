import { ActivityRepository, type ActivityEvent } from '../db/activity.repository.js';
import { AuditService } from '../auth/audit.service.js';
import { AuthService, DEFAULT_AUTH_RULES, type AuthRules } from '../auth/auth.service.js';
import type { ThrottleStoreFactory } from '../auth/throttle-store.js';
import { IngestTokenService } from '../auth/ingest-token.service.js';
import { ViewerLinkService } from '../auth/viewer-link.service.js';
import { AlarmRepository } from '../db/alarm.repository.js';
import type { Store } from '../db/database.js';
import { FaultRepository } from '../db/fault.repository.js';
import type { RegistryRepository } from '../db/registry.repository.js';
import type { CameraFault } from '../../shared/wall.js';
import type { Device } from '../../shared/domain/index.js';
import { WriteQueue } from '../db/write-queue.js';
import { IngestService } from '../ingest/ingest.service.js';
import type { Logger } from '../logger.js';
import { AlarmService } from './alarm.service.js';
import { CameraHealthService, DEFAULT_KEEPALIVE_RULES } from './camera-health.service.js';
import type { Clock } from '../clock.js';
import { DomainEvents } from './domain-events.js';
import { FaultService } from './fault.service.js';
import { GuardPostService } from './guard-post.service.js';
import { DEFAULT_POST_RULES } from '../../shared/rules/guard-post.js';
import { PatrolService } from './patrol.service.js';
import { RegistryService } from './registry.service.js';
import { SipChannelRepository } from '../db/sip-channel.repository.js';
import { SipChannelService } from './sip-channel.service.js';
import { SchoolStatusService } from './school-status.service.js';
import { SchoolCameraService } from './school-camera.service.js';
import { DEFAULT_SEMESTERS, type SemesterRule } from '../../shared/rules/compliance/types.js';
import { buildComplianceServices, type ComplianceServices } from './compliance-build.js';
import type { ComplianceOffload } from './compliance-calls.js';
import { DrillRepository } from '../db/drill.repository.js';
import { DEFAULT_RESPONSE_TARGETS, type ResponseTargets } from '../../shared/rules/response.js';
import { DrillService } from './drill.service.js';
import { ShelfRepository } from '../db/shelf.repository.js';
import { ShelfService } from './shelf.service.js';
import { PhotoRepository } from '../db/photo.repository.js';
import { ResponderService } from './responder.service.js';
import { UnitScope } from './unit-scope.js';
import { RiskService } from './risk.service.js';
import { RiskInputStore } from './risk-inputs.js';
import { RiskRepository } from '../db/risk.repository.js';
import { DEFAULT_RISK_MODEL, type RiskModel } from '../../shared/rules/risk.js';
import type { ComplianceSchoolsAnswer } from '../../shared/compliance.js';
import type { CameraStateBackend, CameraStateFactory } from '../cluster/backend.js';
import { MemoryCameraState } from '../cluster/memory-camera-state.js';

/** 护学岗 settings from the configuration (XIAOAN_POST_GRACE_MINUTES, XIAOAN_POST_SETTLE_SECONDS). */
export interface GuardPostSettings {
  graceMinutes: number;
  /** How long after a start absences wait for the devices' re-sent check-ins, ms. */
  settleMs: number;
}

/** Every domain service, wired to its dependencies and started from the stored state. */
export interface Services extends ComplianceServices {
  events: DomainEvents;
  writes: WriteQueue;
  registry: RegistryService;
  alarms: AlarmService;
  cameras: CameraHealthService;
  status: SchoolStatusService;
  schoolCameras: SchoolCameraService;
  faults: FaultService;
  posts: GuardPostService;
  patrol: PatrolService;
  ingest: IngestService;
  auth: AuthService;
  audit: AuditService;
  /** Ingest tokens per integration (and the built-in one). */
  ingestTokens: IngestTokenService;
  /** Kiosk viewer links. */
  viewerLinks: ViewerLinkService;
  /** Live drills (应急演练). */
  drills: DrillService;
  /** Shelved devices (搁置). */
  shelves: ShelfService;
  /** The dispatched unit's phone (issue 14): its alarms, steps and photos. */
  responders: ResponderService;
  /** Whether a responder's unit has an alarm at a school (for the school's emergency card). */
  unitScope: UnitScope;
  /** The school risk list (风险清单, issue 15): scores, levels, history, heat grid. */
  risk: RiskService;
  /** GB/T 28181 catalog channels the registry does not know, and their assignment to schools (issue 16). */
  sipChannels: SipChannelService;
  /** Where camera health, tickets and activity are decided and shared: this node's memory, or Redis (REDIS_URL, issue 17). */
  deviceState: CameraStateBackend;
  /** Periodic work: missed keepalives, 护学岗 windows opening and closing. */
  tick(): Promise<void>;
}

/**
 * The tickets a resync sends to the node's screens again (docs/device-state.md), as many as a
 * screen loads (client/stores/field.ts, OPEN_FAULTS_LIMIT and CLOSED_FAULTS_KEPT): the latest
 * opened of the open ones (a province-wide outage has more; a push of every one to every screen
 * would be tens of megabytes), and the most recently closed.
 */
const RESYNC_OPEN_TICKETS = 5_000;
const RESYNC_CLOSED_TICKETS = 100;

/** Builds the services and brings their live state back from the database (open alarms, open faults, today's check-ins). */
export async function buildServices(deps: { store: Store; registryRepository: RegistryRepository; clock: Clock; log: Logger; semesters?: readonly SemesterRule[]; responseTargets?: ResponseTargets; ingestToken: string; posts?: GuardPostSettings; loginThrottle?: Pick<AuthRules, 'freeFailures' | 'addressFreeFailures' | 'firstDelaySeconds' | 'maxDelaySeconds'>; drillMarginMinutes?: number; offload?: ComplianceOffload | null; guardPostReachM?: number; riskModel?: RiskModel; keepaliveIntervalMs?: number; deviceState?: CameraStateFactory; throttles?: ThrottleStoreFactory }): Promise<Services> {
  const { store, clock, log } = deps;
  const events = new DomainEvents();
  const writes = new WriteQueue();
  const registry = new RegistryService(deps.registryRepository);
  await registry.load();
  const audit = new AuditService({ db: store.db, clock });
  const alarms = new AlarmService({
    repository: new AlarmRepository(store.db),
    store,
    writes,
    events,
    clock,
    registry,
    audit,
    // Asked on each raise, long after `drills` below exists.
    isDrillAt: (schoolId: string): boolean => drills.isRunningAt(schoolId),
    // 转为真实警情: the drill's record notes it in the same transaction.
    onConverted: (trx, alarm, actor, at) => drills.noteConversion(trx, alarm, actor, at),
  });
  const faultRepository = new FaultRepository(store.db);
  const keepalive = { ...DEFAULT_KEEPALIVE_RULES, intervalMs: deps.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_RULES.intervalMs };
  const cameras = new CameraHealthService({ registry, events, clock, rules: keepalive });
  const deviceState = deps.deviceState
    ? deps.deviceState({
        events, mirror: cameras, now: () => clock.now(), limitMs: keepalive.intervalMs * keepalive.missedBeforeOffline, graceMs: keepalive.intervalMs,
        // Read at a resync only, long after `posts` below exists.
        recentActivity: (): Promise<ActivityEvent[]> => new ActivityRepository(store.db).since(posts.keepSince()),
        recentTickets: async (): Promise<CameraFault[]> => [
          ...(await faultRepository.recentlyClosed(RESYNC_CLOSED_TICKETS)).reverse(),
          ...(await faultRepository.list({ state: 'open', limit: RESYNC_OPEN_TICKETS })),
        ],
        storedDevices: (): Promise<Device[]> => deps.registryRepository.devices(),
      })
    : new MemoryCameraState(events);
  const openFaults = (await faultRepository.openStates()).map((f) => ({ deviceId: f.deviceId, state: f.state }));
  // The cameras not online: this node's open tickets, or (REDIS_URL) the shared state, seeded with the registry's cameras.
  const cameraIds = deviceState.shared ? registry.devices({ kind: 'camera' }).filter((d) => d.schoolId).map((d) => d.id) : [];
  cameras.shareThrough(deviceState);
  cameras.init(await deviceState.start(cameraIds, openFaults, clock.now()));
  // The retention other nodes heard (REDIS_URL); what is announced from here on comes through listen().
  cameras.applyRetention(await deviceState.sharedRetention());
  const status = new SchoolStatusService(events);
  status.init(await alarms.list({ state: 'open', limit: 100_000 }), cameras.unhealthy());
  const schoolCameras = new SchoolCameraService(events);
  schoolCameras.init(registry, cameras.unhealthy());
  const faults = new FaultService({ store, writes, events, registry, repository: faultRepository, log, shared: deviceState });
  const posts = new GuardPostService({
    registry, events, clock, alarms, log,
    rules: { ...DEFAULT_POST_RULES, graceMinutes: deps.posts?.graceMinutes ?? DEFAULT_POST_RULES.graceMinutes, semesters: deps.semesters ?? DEFAULT_SEMESTERS },
    settleMs: deps.posts?.settleMs ?? 0,
    // With REDIS_URL only the sweep lease's holder raises and closes absences; every node keeps the live state.
    mayRaise: () => deviceState.holdsLease(),
  });
  const patrol = new PatrolService({ registry, events, clock });
  const recent = await new ActivityRepository(store.db).since(posts.keepSince());
  posts.init(recent, await alarms.list({ state: 'open', types: ['post_absent'], limit: 100_000 }));
  patrol.init(recent);
  const ingest = new IngestService({ store, writes, registry, alarms, cameras, events, clock, shared: deviceState });
  const auth = new AuthService({ db: store.db, clock, audit, rules: { ...DEFAULT_AUTH_RULES, ...deps.loginThrottle }, ...(deps.throttles ? { throttles: deps.throttles } : {}) });
  const alarmRepository = new AlarmRepository(store.db);
  const unitScope = new UnitScope({ alarms: alarmRepository, clock });
  const complianceServices = buildComplianceServices({ store, writes, registry, clock, audit, unitScope, semesters: deps.semesters ?? DEFAULT_SEMESTERS, offload: deps.offload ?? null, retention: () => cameras.retentionBySchool(), ...(deps.guardPostReachM !== undefined ? { guardPostReachM: deps.guardPostReachM } : {}) });
  const drills: DrillService = new DrillService({
    store, writes, events, clock, registry, alarms, log, audit,
    repository: new DrillRepository(store.db),
    compliance: complianceServices.compliance,
    responseTargets: deps.responseTargets ?? DEFAULT_RESPONSE_TARGETS,
    ...(deps.drillMarginMinutes !== undefined ? { marginMinutes: deps.drillMarginMinutes } : {}),
  });
  await drills.init();
  const shelves = new ShelfService({ repository: new ShelfRepository(store.db), store, writes, events, clock, registry, audit });
  const risk = buildRisk({ store, writes, events, clock, registry, audit, log, posts, patrol, complianceServices, semesters: deps.semesters ?? DEFAULT_SEMESTERS, model: deps.riskModel ?? DEFAULT_RISK_MODEL });
  // The stream's changes are applied from here on: every service that listens to them exists.
  deviceState.listen();
  const responders = new ResponderService({ store, writes, alarms: alarmRepository, photos: new PhotoRepository(store.db), registry, clock, audit, events });

  return {
    ...complianceServices,
    events,
    writes,
    registry,
    alarms,
    cameras,
    status,
    schoolCameras,
    faults,
    posts,
    patrol,
    ingest,
    auth,
    audit,
    ingestTokens: new IngestTokenService({ db: store.db, clock, builtInToken: deps.ingestToken, log, audit }),
    viewerLinks: new ViewerLinkService({ db: store.db, clock, auth, audit }),
    drills,
    shelves,
    responders,
    unitScope,
    risk,
    sipChannels: new SipChannelService({
      store, writes, clock, registry, registryRepository: deps.registryRepository, repository: new SipChannelRepository(store.db), cameras, schoolCameras, audit,
      ...(deviceState.shared ? { shared: { backend: deviceState, events } } : {}),
    }),
    deviceState,
    async tick() {
      cameras.sweep();
      await deviceState.tick(clock.now());
      await posts.evaluate();
      await drills.refresh();
      // A drill past its planned length plus the margin ends itself (on the audit record under the system's name, in the same write).
      await drills.expire();
      // A shelf that ran out ends itself (on the audit record under the system's name, in the same write).
      await shelves.expire();
      // The school risk list: the dirty schools, every school once a minute (in slices).
      await risk.tick();
    },
  };
}

/** The risk list (issue 15) and its inputs: alarms and cameras from the events, the rest refreshed (docs/risk.md). */
function buildRisk(d: {
  store: Store; writes: WriteQueue; events: DomainEvents; clock: Clock; registry: RegistryService; audit: AuditService; log: Logger;
  posts: GuardPostService; patrol: PatrolService; complianceServices: ComplianceServices; semesters: readonly SemesterRule[]; model: RiskModel;
}): RiskService {
  const repository = new RiskRepository(d.store.db);
  const inputs = new RiskInputStore({
    repository, registry: d.registry, semesters: d.semesters, model: d.model,
    live: {
      lateness: () => d.posts.lateness(),
      patrol: () => d.patrol.list().map((p) => ({ schoolId: p.schoolId, due: p.due, missed: p.missed })),
      // Only through the worker pool: evaluating every school here would hold the event loop.
      complianceFailures: async (today) => {
        if (!d.complianceServices.compliance.offloaded) return null;
        const answer = await d.complianceServices.compliance.query({ method: 'schools', asOf: today, filters: {}, rule: null, status: 'fail' });
        return typeof answer === 'string' ? (JSON.parse(answer) as ComplianceSchoolsAnswer).schools : null;
      },
    },
  });
  return new RiskService({ registry: d.registry, clock: d.clock, events: d.events, inputs, repository, store: d.store, writes: d.writes, audit: d.audit, log: d.log.child({ part: 'risk' }), model: d.model });
}
