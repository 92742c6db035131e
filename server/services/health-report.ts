import type { SessionUser } from '../../shared/auth.js';
import type { HealthAnswer } from '../../shared/api/wall.js';
import type { StorageHealth } from '../db/storage-health.js';
import type { IngestCounters } from '../ingest/ingest.service.js';
import type { AlarmService } from './alarm.service.js';
import type { CameraHealthService } from './camera-health.service.js';
import type { Clock } from '../clock.js';
import type { EventLoopMonitor, SpanRequest } from './event-loop.js';

/**
 * `GET /health`: up or degraded for anyone (load balancers, monitors) — degraded while writes fail
 * (disk full…), the cause in both languages — and the figures (uptime, alarm seq, ingest counters,
 * city-wide cameras, event loop, memory) only for a signed-in person with a city-wide scope.
 */
export class HealthReport {
  private readonly startedAt: number;

  constructor(
    private readonly deps: {
      clock: Clock;
      alarms: AlarmService;
      cameras: CameraHealthService;
      ingestCounters: IngestCounters;
      eventLoop: EventLoopMonitor;
      storage: StorageHealth;
      /** Figures of parts started after the app (the MQTT consumer). */
      extra: () => Record<string, unknown>;
    },
  ) {
    this.startedAt = deps.clock.now();
  }

  /** The answer, and whether it is degraded (answered 503; a storage probe is started). */
  async read(user: SessionUser | null, span: SpanRequest | undefined): Promise<{ degraded: boolean; answer: HealthAnswer }> {
    const { storage } = this.deps;
    const problem = storage.problem();
    const status: HealthAnswer = problem
      ? { status: 'degraded', cause: { code: problem.code, zh: problem.zh, en: problem.en, since: problem.since } }
      : { status: 'ok' };
    if (problem) void storage.probe();
    if (!user || user.districtCode !== null || user.schoolId !== null) return { degraded: problem !== null, answer: status };
    return {
      degraded: problem !== null,
      answer: {
        ...status,
        uptimeSeconds: Math.round((this.deps.clock.now() - this.startedAt) / 1000),
        seq: await this.deps.alarms.lastSeq(),
        ingest: this.deps.ingestCounters,
        cameras: this.deps.cameras.summary(),
        /** Since the previous /health call. */
        eventLoop: this.deps.eventLoop.read(),
        /** Since the span was last restarted (`?span=restart` reads, then restarts it). */
        ...(span ? { eventLoopSpan: this.deps.eventLoop.readSpan(span) } : {}),
        memory: { rssBytes: process.memoryUsage.rss() },
        ...(problem ? { storage: problem } : {}),
        ...this.deps.extra(),
      },
    };
  }
}
