import type { REGISTRY_ROUTES } from '../../shared/api/registry.js';
import type { RegistryReads } from '../services/registry-read.service.js';
import type { RouteHandlers } from './route-table.js';

/** The registry, so an integrator can map its devices (shared/api/registry.ts); the service applies the person's scope. */
export function registryHandlers(reads: RegistryReads): RouteHandlers<typeof REGISTRY_ROUTES> {
  return {
    'registry.schools': ({ query, user }) => reads.schools(query, user),
    'registry.devices': ({ query, user }) => reads.devices(query, user),
  };
}
