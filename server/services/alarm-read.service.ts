import type { AlarmStatsQuery, AlarmsQuery } from '../../shared/api/alarms.js';
import type { SessionUser } from '../../shared/auth.js';
import type { Alarm } from '../../shared/domain/index.js';
import { refusal } from '../../shared/refusal.js';
import { ANALYTICS_MAX_DAYS, hourWindows } from '../../shared/rules/alarm-analytics.js';
import { alarmLoad, type AlarmLoadReport } from '../../shared/rules/alarm-load.js';
import { fallbackSetting, type ResponseTargets } from '../../shared/rules/response.js';
import type { AlarmService } from './alarm.service.js';
import type { Clock } from '../clock.js';
import { ok, refuse, type Outcome } from './outcome.js';
import type { RegistryService } from './registry.service.js';
import { narrowFilters, outside, scopeCovers, scopeFor } from './scope.js';

/** Longest window the load report covers in one request. */
const MAX_STATS_WINDOW_MS = 93 * 24 * 3600_000;
/** The load report's default window: the last 24 h. */
const DEFAULT_STATS_WINDOW_MS = 24 * 3600_000;

/**
 * Alarms as read over REST (`GET /alarms`, `/alarms/stats`, `/alarms/:id`), within the person's
 * district or school: a filter outside it is refused 403, none narrows to it.
 */
export class AlarmReads {
  constructor(private readonly deps: { alarms: AlarmService; registry: RegistryService; clock: Clock; targets?: ResponseTargets }) {}

  /** A listing by state, time, type, district, school (or a search of school names), drill. */
  async list(query: AlarmsQuery, user: SessionUser): Promise<Outcome<{ alarms: Alarm[] }>> {
    const { state, since, until, type, q, drill, limit, deviceId, outcome, weekday, hour } = query;
    const scope = scopeFor(user, this.deps.registry);
    const filters = narrowFilters(scope, this.deps.registry, query);
    if (!filters) return outside(scope);
    const { districtCode, schoolId } = filters;
    const iso = (value: string) => new Date(value).toISOString();
    const schoolIds = this.schoolsMatching(schoolId, q);
    // A heat-map cell: the schema asks since and until with it; at most a year of days.
    const slot = weekday !== undefined || hour !== undefined ? hourWindows(Date.parse(since ?? ''), Date.parse(until ?? ''), { ...(weekday !== undefined ? { weekday } : {}), ...(hour !== undefined ? { hour } : {}) }) : undefined;
    if (slot === null) return refuse(400, refusal(`按星期或时段筛选的时间范围不得超过 ${ANALYTICS_MAX_DAYS} 天`, `a weekday or hour filter takes at most ${ANALYTICS_MAX_DAYS} days`));
    const alarms = await this.deps.alarms.list({
      state,
      limit,
      ...(since ? { since: iso(since) } : {}),
      ...(until ? { until: iso(until) } : {}),
      ...(type ? { types: type } : {}),
      ...(districtCode ? { districtCode } : {}),
      ...(schoolIds ? { schoolIds } : {}),
      ...(drill !== undefined ? { drill } : {}),
      ...(deviceId ? { deviceId } : {}),
      ...(outcome ? { states: [outcome] } : {}),
      ...(slot ? { windows: slot } : {}),
    });
    return ok({ alarms });
  }

  /** The alarm-load report of a window (the last 24 h by default, at most 93 days) within the scope. */
  async stats(query: AlarmStatsQuery, user: SessionUser): Promise<Outcome<AlarmLoadReport>> {
    const to = query.to ? Date.parse(query.to) : this.deps.clock.now();
    const from = query.from ? Date.parse(query.from) : to - DEFAULT_STATS_WINDOW_MS;
    if (to - from > MAX_STATS_WINDOW_MS) return refuse(400, refusal('时间范围超过 93 天：请缩短范围', 'the window is longer than 93 days: ask for a shorter one'));
    const window = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
    const [received, open] = await Promise.all([
      this.deps.alarms.list({ state: 'all', since: window.from, until: window.to, limit: 1_000_000 }),
      this.deps.alarms.list({ state: 'open', limit: 1_000_000 }),
    ]);
    const byId = new Map([...received, ...open].map((a) => [a.id, a]));
    const scope = scopeFor(user, this.deps.registry);
    const filters = narrowFilters(scope, this.deps.registry, { districtCode: query.districtCode });
    if (!filters) return outside(scope);
    const { districtCode: district, schoolId: school } = filters;
    const alarms = [...byId.values()].filter((a) => (!district || a.districtCode === district) && (!school || a.schoolId === school));
    const registry = this.deps.registry;
    const settingOf = (alarm: Alarm) => registry.school(alarm.schoolId)?.setting ?? fallbackSetting(alarm.districtCode);
    return ok(alarmLoad({ alarms, ...window, operators: query.operators, settingOf, ...(this.deps.targets ? { targets: this.deps.targets } : {}) }));
  }

  /** One alarm: 404 unknown, 403 outside the scope. */
  async visible(id: string, user: SessionUser): Promise<Outcome<Alarm>> {
    const alarm = await this.deps.alarms.get(id);
    if (!alarm) return refuse(404, refusal(`没有编号为 ${id} 的报警`, `no alarm ${id}`));
    const scope = scopeFor(user, this.deps.registry);
    return scopeCovers(scope, alarm) ? ok(alarm) : outside(scope);
  }

  /** The schools a listing is limited to: one by id, those whose name or id matches a search, both, or any (undefined). */
  private schoolsMatching(schoolId: string | undefined, search: string | undefined): string[] | undefined {
    let ids = schoolId ? [schoolId] : undefined;
    if (search) {
      const needle = search.toLowerCase();
      const matches = this.deps.registry.schools().filter((s) => s.name.toLowerCase().includes(needle) || s.id.toLowerCase() === needle).map((s) => s.id);
      ids = ids ? ids.filter((id) => matches.includes(id)) : matches;
    }
    return ids;
  }
}
