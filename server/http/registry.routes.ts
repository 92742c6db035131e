import { Router } from 'express';
import { z } from 'zod';
import { DEVICE_KINDS, DISTRICT_CODES } from '../../shared/domain/index.js';
import { describeZodError } from '../../shared/ingest.js';
import type { RegistryService } from '../services/registry.service.js';

const devicesQuery = z.object({ kind: z.enum(DEVICE_KINDS).optional(), schoolId: z.string().min(1).max(64).optional() });
const schoolsQuery = z.object({ districtCode: z.enum(DISTRICT_CODES).optional() });

/** The registry, so an integrator can map its devices: `GET /schools`, `GET /devices`. */
export function registryRouter(registry: RegistryService): Router {
  const router = Router();
  router.get('/schools', (req, res) => {
    const query = schoolsQuery.safeParse(req.query);
    if (!query.success) {
      res.status(400).json({ error: describeZodError(query.error) });
      return;
    }
    res.json({ schools: registry.schools(query.data) });
  });
  router.get('/devices', (req, res) => {
    const query = devicesQuery.safeParse(req.query);
    if (!query.success) {
      res.status(400).json({ error: describeZodError(query.error) });
      return;
    }
    res.json({ devices: registry.devices(query.data) });
  });
  return router;
}
