import type { FIELD_ROUTES } from '../../shared/api/field.js';
import type { FieldReads } from '../services/field-read.service.js';
import { postStatusToColumns } from '../../shared/post-status-columns.js';
import { ok } from '../services/outcome.js';
import type { RouteHandlers } from './route-table.js';

/** The machinery in the field (shared/api/field.ts): fault tickets, 护学岗, patrol, coverage; the service applies the person's scope. */
export function fieldHandlers(reads: FieldReads): RouteHandlers<typeof FIELD_ROUTES> {
  return {
    'field.faults': ({ query, user }) => reads.faults(query, user),
    'field.postStatus': ({ user }) => ok({ posts: reads.postStatus(user) }),
    'field.postStatusColumns': ({ user }) => ok(postStatusToColumns(reads.postStatus(user))),
    'field.postFigures': ({ user }) => ok({ windows: reads.postFigures(user) }),
    'field.patrol': ({ query, user }) => reads.patrol(query, user),
    'field.coverage': ({ query, user }) => ok(reads.coverage(query, user)),
  };
}
