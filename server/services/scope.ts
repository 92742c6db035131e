import { inScope, type SessionUser } from '../../shared/auth.js';
import { refusal } from '../../shared/refusal.js';
import { refuse, type Refused } from './outcome.js';
import type { RegistryService } from './registry.service.js';

/**
 * What a caller may see: everything (city-level people, integrations with an ingest token), one
 * district (county-level people), or one school (a school user, whose district is its school's).
 */
export interface Scope {
  districtCode: string | null;
  schoolId: string | null;
  user: SessionUser | null;
}

/** A district no school is in: a school user whose school is gone sees nothing. */
const NOWHERE = '-';

/** The scope of a person (null: an integration or the system, which see everything). */
export function scopeFor(user: SessionUser | null, registry: RegistryService): Scope {
  if (!user) return { districtCode: null, schoolId: null, user: null };
  if (user.role === 'school_user') {
    const school = user.schoolId ? registry.school(user.schoolId) : undefined;
    return { districtCode: school?.districtCode ?? NOWHERE, schoolId: school?.id ?? NOWHERE, user };
  }
  return { districtCode: user.districtCode, schoolId: null, user };
}

/** Whether a place is within a scope. */
export function scopeCovers(scope: Scope, place: { districtCode: string; schoolId?: string | null }): boolean {
  if (!scope.user) return true;
  return scope.schoolId !== null ? place.schoolId === scope.schoolId : inScope(scope.user, place);
}

/** A school id is within scope (unknown schools count as within: the caller answers 404 for them). */
export function schoolAllowed(scope: Scope, registry: RegistryService, schoolId: string): boolean {
  const school = registry.school(schoolId);
  return !school || scopeCovers(scope, { districtCode: school.districtCode, schoolId: school.id });
}

/** The 403 for something outside the person's district or school. */
export function outside(scope: Scope): Refused {
  return refuse(
    403,
    scope.schoolId !== null
      ? refusal('超出本校范围：只能查看本校', 'outside your school: you see only your own school')
      : refusal('超出本区县范围：只能查看本区县', 'outside your district: you see only your own district'),
  );
}

/**
 * A listing's district and school filters narrowed to the scope: the scope's district and school
 * when the request names none, the request's when they lie inside; null when the request asks for
 * a district or school outside the scope (answer `outside(scope)`).
 */
export function narrowFilters(
  scope: Scope,
  registry: RegistryService,
  requested: { districtCode?: string | undefined; schoolId?: string | undefined },
): { districtCode?: string; schoolId?: string } | null {
  if (requested.districtCode && scope.districtCode && requested.districtCode !== scope.districtCode) return null;
  if (requested.schoolId && !schoolAllowed(scope, registry, requested.schoolId)) return null;
  if (requested.schoolId && scope.schoolId && requested.schoolId !== scope.schoolId) return null;
  const districtCode = requested.districtCode ?? scope.districtCode ?? undefined;
  const schoolId = requested.schoolId ?? scope.schoolId ?? undefined;
  return { ...(districtCode ? { districtCode } : {}), ...(schoolId ? { schoolId } : {}) };
}

/** Whether a caller is scoped at all (a city-level person or an integration is not). */
export function isScoped(scope: Scope): boolean {
  return scope.districtCode !== null || scope.schoolId !== null;
}
