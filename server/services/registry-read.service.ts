import type { DevicesQuery, SchoolsQuery } from '../../shared/api/registry.js';
import type { SessionUser } from '../../shared/auth.js';
import type { Device, School } from '../../shared/domain/index.js';
import { JsonPieces } from './json-text.js';
import { ok, type Outcome } from './outcome.js';
import type { RegistryService } from './registry.service.js';
import { narrowFilters, outside, scopeCovers, scopeFor } from './scope.js';

/**
 * The registry as read over REST (`GET /schools`, `GET /devices`): a person sees their district's
 * or school's part, an integration with a token (no person: `user` null) sees all. Answers are
 * `JsonPieces`: a province's 899,586 devices (≈ 180 MB of JSON) or 50,080 schools are serialised
 * a slice at a time as they are sent, so no reader, however often it asks, holds an alarm up.
 */
export class RegistryReads {
  constructor(private readonly registry: RegistryService) {}

  /** The schools, of one district when asked; 403 for a district outside the scope. */
  schools(query: SchoolsQuery, user: SessionUser | null): Outcome<JsonPieces<{ schools: School[] }>> {
    const scope = scopeFor(user, this.registry);
    const filters = narrowFilters(scope, this.registry, query);
    if (!filters) return outside(scope);
    const schools = this.registry.schools(filters.districtCode ? { districtCode: filters.districtCode } : {});
    return ok(JsonPieces.list('schools', filters.schoolId ? schools.filter((s) => s.id === filters.schoolId) : schools));
  }

  /** The devices, by kind and school; 403 for a school outside the scope. */
  devices(query: DevicesQuery, user: SessionUser | null): Outcome<JsonPieces<{ devices: Device[] }>> {
    const scope = scopeFor(user, this.registry);
    const filters = narrowFilters(scope, this.registry, { schoolId: query.schoolId });
    if (!filters) return outside(scope);
    if (query.ids) {
      // By id: the known devices within scope, of the kind and school when asked too.
      const named = query.ids.flatMap((id) => this.registry.device(id) ?? []).filter((device) => {
        if ((query.kind && device.kind !== query.kind) || (filters.schoolId && device.schoolId !== filters.schoolId)) return false;
        if (!scope.user) return true;
        const school = this.registry.schoolOfDevice(device);
        return school !== undefined && scopeCovers(scope, { districtCode: school.districtCode, schoolId: school.id });
      });
      return ok(JsonPieces.list('devices', [...new Map(named.map((device) => [device.id, device])).values()]));
    }
    const schoolId = filters.schoolId ?? undefined;
    if (schoolId || !scope.districtCode) return ok(JsonPieces.list('devices', this.registry.devices({ kind: query.kind, schoolId })));
    // A district's devices are its schools' (a 护学岗 terminal is filed under the first school its
    // post covers): gathered school by school, not by a pass over the whole province's devices.
    const schools = this.registry.schools({ districtCode: scope.districtCode });
    return ok(JsonPieces.list('devices', schools.flatMap((school) => this.registry.devices({ kind: query.kind, schoolId: school.id }))));
  }
}
