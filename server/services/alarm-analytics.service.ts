import type { AlarmAnalyticsQuery } from '../../shared/api/analytics.js';
import type { SessionUser } from '../../shared/auth.js';
import { refusal } from '../../shared/refusal.js';
import { alarmAnalytics, analyticsWindow, ANALYTICS_MAX_DAYS, presetRange, type AlarmAnalytics } from '../../shared/rules/alarm-analytics.js';
import type { SemesterRule } from '../../shared/rules/compliance/types.js';
import { shanghaiDate } from '../../shared/time.js';
import type { Clock } from '../clock.js';
import type { AlarmQuery } from '../db/alarm.repository.js';
import type { HeavyPool } from '../workers/heavy-pool.js';
import type { AlarmService } from './alarm.service.js';
import { ok, refuse, type Outcome } from './outcome.js';
import type { RegistryService } from './registry.service.js';
import { narrowFilters, outside, scopeFor } from './scope.js';

interface AlarmAnalyticsDeps {
  alarms: AlarmService;
  registry: RegistryService;
  clock: Clock;
  /** The terms in force (本学期 is the one today is in). */
  semesters: readonly SemesterRule[];
  /** The worker pool; null counts on the event loop (XIAOAN_WORKERS=0: a small install). */
  heavyPool: HeavyPool | null;
}

/**
 * The history view's alarm analytics (`GET /analytics/alarms`, issue 15 item 4): the closed alarms
 * the history list would show for the same range, district and type — within the person's district
 * or school — counted on a worker thread.
 */
export class AlarmAnalyticsReads {
  constructor(private readonly deps: AlarmAnalyticsDeps) {}

  async analytics(query: AlarmAnalyticsQuery, user: SessionUser): Promise<Outcome<AlarmAnalytics>> {
    const today = shanghaiDate(this.deps.clock.now());
    const range = query.from && query.to ? { from: query.from, to: query.to } : presetRange(query.preset ?? '30d', today, this.deps.semesters);
    const window = analyticsWindow(range.from, range.to);
    if (!window.ok) {
      return window.reason === 'reversed'
        ? refuse(400, refusal('截止日期早于起始日期', 'to is before from'))
        : refuse(400, refusal(`日期范围为 ${window.days} 天，超过 ${ANALYTICS_MAX_DAYS} 天：请缩短范围`, `the range is ${window.days} days, longer than ${ANALYTICS_MAX_DAYS}: ask for a shorter one`));
    }
    const scope = scopeFor(user, this.deps.registry);
    const filters = narrowFilters(scope, this.deps.registry, { districtCode: query.districtCode });
    if (!filters) return outside(scope);
    const facts: Omit<AlarmQuery, 'limit'> = {
      state: 'closed',
      since: window.window.since,
      until: window.window.until,
      ...(query.type ? { types: query.type } : {}),
      ...(filters.districtCode ? { districtCode: filters.districtCode } : {}),
      ...(filters.schoolId ? { schoolIds: [filters.schoolId] } : {}),
    };
    if (this.deps.heavyPool) return ok(await this.deps.heavyPool.alarmAnalytics(facts, window.window));
    return ok(alarmAnalytics(await this.deps.alarms.list({ ...facts, limit: Number.MAX_SAFE_INTEGER }), window.window));
  }
}
