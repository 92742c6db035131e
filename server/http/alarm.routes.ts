import type { ALARM_ROUTES } from '../../shared/api/alarms.js';
import type { AlarmReads } from '../services/alarm-read.service.js';
import type { RouteHandlers } from './route-table.js';

/** Alarms read over REST (shared/api/alarms.ts); the service applies the person's scope. Commands go over the socket. */
export function alarmHandlers(reads: AlarmReads): RouteHandlers<typeof ALARM_ROUTES> {
  return {
    'alarms.list': ({ query, user }) => reads.list(query, user),
    'alarms.stats': ({ query, user }) => reads.stats(query, user),
    'alarms.get': ({ params, user }) => reads.visible(params.id, user),
  };
}
