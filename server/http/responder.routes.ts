import type { RESPONDER_ROUTES } from '../../shared/api/responder.js';
import { refusal } from '../../shared/refusal.js';
import { refuse } from '../services/outcome.js';
import type { RouteHandlers } from './route-table.js';

const NOT_YET = refusal('出警单位接口尚未完成', 'the responder routes are not built yet');

/** The unit's phone (shared/api/responder.ts). */
export function responderHandlers(): RouteHandlers<typeof RESPONDER_ROUTES> {
  return {
    'responder.alarms': () => refuse(503, NOT_YET),
    'responder.step': () => refuse(503, NOT_YET),
    'responder.photo': () => refuse(503, NOT_YET),
    'alarms.photo': () => refuse(503, NOT_YET),
  };
}
