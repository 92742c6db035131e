import type { RESPONDER_ROUTES } from '../../shared/api/responder.js';
import type { ResponderService } from '../services/responder.service.js';
import type { RouteHandlers } from './route-table.js';

/** The unit's phone (shared/api/responder.ts); the service applies the unit's scope. */
export function responderHandlers(responders: ResponderService): RouteHandlers<typeof RESPONDER_ROUTES> {
  return {
    'responder.alarms': ({ user }) => responders.alarms(user),
    'responder.step': ({ params, body, actor }) => responders.step(params.id, body, actor),
    // The photo guard left the raw bytes on req.body (a Buffer).
    'responder.photo': ({ params, req, actor }) => responders.uploadPhoto(params.id, Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), actor),
    'alarms.photo': async ({ params, user, res }) => {
      const answer = await responders.photo(params.id, params.photoId, user);
      // A stored photo never changes: the browser may keep it (privately) for a day.
      if (answer.ok) res.set('Cache-Control', 'private, max-age=86400');
      return answer;
    },
  };
}
