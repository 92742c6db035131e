import { Router } from 'express';
import { z } from 'zod';
import { ALARM_TYPES, DISTRICT_CODES } from '../../shared/domain/index.js';
import { alarmLoad } from '../../shared/rules/alarm-load.js';
import type { AlarmService } from '../services/alarm.service.js';
import type { Clock } from '../clock.js';
import type { RegistryService } from '../services/registry.service.js';
import { bilingual, zodRefusal } from '../../shared/zod-text.js';
import { sendRefusal } from './refusal.js';
import { refusal } from '../../shared/refusal.js';
import { narrowFilters, refuseOutside, scopeCovers, scopeOf } from './scope.js';

const alarmsQuery = z.object({
  state: z.enum(['open', 'closed', 'all']).default('all'),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  /** One type or several, comma-separated. */
  type: z
    .string()
    .transform((v) => v.split(',').filter(Boolean))
    .pipe(z.array(z.enum(ALARM_TYPES)))
    .optional(),
  districtCode: z.enum(DISTRICT_CODES).optional(),
  schoolId: z.string().min(1).max(64).optional(),
  /** Free text matched against school names and ids. */
  q: z.string().trim().min(1).max(50).optional(),
  drill: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});

const statsQuery = z
  .object({
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    districtCode: z.enum(DISTRICT_CODES).optional(),
    operators: z.coerce.number().int().min(1).max(100).default(1),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: bilingual('from must be before to', '起始时间须早于截止时间') });

/** The schools a listing is limited to: one by id, those whose name or id matches a search, both, or any (undefined). */
function schoolScope(registry: RegistryService, schoolId: string | undefined, search: string | undefined): string[] | undefined {
  let ids = schoolId ? [schoolId] : undefined;
  if (search) {
    const needle = search.toLowerCase();
    const matches = registry.schools().filter((s) => s.name.toLowerCase().includes(needle) || s.id.toLowerCase() === needle).map((s) => s.id);
    ids = ids ? ids.filter((id) => matches.includes(id)) : matches;
  }
  return ids;
}

/** Longest window the load report covers in one request. */
const MAX_STATS_WINDOW_MS = 93 * 24 * 3600_000;

/** `GET /alarms`, `GET /alarms/stats` and `GET /alarms/:id`. */
export function alarmRouter(alarms: AlarmService, registry: RegistryService, clock: Clock): Router {
  const router = Router();
  router.get('/alarms/stats', async (req, res) => {
    const query = statsQuery.safeParse(req.query);
    if (!query.success) {
      sendRefusal(res, 400, zodRefusal(query.error, req.query));
      return;
    }
    const to = query.data.to ? Date.parse(query.data.to) : clock.now();
    const from = query.data.from ? Date.parse(query.data.from) : to - 24 * 3600_000;
    if (to - from > MAX_STATS_WINDOW_MS) {
      sendRefusal(res, 400, refusal('时间范围超过 93 天：请缩短范围', 'the window is longer than 93 days: ask for a shorter one'));
      return;
    }
    const window = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
    const [received, open] = await Promise.all([
      alarms.list({ state: 'all', since: window.from, until: window.to, limit: 1_000_000 }),
      alarms.list({ state: 'open', limit: 1_000_000 }),
    ]);
    const byId = new Map([...received, ...open].map((a) => [a.id, a]));
    const scope = scopeOf(req, registry);
    const filters = narrowFilters(scope, registry, { districtCode: query.data.districtCode });
    if (!filters) return refuseOutside(res, scope);
    const { districtCode: district, schoolId: school } = filters;
    const list = [...byId.values()].filter((a) => (!district || a.districtCode === district) && (!school || a.schoolId === school));
    res.json(alarmLoad({ alarms: list, ...window, operators: query.data.operators }));
  });
  router.get('/alarms', async (req, res) => {
    const query = alarmsQuery.safeParse(req.query);
    if (!query.success) {
      sendRefusal(res, 400, zodRefusal(query.error, req.query));
      return;
    }
    const { state, since, until, type, q, drill, limit } = query.data;
    const scope = scopeOf(req, registry);
    const filters = narrowFilters(scope, registry, query.data);
    if (!filters) return refuseOutside(res, scope);
    const { districtCode, schoolId } = filters;
    const iso = (value: string) => new Date(value).toISOString();
    const schoolIds = schoolScope(registry, schoolId, q);
    const list = await alarms.list({
      state,
      limit,
      ...(since ? { since: iso(since) } : {}),
      ...(until ? { until: iso(until) } : {}),
      ...(type ? { types: type } : {}),
      ...(districtCode ? { districtCode } : {}),
      ...(schoolIds ? { schoolIds } : {}),
      ...(drill !== undefined ? { drill } : {}),
    });
    res.json({ alarms: list });
  });
  router.get('/alarms/:id', async (req, res) => {
    const alarm = await alarms.get(req.params.id);
    if (!alarm) {
      sendRefusal(res, 404, refusal(`没有编号为 ${req.params.id} 的报警`, `no alarm ${req.params.id}`));
      return;
    }
    const scope = scopeOf(req, registry);
    if (!scopeCovers(scope, alarm)) return refuseOutside(res, scope);
    res.json(alarm);
  });
  return router;
}
