import { Router } from 'express';
import { z } from 'zod';
import { describeZodError } from '../../shared/ingest.js';
import { DISTRICT_CODES } from '../../shared/domain/index.js';
import { alarmLoad } from '../../shared/rules/alarm-load.js';
import type { AlarmService } from '../services/alarm.service.js';
import type { Clock } from '../services/clock.js';

const alarmsQuery = z.object({
  state: z.enum(['open', 'closed', 'all']).default('all'),
  since: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});

const statsQuery = z
  .object({
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    districtCode: z.enum(DISTRICT_CODES).optional(),
    operators: z.coerce.number().int().min(1).max(100).default(1),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to' });

/** Longest window the load report covers in one request. */
const MAX_STATS_WINDOW_MS = 93 * 24 * 3600_000;

/** `GET /alarms`, `GET /alarms/stats` and `GET /alarms/:id`. */
export function alarmRouter(alarms: AlarmService, clock: Clock): Router {
  const router = Router();
  router.get('/alarms/stats', async (req, res) => {
    const query = statsQuery.safeParse(req.query);
    if (!query.success) {
      res.status(400).json({ error: describeZodError(query.error) });
      return;
    }
    const to = query.data.to ? Date.parse(query.data.to) : clock.now();
    const from = query.data.from ? Date.parse(query.data.from) : to - 24 * 3600_000;
    if (to - from > MAX_STATS_WINDOW_MS) {
      res.status(400).json({ error: 'the window is longer than 93 days: ask for a shorter one' });
      return;
    }
    const window = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
    const [received, open] = await Promise.all([
      alarms.list({ state: 'all', since: window.from, until: window.to, limit: 1_000_000 }),
      alarms.list({ state: 'open', limit: 1_000_000 }),
    ]);
    const byId = new Map([...received, ...open].map((a) => [a.id, a]));
    const district = query.data.districtCode;
    const list = [...byId.values()].filter((a) => !district || a.districtCode === district);
    res.json(alarmLoad({ alarms: list, ...window, operators: query.data.operators }));
  });
  router.get('/alarms', async (req, res) => {
    const query = alarmsQuery.safeParse(req.query);
    if (!query.success) {
      res.status(400).json({ error: describeZodError(query.error) });
      return;
    }
    const { state, since, limit } = query.data;
    const list = await alarms.list({ state, limit, ...(since ? { since: new Date(since).toISOString() } : {}) });
    res.json({ alarms: list });
  });
  router.get('/alarms/:id', async (req, res) => {
    const alarm = await alarms.get(req.params.id);
    if (!alarm) {
      res.status(404).json({ error: `no alarm ${req.params.id}` });
      return;
    }
    res.json(alarm);
  });
  return router;
}
