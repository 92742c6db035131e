import type { DevicesQuery, SchoolsQuery } from '../../shared/api/registry.js';
import type { SessionUser } from '../../shared/auth.js';
import type { Device, School } from '../../shared/domain/index.js';
import { ok, type Outcome } from './outcome.js';
import type { RegistryService } from './registry.service.js';
import { narrowFilters, outside, scopeCovers, scopeFor } from './scope.js';

/**
 * The registry as read over REST (`GET /schools`, `GET /devices`): a person sees their district's
 * or school's part, an integration with a token (no person: `user` null) sees all.
 */
export class RegistryReads {
  constructor(private readonly registry: RegistryService) {}

  /** The schools, of one district when asked; 403 for a district outside the scope. */
  schools(query: SchoolsQuery, user: SessionUser | null): Outcome<{ schools: School[] }> {
    const scope = scopeFor(user, this.registry);
    const filters = narrowFilters(scope, this.registry, query);
    if (!filters) return outside(scope);
    const schools = this.registry.schools(filters.districtCode ? { districtCode: filters.districtCode } : {});
    return ok({ schools: filters.schoolId ? schools.filter((s) => s.id === filters.schoolId) : schools });
  }

  /** The devices, by kind and school; 403 for a school outside the scope. */
  devices(query: DevicesQuery, user: SessionUser | null): Outcome<{ devices: Device[] }> {
    const scope = scopeFor(user, this.registry);
    const filters = narrowFilters(scope, this.registry, { schoolId: query.schoolId });
    if (!filters) return outside(scope);
    const devices = this.registry.devices({ ...query, ...(filters.schoolId ? { schoolId: filters.schoolId } : {}) });
    if (!scope.districtCode) return ok({ devices });
    return ok({
      devices: devices.filter((d) => {
        const school = this.registry.schoolOfDevice(d);
        return school !== undefined && scopeCovers(scope, { districtCode: school.districtCode, schoolId: school.id });
      }),
    });
  }
}
