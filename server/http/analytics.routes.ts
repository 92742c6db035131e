import type { ANALYTICS_ROUTES } from '../../shared/api/analytics.js';
import type { AlarmAnalyticsReads } from '../services/alarm-analytics.service.js';
import type { RouteHandlers } from './route-table.js';

/** Alarm analytics of the history view (shared/api/analytics.ts); the service applies the person's scope. */
export function analyticsHandlers(reads: AlarmAnalyticsReads): RouteHandlers<typeof ANALYTICS_ROUTES> {
  return {
    'analytics.alarms': ({ query, user }) => reads.analytics(query, user),
  };
}
