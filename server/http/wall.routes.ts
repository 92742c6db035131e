import { Router } from 'express';
import { z } from 'zod';
import type { ClientConfig, DeviceHealth, WallSnapshot } from '../../shared/wall.js';
import type { IngestCounters } from '../ingest/ingest.service.js';
import type { AlarmService } from '../services/alarm.service.js';
import type { CameraHealthService } from '../services/camera-health.service.js';
import type { RegistryService } from '../services/registry.service.js';
import type { SchoolStatusService } from '../services/school-status.service.js';
import type { Clock } from '../services/clock.js';
import type { EventLoopMonitor } from '../services/event-loop.js';
import type { SchoolCameraService } from '../services/school-camera.service.js';
import type { StorageHealth } from '../db/storage-health.js';
import { userOf } from './caller.js';

/** `GET /health?span=read|restart`: also the event-loop figures since the span began. */
const healthQuery = z.object({ span: z.enum(['read', 'restart']).optional() });
import type { CameraSummary } from '../../shared/wall.js';
import { refusal } from '../../shared/refusal.js';
import { sendRefusal } from './refusal.js';
import { isScoped, refuseOutside, schoolAllowed, scopeCovers, scopeOf } from './scope.js';

interface WallDeps {
  registry: RegistryService;
  status: SchoolStatusService;
  cameras: CameraHealthService;
  alarms: AlarmService;
  ingestCounters: IngestCounters;
  clientConfig: ClientConfig;
  clock: Clock;
  eventLoop: EventLoopMonitor;
  schoolCameras: SchoolCameraService;
  health: () => Record<string, unknown>;
  storage: StorageHealth;
}

/** Retry-After on a degraded /health (s): the periodic tick probes the storage every 5 s. */
const DEGRADED_RETRY_AFTER_S = 5;

/**
 * `GET /wall` (all a map wall draws), `GET /schools/:id/devices` (a school's devices with live
 * state), `GET /client-config`, `GET /health` (up/degraded for anyone; figures for operations and benchmarks).
 */
export function wallRouter(deps: WallDeps): Router {
  const router = Router();
  const startedAt = deps.clock.now();
  router.get('/wall', (req, res) => {
    const scope = scopeOf(req, deps.registry);
    const generatedAt = new Date(deps.clock.now()).toISOString();
    if (!isScoped(scope)) {
      const snapshot: WallSnapshot = {
        generatedAt,
        schools: deps.registry.schools(),
        policePosts: deps.registry.policePosts(),
        guardPosts: deps.registry.guardPosts(),
        statuses: deps.status.nonNormal(),
        cameras: deps.cameras.summary(),
        schoolCameras: deps.schoolCameras.all(),
      };
      return void res.json(snapshot);
    }
    // A county-level person's wall: their district; a school user's: their school.
    const schools = deps.registry.schools().filter((s) => scopeCovers(scope, { districtCode: s.districtCode, schoolId: s.id }));
    const ids = new Set(schools.map((s) => s.id));
    const cameras: CameraSummary = { total: 0, online: 0, offline: 0, fault: 0 };
    for (const id of ids) {
      for (const device of deps.registry.devices({ schoolId: id, kind: 'camera' })) {
        const state = deps.cameras.state(device.id);
        if (!state) continue;
        cameras.total++;
        cameras[state]++;
      }
    }
    const snapshot: WallSnapshot = {
      generatedAt,
      schools,
      policePosts: deps.registry.policePosts().filter((p) => p.districtCode === scope.districtCode),
      guardPosts: deps.registry.guardPosts().filter((p) => p.schoolIds.some((id) => ids.has(id))),
      statuses: deps.status.nonNormal().filter((s) => ids.has(s.schoolId)),
      cameras,
      schoolCameras: deps.schoolCameras.all().filter(([id]) => ids.has(id)),
    };
    res.json(snapshot);
  });
  router.get('/schools/:id/devices', (req, res) => {
    const school = deps.registry.school(req.params.id);
    if (!school) {
      sendRefusal(res, 404, refusal(`没有编号为 ${req.params.id} 的学校`, `no school ${req.params.id}`));
      return;
    }
    const scope = scopeOf(req, deps.registry);
    if (!schoolAllowed(scope, deps.registry, school.id)) return refuseOutside(res, scope);
    const devices: DeviceHealth[] = deps.registry.devices({ schoolId: school.id }).map((device) => ({
      ...device,
      state: device.kind === 'camera' ? (deps.cameras.state(device.id) ?? null) : null,
      retentionDays: device.kind === 'camera' ? deps.cameras.retentionDays(device.id) : null,
    }));
    res.json({ schoolId: school.id, devices });
  });
  router.get('/client-config', (_req, res) => {
    res.json(deps.clientConfig);
  });
  /**
   * Up or degraded, for anyone (load balancers, monitors): `200 {status:'ok'}`, or `503
   * {status:'degraded', cause}` while writes fail (disk full…), the cause in both languages. The
   * figures (uptime, alarm seq, ingest counters, city-wide cameras, event loop, memory) only for
   * a signed-in person with a city-wide scope.
   */
  router.get('/health', async (req, res) => {
    const query = healthQuery.safeParse(req.query);
    if (!query.success) {
      sendRefusal(res, 400, refusal('span 只能是 read 或 restart', 'span must be read or restart'));
      return;
    }
    const problem = deps.storage.problem();
    const status = problem
      ? { status: 'degraded' as const, cause: { code: problem.code, zh: problem.zh, en: problem.en, since: problem.since } }
      : { status: 'ok' as const };
    if (problem) {
      res.status(503).set('Retry-After', String(DEGRADED_RETRY_AFTER_S));
      void deps.storage.probe();
    }
    const user = userOf(req);
    if (!user || user.districtCode !== null || user.schoolId !== null) {
      res.json(status);
      return;
    }
    const span = query.data.span;
    res.json({
      ...status,
      uptimeSeconds: Math.round((deps.clock.now() - startedAt) / 1000),
      seq: await deps.alarms.lastSeq(),
      ingest: deps.ingestCounters,
      cameras: deps.cameras.summary(),
      /** Since the previous /health call. */
      eventLoop: deps.eventLoop.read(),
      /** Since the span was last restarted (`?span=restart` reads, then restarts it). */
      ...(span ? { eventLoopSpan: deps.eventLoop.readSpan(span) } : {}),
      memory: { rssBytes: process.memoryUsage.rss() },
      ...(problem ? { storage: problem } : {}),
      ...deps.health(),
    });
  });
  return router;
}
