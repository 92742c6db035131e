import type { Request, Response } from 'express';
import type { RegistryService } from '../services/registry.service.js';
import { outside, scopeFor, type Scope } from '../services/scope.js';
import { refusedBody } from './refusal.js';
import { userOf } from './caller.js';

export { isScoped, narrowFilters, schoolAllowed, scopeCovers, type Scope } from '../services/scope.js';

/** The scope of a request's signed-in person (server/services/scope.ts); everything for an integration. */
export function scopeOf(req: Request, registry: RegistryService): Scope {
  return scopeFor(userOf(req), registry);
}

/** Answers the 403 for something outside the person's district or school. */
export function refuseOutside(res: Response, scope: Scope): void {
  const refused = outside(scope);
  res.status(refused.status).json(refusedBody(refused));
}
