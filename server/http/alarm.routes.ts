import { Router } from 'express';
import { z } from 'zod';
import { describeZodError } from '../../shared/ingest.js';
import type { AlarmService } from '../services/alarm.service.js';

const alarmsQuery = z.object({
  state: z.enum(['open', 'closed', 'all']).default('all'),
  since: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});

/** `GET /alarms` and `GET /alarms/:id`. */
export function alarmRouter(alarms: AlarmService): Router {
  const router = Router();
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
