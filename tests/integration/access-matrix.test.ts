import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can, ROLES, type Role } from '../../shared/auth.js';
import type { Alarm } from '../../shared/domain/index.js';
import type { WallSnapshot } from '../../shared/wall.js';
import { guardPostsFromColumns, schoolsFromColumns, type RegistryColumns } from '../../shared/wall-registry.js';
import { API, type RouteSpec } from '../../shared/api/index.js';
import { signInAs, type Session } from '../helpers/auth.js';
import { availableEngines } from '../helpers/engines.js';
import { sosEvent, startTestServer, TEST_TOKEN, type TestServer } from '../helpers/server.js';

const engines = await availableEngines();

/** What Express 5 (router 2) keeps on its stack, as far as this test reads it. */
interface StackLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle: { stack?: StackLayer[] };
  match(path: string): unknown;
}

/** Every route the app really serves under /api/v1, read from the Express router stack. */
function apiRoutes(app: Express): { method: string; path: string }[] {
  const top = (app as unknown as { router: { stack: StackLayer[] } }).router.stack;
  const api = top.find((l) => l.handle.stack && l.match('/api/v1/x') && !l.match('/not-api'));
  if (!api) throw new Error('no router mounted at /api/v1');
  const out: { method: string; path: string }[] = [];
  const walk = (stack: StackLayer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const path of paths) for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all')) out.push({ method: method.toUpperCase(), path });
      } else if (layer.handle.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk(api.handle.stack!);
  return out;
}

/** Who calls: anonymous, an integration with the ingest token, and a person of each role (city-level, a county, a school). */
type Caller = { name: string; role: Role | null; bearer: boolean };
const CALLERS: Caller[] = [
  { name: 'anonymous', role: null, bearer: false },
  { name: 'ingest token', role: null, bearer: true },
  ...ROLES.map((role) => ({ name: role, role, bearer: false })),
  { name: 'police_operator of 410402', role: 'police_operator', bearer: false },
];

/** District aggregates a school user is refused inside the handler (it reads its own school's page). */
const SCHOOL_USER_AGGREGATES = new Set(['/compliance/matrix', '/compliance/schools', '/compliance/trend', '/hazards/counts', '/inspections', '/inspections/:id']);

/** Every route of the table (shared/api): the matrix is generated from it. */
const ROUTES: readonly RouteSpec[] = Object.values(API);

function expectedRefusal(rule: RouteSpec, caller: Caller): 401 | 403 | null {
  if (rule.allow === 'public') return null;
  if (caller.role === 'school_user' && rule.method === 'GET' && SCHOOL_USER_AGGREGATES.has(rule.path)) return 403;
  // A responder reads the photos of its unit's alarms only: the matrix's alarm was never dispatched to it.
  if (caller.role === 'responder' && rule.path === '/alarms/:id/photos/:photoId') return 403;
  if (caller.bearer) return rule.allow === 'ingest' || rule.allow === 'ingest-or-read' ? null : 401;
  if (rule.allow === 'ingest') return 401;
  if (!caller.role) return 401;
  if (rule.allow === 'signed-in') return null;
  return can({ role: caller.role }, rule.allow === 'ingest-or-read' ? 'read' : rule.allow) ? null : 403;
}

describe.each(engines)('access matrix on %s', (engine) => {
  let sut: TestServer;
  const sessions = new Map<string, Session>();
  const ids: Record<string, string> = {};

  const who = (caller: Caller) => {
    if (!caller.role) return undefined;
    if (caller.name.includes('410402')) return { role: caller.role, districtCode: '410402' };
    if (caller.role === 'school_user') return { role: caller.role, schoolId: 'S0001' };
    if (caller.role === 'responder') return { role: caller.role, districtCode: '410402', unitId: 'P001' };
    return { role: caller.role };
  };

  beforeAll(async () => {
    sut = await startTestServer({ engine });
    for (const caller of CALLERS) {
      const w = who(caller);
      if (w) sessions.set(caller.name, await signInAs(sut, w));
    }
    const admin = sessions.get('admin')!;
    for (const school of ['S0001', 'S0003']) expect((await sut.post(sosEvent(school))).status).toBe(202);
    const { alarms } = (await (await admin.get('/api/v1/alarms')).json()) as { alarms: Alarm[] };
    ids.alarmS0001 = alarms.find((a) => a.schoolId === 'S0001')!.id;
    ids.alarmS0003 = alarms.find((a) => a.schoolId === 'S0003')!.id;
    const hazard = (await (await admin.send('POST', '/api/v1/hazards', { schoolId: 'S0001', source: 'police', description: '门口摊贩' })).json()) as { id: string };
    ids.hazard = hazard.id;
    const other = (await (await admin.send('POST', '/api/v1/hazards', { schoolId: 'S0003', source: 'police', description: '围墙破损' })).json()) as { id: string };
    ids.hazardS0003 = other.id;
    const user = (await (await admin.send('POST', '/api/v1/admin/users', { username: 'matrix-target', displayName: '靶子', password: 'a long password', role: 'viewer' })).json()) as { id: number };
    ids.user = String(user.id);
    ids.token = String(((await (await admin.send('POST', '/api/v1/admin/tokens', { name: 'matrix' })).json()) as { id: number }).id);
    ids.link = String(((await (await admin.send('POST', '/api/v1/admin/viewer-links', { name: 'matrix', districtCode: null })).json()) as { id: number }).id);
  }, 60_000);
  afterAll(async () => {
    await sut.close();
  });

  /** A concrete URL for a rule's path: real ids where the route reads one. */
  const urlOf = (path: string) =>
    `/api/v1${path
      .replace(/^\/alarms\/:id/, `/alarms/${ids.alarmS0001}`)
      .replace(/^\/schools\/:id/, '/schools/S0001')
      .replace(/^\/hazards\/:id/, `/hazards/${ids.hazard}`)
      .replace(/^\/admin\/users\/:id/, `/admin/users/${ids.user}`)
      .replace(/^\/admin\/tokens\/:id/, `/admin/tokens/${ids.token}`)
      .replace(/^\/admin\/viewer-links\/:id/, `/admin/viewer-links/${ids.link}`)
      .replace(/:[A-Za-z]+/g, 'none-1')}`;

  it('serves exactly the routes of the route table: none missing from the table, no table route without a handler', () => {
    const routes = apiRoutes(sut.app);
    expect(routes.length).toBeGreaterThan(40);
    const key = (r: { method: string; path: string }) => `${r.method} ${r.path}`;
    const ruleKeys = ROUTES.map(key);
    const routeKeys = new Set(routes.map(key));
    expect(routes.map(key).filter((k) => !ruleKeys.includes(k)), 'routes the app serves that are not in the route table').toEqual([]);
    expect(ruleKeys.filter((k) => !routeKeys.has(k)), 'table routes the app does not serve').toEqual([]);
    expect(ruleKeys.filter((k, i) => ruleKeys.indexOf(k) !== i), 'duplicate rules').toEqual([]);
  });

  it('refuses a path without a rule, even to the administrator', async () => {
    const admin = sessions.get('admin')!;
    expect((await admin.get('/api/v1/no-such-route')).status).toBe(403);
    expect((await admin.send('DELETE', '/api/v1/alarms')).status).toBe(403);
  });

  it.each(CALLERS.map((c) => [c.name, c] as const))('allows and refuses %s per the route table on every route', async (_name, caller) => {
    const failures: string[] = [];
    for (const rule of ROUTES) {
      let session = sessions.get(caller.name);
      // Signing out would end the session the rest of the matrix uses: sign out a fresh one.
      if (rule.path === '/auth/logout' && session) session = await signInAs(sut, who(caller)!);
      const headers: Record<string, string> = session ? session.headers() : { 'content-type': 'application/json' };
      if (caller.bearer) headers.authorization = `Bearer ${TEST_TOKEN}`;
      const response = await fetch(`${sut.url}${urlOf(rule.path)}`, { method: rule.method, headers, ...(rule.method === 'GET' ? {} : { body: '{}' }) });
      await response.arrayBuffer();
      const expected = expectedRefusal(rule, caller);
      const ok = expected === null ? response.status !== 401 && response.status !== 403 : response.status === expected;
      if (!ok) failures.push(`${rule.method} ${rule.path} (${rule.allow}): ${response.status}, expected ${expected ?? 'allowed'}`);
    }
    expect(failures).toEqual([]);
  });

  it('keeps a county-level person to their district on every kind of route', async () => {
    const county = sessions.get('police_operator of 410402')!;
    const countyEdu = await signInAs(sut, { role: 'education_staff', districtCode: '410402' });
    const { alarms } = (await (await county.get('/api/v1/alarms')).json()) as { alarms: Alarm[] };
    expect(alarms.map((a) => a.schoolId)).toEqual(['S0001']);
    expect((await county.get('/api/v1/alarms?districtCode=410422')).status).toBe(403);
    expect((await county.get(`/api/v1/alarms/${ids.alarmS0003}`)).status).toBe(403);
    expect((await county.get(`/api/v1/alarms/${ids.alarmS0001}`)).status).toBe(200);
    const stats = (await (await county.get('/api/v1/alarms/stats')).json()) as { alarms: number };
    expect(stats.alarms).toBe(1);
    const wall = (await (await county.get('/api/v1/wall')).json()) as WallSnapshot;
    expect(wall.schools.map((s) => s.id)).toEqual(['S0001']);
    expect(wall.policePosts.every((p) => p.districtCode === '410402')).toBe(true);
    expect(wall.schoolCameras.map(([id]) => id)).toEqual(['S0001']);
    // The registry in columns: the same schools and posts as the snapshot's, in its scope.
    const columns = (await (await county.get('/api/v1/wall/registry')).json()) as RegistryColumns;
    expect(schoolsFromColumns(columns.schools)).toEqual(wall.schools);
    expect(columns.policePosts).toEqual(wall.policePosts);
    expect(guardPostsFromColumns(columns.guardPosts)).toEqual(wall.guardPosts);
    const live = (await (await county.get('/api/v1/wall?registry=omit')).json()) as WallSnapshot;
    expect({ ...live, generatedAt: wall.generatedAt }).toEqual({ ...wall, schools: [], policePosts: [], guardPosts: [] });
    expect((await county.get('/api/v1/wall?registry=all')).status).toBe(400);
    const schools = (await (await county.get('/api/v1/schools')).json()) as { schools: { id: string }[] };
    expect(schools.schools.map((s) => s.id)).toEqual(['S0001']);
    const devices = (await (await county.get('/api/v1/devices')).json()) as { devices: { schoolId: string | null }[] };
    expect(devices.devices.length).toBeGreaterThan(0);
    expect(devices.devices.every((d) => d.schoolId === 'S0001' || d.schoolId === null)).toBe(true);
    expect((await county.get('/api/v1/devices?schoolId=S0003')).status).toBe(403);
    expect((await county.get('/api/v1/schools/S0003/devices')).status).toBe(403);
    expect((await county.get('/api/v1/faults?districtCode=410422')).status).toBe(403);
    expect((await county.get('/api/v1/patrol?schoolId=S0003')).status).toBe(403);
    expect((await county.get('/api/v1/compliance/matrix?districtCode=410422')).status).toBe(403);
    expect((await county.get('/api/v1/schools/S0003/compliance')).status).toBe(403);
    expect((await county.get('/api/v1/schools/S0003/record')).status).toBe(403);
    expect((await county.get(`/api/v1/hazards/${ids.hazardS0003}`)).status).toBe(403);
    const hazards = (await (await county.get('/api/v1/hazards')).json()) as { hazards: { schoolId: string }[] };
    expect(hazards.hazards.map((h) => h.schoolId)).toEqual(['S0001']);
    const counts = (await (await county.get('/api/v1/hazards/counts')).json()) as { byDistrict: { districtCode: string }[]; total: { open: number } };
    expect(counts.byDistrict.map((d) => d.districtCode)).toEqual(['410402']);
    expect(counts.total.open).toBe(1);
    // Writes outside the district are refused and change nothing.
    expect((await countyEdu.send('PUT', '/api/v1/schools/S0003/record', { retentionDays: 90 })).status).toBe(403);
    expect((await countyEdu.send('POST', '/api/v1/schools/S0003/drills', { date: '2026-11-20', scenario: '演练' })).status).toBe(403);
    expect((await countyEdu.send('POST', '/api/v1/hazards', { schoolId: 'S0003', source: 'police', description: 'x' })).status).toBe(403);
    expect((await countyEdu.send('POST', `/api/v1/hazards/${ids.hazardS0003}/dispatch`, { assignee: '王', deadline: '2030-01-01', version: 1 })).status).toBe(403);
    const untouched = (await (await sessions.get('admin')!.get(`/api/v1/hazards/${ids.hazardS0003}`)).json()) as { state: string };
    expect(untouched.state).toBe('registered');
    expect((await countyEdu.send('POST', '/api/v1/hazards', { schoolId: 'S0001', source: 'police', description: '路灯不亮' })).status).toBe(201);
  });

  it('keeps a school user to its own school', async () => {
    const school = sessions.get('school_user')!;
    const { alarms } = (await (await school.get('/api/v1/alarms')).json()) as { alarms: Alarm[] };
    expect(new Set(alarms.map((a) => a.schoolId))).toEqual(new Set(['S0001']));
    expect((await school.get('/api/v1/alarms?schoolId=S0002')).status).toBe(403);
    expect((await school.get('/api/v1/schools/S0002/record')).status).toBe(403);
    expect((await school.get('/api/v1/schools/S0001/record')).status).toBe(200);
    expect((await school.get('/api/v1/compliance/matrix')).status).toBe(403);
    expect((await school.send('POST', '/api/v1/hazards', { schoolId: 'S0002', source: 'self_check', description: 'x' })).status).toBe(403);
    expect((await school.send('POST', '/api/v1/hazards', { schoolId: 'S0001', source: 'self_check', description: '灭火器过期' })).status).toBe(201);
    const wall = (await (await school.get('/api/v1/wall')).json()) as WallSnapshot;
    expect(wall.schools.map((s) => s.id)).toEqual(['S0001']);
    const columns = (await (await school.get('/api/v1/wall/registry')).json()) as RegistryColumns;
    expect(columns.schools.id).toEqual(['S0001']);
    expect(guardPostsFromColumns(columns.guardPosts)).toEqual(wall.guardPosts);
  });

  it('answers NUL characters in paths, filters and bodies with 400, not a database error', async () => {
    const admin = sessions.get('admin')!;
    expect((await admin.get('/api/v1/alarms/A%00')).status).toBe(400);
    expect((await admin.get('/api/v1/alarms?schoolId=S%00')).status).toBe(400);
    expect((await admin.get('/api/v1/admin/audit?actor=%00')).status).toBe(400);
    expect((await admin.send('POST', '/api/v1/hazards', { schoolId: 'S0001', source: 'police', description: 'a\u0000b' })).status).toBe(400);
  });

  it('sees the whole registry with an ingest token', async () => {
    const response = await fetch(`${sut.url}/api/v1/schools`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(((await response.json()) as { schools: unknown[] }).schools).toHaveLength(3);
  });

  it('refuses a cookie-authenticated write without the CSRF header', async () => {
    const edu = sessions.get('education_staff')!;
    const forged = await fetch(`${sut.url}/api/v1/schools/S0001/record`, {
      method: 'PUT',
      headers: { cookie: edu.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ retentionDays: 90 }),
    });
    expect(forged.status).toBe(403);
    const history = (await (await edu.get('/api/v1/schools/S0001/record/history')).json()) as { history: unknown[] };
    expect(history.history).toEqual([]);
  });
});
