import type { SessionUser } from '../../shared/auth.js';
import { refusal } from '../../shared/refusal.js';
import { refuse, type Refused } from './outcome.js';
import type { RegistryService } from './registry.service.js';
import { outside, schoolAllowed, scopeFor } from './scope.js';

/** 404 for an unknown school id. */
export function noSchool(id: string): Refused {
  return refuse(404, refusal(`没有编号为 ${id} 的学校`, `no school ${id}`));
}

/**
 * The 403 when the school `id` lies outside the person's district or school; null when it lies
 * within (or is unknown: the caller answers 404 for it, so ids outside do not leak).
 */
export function refusedSchool(user: SessionUser, registry: RegistryService, id: string): Refused | null {
  const scope = scopeFor(user, registry);
  return schoolAllowed(scope, registry, id) ? null : outside(scope);
}
