import { Router } from 'express';
import { z } from 'zod';
import { DEVICE_KINDS, DISTRICT_CODES } from '../../shared/domain/index.js';
import type { RegistryService } from '../services/registry.service.js';
import { zodRefusal } from '../../shared/zod-text.js';
import { sendRefusal } from './refusal.js';
import { narrowFilters, refuseOutside, scopeCovers, scopeOf } from './scope.js';

const devicesQuery = z.object({ kind: z.enum(DEVICE_KINDS).optional(), schoolId: z.string().min(1).max(64).optional() });
const schoolsQuery = z.object({ districtCode: z.enum(DISTRICT_CODES).optional() });

/** The registry, so an integrator can map its devices: `GET /schools`, `GET /devices`. */
export function registryRouter(registry: RegistryService): Router {
  const router = Router();
  router.get('/schools', (req, res) => {
    const query = schoolsQuery.safeParse(req.query);
    if (!query.success) {
      sendRefusal(res, 400, zodRefusal(query.error, req.query));
      return;
    }
    // A person sees their district's or school's part; an integration with a token sees all.
    const scope = scopeOf(req, registry);
    const filters = narrowFilters(scope, registry, query.data);
    if (!filters) return refuseOutside(res, scope);
    const schools = registry.schools(filters.districtCode ? { districtCode: filters.districtCode } : {});
    res.json({ schools: filters.schoolId ? schools.filter((s) => s.id === filters.schoolId) : schools });
  });
  router.get('/devices', (req, res) => {
    const query = devicesQuery.safeParse(req.query);
    if (!query.success) {
      sendRefusal(res, 400, zodRefusal(query.error, req.query));
      return;
    }
    const scope = scopeOf(req, registry);
    const filters = narrowFilters(scope, registry, { schoolId: query.data.schoolId });
    if (!filters) return refuseOutside(res, scope);
    const devices = registry.devices({ ...query.data, ...(filters.schoolId ? { schoolId: filters.schoolId } : {}) });
    res.json({
      devices: scope.districtCode
        ? devices.filter((d) => {
            const school = registry.schoolOfDevice(d);
            return school !== undefined && scopeCovers(scope, { districtCode: school.districtCode, schoolId: school.id });
          })
        : devices,
    });
  });
  return router;
}
