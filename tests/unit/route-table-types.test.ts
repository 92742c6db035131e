import { describe, expect, expectTypeOf, it } from 'vitest';
import { DRILL_ROUTES } from '../../shared/api/drills.js';
import { API, routeUrl, type AnswerOf, type ParamsIn, type ParamsOf, type PathParamNames } from '../../shared/api/index.js';
import type { Drill } from '../../shared/drill.js';
import type { RouteHandler, RouteHandlers } from '../../server/http/route-table.js';
import type { RouteInput } from '../../client/api.js';

/**
 * The route table's types (shared/api): a handler must answer its route's type, a table needs a
 * handler for every route, the client's input follows the route. `npm run typecheck` compiles this
 * file: each `@ts-expect-error` line fails the typecheck if it ever compiles.
 */
describe('route table types', () => {
  it('refuses a handler that answers the wrong shape', () => {
    // @ts-expect-error — `drills` must be a list of drills, not a number
    const wrong: RouteHandler<(typeof DRILL_ROUTES)['drills.list']> = () => ({ ok: true, data: { drills: 3 } });
    // @ts-expect-error — a missing field of the answer
    const missing: RouteHandler<(typeof DRILL_ROUTES)['drills.list']> = () => ({ ok: true, data: {} });
    const right: RouteHandler<(typeof DRILL_ROUTES)['drills.list']> = () => ({ ok: true, data: { drills: [] as Drill[] } });
    expect([wrong, missing, right]).toHaveLength(3);
  });

  it('refuses a table of handlers with one missing', () => {
    // @ts-expect-error — 'drills.exportPdf' (and others) have no handler
    const partial: RouteHandlers<typeof DRILL_ROUTES> = { 'drills.list': () => ({ ok: true, data: { drills: [] } }) };
    expect(partial).toBeDefined();
  });

  it('types path parameters from the path, and the answer from the schema', () => {
    expectTypeOf<PathParamNames<'/drills/:id/checklist/:itemId'>>().toEqualTypeOf<'id' | 'itemId'>();
    expectTypeOf<ParamsOf<(typeof API)['drills.check']>>().toEqualTypeOf<{ id: string; itemId: string }>();
    // A route with a `params` schema hands its handler the parsed values; the caller still gives strings.
    expectTypeOf<ParamsOf<(typeof API)['admin.updateUser']>>().toEqualTypeOf<{ id: number }>();
    expectTypeOf<ParamsIn<(typeof API)['admin.updateUser']>>().toEqualTypeOf<{ id: string }>();
    expectTypeOf<AnswerOf<(typeof API)['drills.list']>['drills'][number]['state']>().toEqualTypeOf<Drill['state']>();
  });

  it('makes the client give what the route takes', () => {
    // @ts-expect-error — the route has a :id
    const noParams: RouteInput<(typeof API)['drills.get']> = {};
    // @ts-expect-error — `checked` must be a boolean
    const badBody: RouteInput<(typeof API)['drills.check']> = { params: { id: 'D', itemId: 'x' }, body: { checked: 'yes' } };
    const good: RouteInput<(typeof API)['drills.check']> = { params: { id: 'D', itemId: 'x' }, body: { checked: true } };
    expect([noParams, badBody, good]).toHaveLength(3);
  });

  it('fills a path and its query, each value encoded', () => {
    expect(routeUrl(API['drills.check'], { id: 'D 1', itemId: 'a/b' })).toBe('/api/v1/drills/D%201/checklist/a%2Fb');
    expect(routeUrl(API['drills.list'], {}, { limit: 5, state: undefined, schoolId: 'S0001' })).toBe('/api/v1/drills?limit=5&schoolId=S0001');
    expect(() => routeUrl(API['drills.get'], {})).toThrow(/:id/);
  });
});
