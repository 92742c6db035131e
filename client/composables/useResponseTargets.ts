import { computed, type ComputedRef } from 'vue';
import { DEFAULT_RESPONSE_TARGETS, type ResponseTargets } from '../../shared/rules/response.js';
import { useWallStore } from '../stores/wall.js';

/**
 * The per-priority response targets in force: the server's (`/api/v1/client-config`, from
 * `XIAOAN_RESPONSE_TARGETS`) once loaded, the shared defaults until then.
 */
export function useResponseTargets(): ComputedRef<ResponseTargets> {
  const wall = useWallStore();
  return computed(() => wall.config?.responseTargets ?? DEFAULT_RESPONSE_TARGETS);
}
