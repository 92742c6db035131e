import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CameraFault } from '../../shared/wall.js';
import type { Alarm } from '../../shared/domain/index.js';
import { GuardPostService } from '../../server/services/guard-post.service.js';
import { makeSmallDataset } from '../../mocks/factories/dataset.js';
import { RedisCameraState } from '../../server/cluster/redis-camera-state.js';
import { RegistryRepository } from '../../server/db/registry.repository.js';
import { signInAs, TEST_PASSWORD } from '../helpers/auth.js';
import { availableEngines } from '../helpers/engines.js';
import { REDIS_TEST_URL, redisAvailable } from '../helpers/redis.js';
import { connectClient, offDuty, startTestServer, waitFor, type RecordingClient, type TestServer } from '../helpers/server.js';

const runs = (await availableEngines()).includes('postgres') && (await redisAvailable());
const MINUTE = 60_000;
/** Sign-in requests per address a minute, for both nodes together (the screens' sign-ins count too). */
const SIGN_INS_PER_MINUTE = 60;

/**
 * Two nodes on one PostgreSQL database with REDIS_URL, on one pinned clock moved a minute at a
 * time: camera health is decided in Redis whichever node hears a keepalive; a camera goes offline
 * once, with one ticket, pushed to the screens of both nodes; when the lease holder stops, the
 * other node sweeps.
 */
describe.runIf(runs)(`${RedisCameraState.name}: camera health shared by two nodes`, () => {
  let now = Date.now();
  const clock = { now: () => now };
  let first: TestServer;
  let second: TestServer;
  let firstOpen = true;
  const clients: RecordingClient[] = [];
  const faultsOn = new Map<RecordingClient, CameraFault[]>();
  let ids: string[] = [];

  async function screen(node: TestServer): Promise<RecordingClient> {
    const client = connectClient(node.url, { cookie: (await signInAs(node, { role: 'police_operator' })).cookie });
    const faults: CameraFault[] = [];
    client.socket.on('camera:faults', ({ changes }) => faults.push(...changes));
    faultsOn.set(client, faults);
    clients.push(client);
    await client.live;
    return client;
  }
  const nodes = () => (firstOpen ? [first, second] : [second]);
  /**
   * Both nodes' Redis writes answered and every announced change applied. Twice: in the first round
   * a node may read the stream's newest entry before the other node's announcement is answered.
   */
  async function settled(): Promise<void> {
    for (let round = 0; round < 2; round++) await Promise.all(nodes().map((n) => n.services.deviceState.settled()));
  }
  /** A minute passes: keepalives of every camera but `silent` to `node`, then each node's periodic check. */
  async function minute(node: TestServer, silent: readonly string[] = []): Promise<void> {
    now += MINUTE;
    const at = new Date(now).toISOString();
    const response = await node.post(ids.filter((id) => !silent.includes(id)).map((deviceId) => ({ type: 'camera.heartbeat', deviceId, at })));
    expect(response.status).toBe(202);
    await settled();
    for (const n of nodes()) await n.tick();
    await settled();
    for (const n of nodes()) await n.services.writes.drain();
  }
  const offline = (node: TestServer) => node.services.cameras.summary().offline;
  const tickets = async (deviceId: string) => first.store.db.selectFrom('camera_faults').selectAll().where('device_id', '=', deviceId).execute();

  beforeAll(async () => {
    const dataset = offDuty(makeSmallDataset());
    const env = { REDIS_URL: REDIS_TEST_URL, XIAOAN_LOGIN_RATE_PER_MINUTE: String(SIGN_INS_PER_MINUTE) };
    first = await startTestServer({ engine: 'postgres', clock, dataset, env });
    second = await startTestServer({ databaseUrl: first.config.databaseUrl!, clock, dataset, env });
    ids = first.services.registry.devices({ kind: 'camera' }).filter((d) => d.schoolId).map((d) => d.id);
  });
  afterAll(async () => {
    clients.forEach((c) => c.socket.disconnect());
    await second?.close();
    if (firstOpen) await first?.close();
  });

  it('keeps every camera online while its keepalives go to one node for four minutes, then to the other', async () => {
    expect(ids.length).toBeGreaterThan(5);
    expect(first.services.deviceState.holdsLease()).toBe(true);
    expect(second.services.deviceState.holdsLease()).toBe(false);
    // Alone, each node would hear nothing for four minutes (three keepalives missed) and call every camera offline.
    for (let m = 0; m < 12; m++) {
      await minute(Math.floor(m / 4) % 2 === 0 ? first : second);
      expect([offline(first), offline(second)]).toEqual([0, 0]);
    }
    expect(await first.store.db.selectFrom('camera_faults').select('id').execute()).toEqual([]);
    // /health says which node sweeps, and that no keepalive was dropped.
    const figures = async (node: TestServer) => {
      const response = await fetch(`${node.url}/api/v1/health`, { headers: (await signInAs(node, { role: 'police_operator' })).headers() });
      return ((await response.json()) as { deviceState: { node: string; holdsLease: boolean; foldsDropped: number; keepalivesDropped: number } }).deviceState;
    };
    const [one, two] = [await figures(first), await figures(second)];
    expect([one.holdsLease, two.holdsLease]).toEqual([true, false]);
    expect(one.node).not.toBe(two.node);
    expect([one.foldsDropped, one.keepalivesDropped, two.foldsDropped, two.keepalivesDropped]).toEqual([0, 0, 0, 0]);
  });

  it('reports the same last keepalive for a school\'s cameras on both nodes, whichever node heard it', async () => {
    const school = first.services.registry.device(ids[0]!)!.schoolId!;
    const list = async (node: TestServer) => {
      const session = await signInAs(node, { role: 'police_operator' });
      const response = await fetch(`${node.url}/api/v1/schools/${school}/devices`, { headers: session.headers() });
      const body = (await response.json()) as { devices: { id: string; kind: string; lastSeenAt: string | null }[] };
      return body.devices.filter((d) => d.kind === 'camera').map((d) => [d.id, d.lastSeenAt]);
    };
    await minute(first);
    const heardAt = new Date(now).toISOString();
    // The next minute's keepalives go to the second node only, one camera's excepted.
    const quiet = ids.find((id) => first.services.registry.device(id)?.schoolId === school)!;
    await minute(second, [quiet]);
    const expected = (await list(first)).map(([id]) => [id, id === quiet ? heardAt : new Date(now).toISOString()]);
    expect(expected.length).toBeGreaterThan(1);
    expect(await list(first)).toEqual(expected);
    expect(await list(second)).toEqual(expected);
  });

  it('reports a school\'s video retention the same on both nodes, whichever node heard each camera, and to a node started later', async () => {
    const school = first.services.registry.device(ids[0]!)!.schoolId!;
    const [short, long] = ids.filter((id) => first.services.registry.device(id)?.schoolId === school);
    expect(long).toBeDefined();
    const at = new Date(now).toISOString();
    // 附件3 二(三): at least 30 days; one camera of the school says 7 to the first node, another 40 to the second.
    expect((await first.post({ type: 'camera.heartbeat', deviceId: short, at, retentionDays: 7 })).status).toBe(202);
    expect((await second.post({ type: 'camera.heartbeat', deviceId: long, at, retentionDays: 40 })).status).toBe(202);
    await settled();
    for (const node of [first, second]) {
      expect([node.services.cameras.retentionDays(short!), node.services.cameras.retentionDays(long!)]).toEqual([7, 40]);
      expect(node.services.cameras.retentionBySchool().bySchool.get(school)).toEqual({ minDays: 7, cameras: 2 });
    }
    // A node that starts now reads what was reported before it from Redis.
    const third = await startTestServer({ databaseUrl: first.config.databaseUrl!, clock, dataset: offDuty(makeSmallDataset()), env: { REDIS_URL: REDIS_TEST_URL } });
    try {
      expect(third.services.cameras.retentionBySchool().bySchool.get(school)).toEqual({ minDays: 7, cameras: 2 });
    } finally {
      await third.close();
    }
  });

  it('declares a silenced camera offline once, on both nodes, with exactly one ticket pushed to the screens of both, and closes it when it is back', async () => {
    const [onFirst, onSecond] = [await screen(first), await screen(second)];
    const silent = ids[3]!;
    // Its last keepalive is this minute's; three more minutes without one are three missed.
    await minute(second);
    for (let m = 0; m < 3; m++) {
      await minute(m % 2 === 0 ? first : second, [silent]);
      expect([first.services.cameras.state(silent), second.services.cameras.state(silent)]).toEqual(['online', 'online']);
    }
    await minute(first, [silent]);
    expect([first.services.cameras.state(silent), second.services.cameras.state(silent)]).toEqual(['offline', 'offline']);
    expect([offline(first), offline(second)]).toEqual([1, 1]);
    await minute(second, [silent]);
    const stored = await tickets(silent);
    expect(stored).toHaveLength(1);
    for (const client of [onFirst, onSecond]) {
      await waitFor(() => faultsOn.get(client)!.some((f) => f.deviceId === silent), 'the ticket pushed to a screen');
      expect(faultsOn.get(client)!.filter((f) => f.deviceId === silent)).toEqual([expect.objectContaining({ id: stored[0]!.id, reason: 'offline', closedAt: null })]);
    }

    await minute(first);
    expect([first.services.cameras.state(silent), second.services.cameras.state(silent)]).toEqual(['online', 'online']);
    const closed = await tickets(silent);
    expect(closed).toHaveLength(1);
    expect(closed[0]!.closed_at).not.toBeNull();
    for (const client of [onFirst, onSecond]) await waitFor(() => faultsOn.get(client)!.filter((f) => f.deviceId === silent).length === 2, 'the closed ticket pushed to a screen');
    expect(await first.store.db.selectFrom('camera_faults').select('id').execute()).toHaveLength(1);
  });

  it('applies a 护学岗 or patrol event stored by one node on every node, once each; only the lease holder may raise post_absent', async () => {
    const heard = new Map<TestServer, string[]>([[first, []], [second, []]]);
    for (const [node, list] of heard) node.services.events.on('activity.stored', (events) => list.push(...events.map((e) => `${e.type} ${e.deviceId}`)));
    expect((await second.post({ type: 'patrol.scan', deviceId: 'PAT-S0002-1', at: new Date(now).toISOString() })).status).toBe(202);
    await settled();
    await waitFor(() => heard.get(first)!.length > 0 && heard.get(second)!.length > 0, 'the scan applied on both nodes');
    expect([heard.get(first), heard.get(second)]).toEqual([['patrol.scan PAT-S0002-1'], ['patrol.scan PAT-S0002-1']]);
    expect([first.services.deviceState.holdsLease(), second.services.deviceState.holdsLease()]).toEqual([true, false]);
  });

  it('makes a catalog channel assigned to a school on one node a camera of the other node at once, without a restart', async () => {
    const code = '41040200001310000101';
    await first.services.sipChannels.noteCatalog('41040200001180000001', [{ code, name: '新装摄像机' }], new Date(now));
    const admin = await signInAs(first, { role: 'admin' });
    const count = (node: TestServer) => node.services.schoolCameras.all().find(([id]) => id === 'S0001')!;
    const [, online, total] = count(second);
    const response = await admin.send('POST', `/api/v1/admin/sip/channels/${code}/assign`, { schoolId: 'S0001', kind: 'camera', place: 'corridor', name: '新装摄像机' });
    expect(response.status).toBe(200);
    await settled();
    expect(second.services.registry.device(`GB-${code}`)).toMatchObject({ kind: 'camera', schoolId: 'S0001', gbCode: code });
    expect(second.services.registry.byGbCode(code)).toMatchObject({ device: { id: `GB-${code}` } });
    expect(second.services.cameras.state(`GB-${code}`)).toBe('online');
    expect([count(first), count(second)]).toEqual([['S0001', online + 1, total + 1], ['S0001', online + 1, total + 1]]);
    expect([first.services.cameras.summary().total, second.services.cameras.summary().total]).toEqual([ids.length + 1, ids.length + 1]);
    // Its keepalives are accepted by either node.
    expect((await second.post({ type: 'camera.heartbeat', deviceId: `GB-${code}`, at: new Date(now).toISOString() })).status).toBe(202);
    ids.push(`GB-${code}`);
  });

  it('after a resync, sends the stored tickets to its screens again and adds the stored devices it lacks (read from the database)', async () => {
    // A resync happens when the stream was trimmed past a node (device-state-backend.test.ts makes
    // one); here the rebuild is called directly, to read what this node's database wiring gives it.
    const onSecond = await screen(second);
    const stored = await first.store.db.selectFrom('camera_faults').select(['id', 'device_id']).execute();
    expect(stored.length).toBeGreaterThan(0);
    const code = '41040200001310000102';
    const device = { id: `GB-${code}`, kind: 'camera' as const, schoolId: 'S0002', postId: null, place: 'gate' as const, name: '未通告的通道', gbCode: code };
    // Stored by another node, its announcement lost to this one: only the database has it.
    await new RegistryRepository(first.store.db).insertDevice(device);
    expect(second.services.registry.device(device.id)).toBeUndefined();
    await (second.services.deviceState as unknown as { rebuild(): Promise<void> }).rebuild();
    await waitFor(() => stored.every(({ id }) => faultsOn.get(onSecond)!.some((f) => f.id === Number(id))), 'the stored tickets sent to the screen again');
    expect(second.services.registry.device(device.id)).toMatchObject({ kind: 'camera', schoolId: 'S0002' });
    expect(second.services.cameras.state(device.id)).toBe('online');
    expect(first.services.registry.device(device.id)).toBeUndefined();
    // The other node's resync adds it there too; from now on its keepalives go to either node.
    await (first.services.deviceState as unknown as { rebuild(): Promise<void> }).rebuild();
    expect(first.services.registry.device(device.id)).toMatchObject({ kind: 'camera', schoolId: 'S0002' });
    expect((await second.post({ type: 'camera.heartbeat', deviceId: device.id, at: new Date(now).toISOString() })).status).toBe(202);
    ids.push(device.id);
  });

  it('throttles wrong passwords sent to both nodes as one count: the free failures once, then both nodes answer 429 with the same wait', async () => {
    const username = 'throttled.across.nodes';
    await signInAs(first, { role: 'viewer', username });
    const login = (node: TestServer, password: string) =>
      fetch(`${node.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    // Five free failures (the default) across the two nodes, then the sixth begins and fails:
    // alone, each node would have let five through and still answer 401.
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await login(i % 2 === 0 ? first : second, 'wrong password')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429, 429]);
    for (const node of [first, second]) {
      const refused = await login(node, TEST_PASSWORD);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('5');
    }
    // Another account from the same address is not held up (its address count is looser: 30).
    await signInAs(second, { role: 'viewer', username: 'another.account' });
  });

  it('counts an address\'s sign-in requests once for both nodes: each request on either node leaves one fewer, then both answer 429', async () => {
    const kiosk = (node: TestServer) =>
      fetch(`${node.url}/api/v1/auth/kiosk`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: 'not a viewer link' }) });
    /** The requests left this minute, from the `RateLimit` header (draft 8: `"…"; r=<left>; t=<seconds>`). */
    const left = (response: Response) => Number(/\br=(\d+)/.exec(response.headers.get('ratelimit') ?? '')?.[1]);
    const answers: Response[] = [];
    for (let i = 0; i < SIGN_INS_PER_MINUTE + 1 && answers.at(-1)?.status !== 429; i++) answers.push(await kiosk(i % 2 === 0 ? first : second));
    const counted = answers.filter((r) => r.status === 401);
    expect(counted.length).toBeGreaterThan(2);
    // Alone, each node would count its own: the two nodes' figures would not step down together.
    expect(counted.map(left)).toEqual(counted.map((_, i) => left(counted[0]!) - i));
    expect(left(counted.at(-1)!)).toBe(0);
    for (const node of [first, second]) {
      const refused = await kiosk(node);
      expect(refused.status).toBe(429);
      expect(((await refused.json()) as { message: { zh: string } }).message.zh).toBe('此地址登录尝试过多：请等一分钟再试');
    }
  });

  it('lets the other node sweep when the lease holder stops, one keepalive interval after it takes the lease', async () => {
    const silent = ids[5]!;
    await first.close();
    firstOpen = false;
    await minute(second, [silent]);
    expect(second.services.deviceState.holdsLease()).toBe(true);
    for (let m = 0; m < 2; m++) await minute(second, [silent]);
    expect(second.services.cameras.state(silent)).toBe('online');
    await minute(second, [silent]);
    expect(second.services.cameras.state(silent)).toBe('offline');
    expect(second.services.cameras.summary().offline).toBe(1);
    const rows = await second.store.db.selectFrom('camera_faults').selectAll().where('device_id', '=', silent).execute();
    expect(rows).toHaveLength(1);
  });
});

/**
 * 护学岗 absence on two nodes (one database, one Redis, one pinned clock in Asia/Shanghai time):
 * every node keeps every post's live state, but only the sweep lease's holder raises `post_absent`
 * and closes it — one alarm in all, pushed to a screen on each node, whichever node the check-in
 * reached. 2026-11-30 is a Monday in the autumn term; G0001 (terminal PT-G0001) is due 07:00–08:00.
 */
describe.runIf(runs)(`${GuardPostService.name}: post_absent on two nodes, raised and closed by the lease holder only`, () => {
  let now = Date.parse('2026-11-30T06:58:00+08:00');
  const clock = { now: () => now };
  const at = (time: string) => (now = Date.parse(`2026-11-30T${time}+08:00`));
  let first: TestServer;
  let second: TestServer;
  const clients: RecordingClient[] = [];
  /** post_absent raises and system steps each node's services attempted. */
  const attempts = new Map<TestServer, string[]>();

  beforeAll(async () => {
    const dataset = makeSmallDataset();
    const env = { REDIS_URL: REDIS_TEST_URL, XIAOAN_LOGIN_RATE_PER_MINUTE: String(SIGN_INS_PER_MINUTE) };
    first = await startTestServer({ engine: 'postgres', clock, dataset, env });
    second = await startTestServer({ databaseUrl: first.config.databaseUrl!, clock, dataset, env });
    for (const node of [first, second]) {
      const list: string[] = [];
      attempts.set(node, list);
      // Recorded, then done as usual: which node's GuardPostService asked for the raise and the close.
      const alarms = node.services.alarms;
      const raiseOnce = alarms.raiseOnce.bind(alarms);
      const applySystemStep = alarms.applySystemStep.bind(alarms);
      alarms.raiseOnce = (key, input) => {
        if (input.type === 'post_absent') list.push(`raise ${input.deviceId}`);
        return raiseOnce(key, input);
      };
      alarms.applySystemStep = (step) => {
        list.push(`${step.action} ${step.id}`);
        return applySystemStep(step);
      };
    }
  });
  afterAll(async () => {
    clients.forEach((c) => c.socket.disconnect());
    await second?.close();
    await first?.close();
  });

  async function absences(node: TestServer): Promise<Alarm[]> {
    const rows = await node.store.db.selectFrom('alarms').select('id').where('type', '=', 'post_absent').execute();
    return Promise.all(rows.map(async ({ id }) => (await node.services.alarms.get(id))!));
  }

  it('raises one post_absent from the lease holder, pushed to both nodes\' screens, and closes it once when the post checks in on the other node', async () => {
    expect([first.services.deviceState.holdsLease(), second.services.deviceState.holdsLease()]).toEqual([true, false]);
    const screens = [] as RecordingClient[];
    for (const node of [first, second]) {
      const client = connectClient(node.url, { cookie: (await signInAs(node, { role: 'police_operator' })).cookie });
      clients.push(client);
      screens.push(client);
      await client.live;
    }
    const absent = (client: RecordingClient) => client.changes.filter((c) => c.alarm.type === 'post_absent');

    at('07:04:59');
    for (const node of [second, first]) await node.tick();
    expect(await absences(first)).toEqual([]);

    // Five minutes into the window without a check-in: the node without the lease first, then the holder, then both again.
    at('07:05:00');
    for (const node of [second, first, second, first]) await node.tick();
    const raised = await absences(second);
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ deviceId: 'PT-G0001', schoolId: 'S0001', state: 'new' });
    expect([attempts.get(first), attempts.get(second)]).toEqual([['raise PT-G0001'], []]);
    for (const client of screens) {
      await waitFor(() => absent(client).length > 0, 'the post_absent alarm pushed to a screen');
      expect(absent(client).map((c) => [c.alarm.id, c.alarm.state])).toEqual([[raised[0]!.id, 'new']]);
    }
    // Both nodes show the post absent (every node keeps every post's live state).
    for (const node of [first, second]) expect(node.services.posts.list().find((p) => p.postId === 'G0001')?.state).toBe('absent');

    // The check-in reaches the node without the lease; the holder, which applies it from the stream, closes the alarm.
    at('07:07:30');
    expect((await second.post({ type: 'post.checkin', deviceId: 'PT-G0001', at: new Date(now).toISOString(), person: '王建国' })).status).toBe(202);
    await second.services.deviceState.settled();
    await first.services.deviceState.settled();
    for (const client of screens) await waitFor(() => absent(client).some((c) => c.alarm.state === 'resolved'), 'the closed alarm pushed to a screen');
    for (const node of [second, first]) await node.tick();
    expect([attempts.get(first), attempts.get(second)]).toEqual([['raise PT-G0001', `auto_resolve ${raised[0]!.id}`], []]);
    const closed = await absences(first);
    expect(closed.map((a) => [a.id, a.state, a.disposition])).toEqual([[raised[0]!.id, 'resolved', 'post_checked_in']]);
    for (const client of screens) expect(absent(client).map((c) => c.alarm.state)).toEqual(['new', 'resolved']);
  });
});
