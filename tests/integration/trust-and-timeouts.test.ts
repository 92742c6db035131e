import net from 'node:net';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntryView } from '../../shared/admin.js';
import type { Alarm } from '../../shared/domain/index.js';
import { loadConfig } from '../../server/config.js';
import { signInAs, TEST_PASSWORD, type Session } from '../helpers/auth.js';
import { connectClient, sosEvent, startTestServer, waitFor, type TestServer, type TestSocket } from '../helpers/server.js';

/** Signs in with a forged X-Forwarded-For, as a client without a proxy in front could send. */
async function signInFrom(url: string, username: string, forwardedFor: string): Promise<number> {
  const response = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({ username, password: TEST_PASSWORD }),
  });
  await response.body?.cancel();
  return response.status;
}

async function auditAddresses(admin: Session, action: string): Promise<(string | null)[]> {
  const page = (await (await admin.get(`/api/v1/admin/audit?limit=200`)).json()) as { entries: AuditEntryView[] };
  return page.entries.filter((e) => e.action === action).map((e) => e.address);
}

describe('XIAOAN_TRUST_PROXY', () => {
  it('is off by default and takes only what Express’s trust proxy takes', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ XIAOAN_TRUST_PROXY: 'loopback' }).trustProxy).toEqual(['loopback']);
    expect(loadConfig({ XIAOAN_TRUST_PROXY: '10.0.0.0/8, ::1' }).trustProxy).toEqual(['10.0.0.0/8', '::1']);
    expect(loadConfig({ XIAOAN_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    for (const bad of ['on', 'true', '10.0.0.0/33', 'example.com', '1.2.3', '::1/129', ',']) {
      expect(() => loadConfig({ XIAOAN_TRUST_PROXY: bad }), bad).toThrow(/XIAOAN_TRUST_PROXY/);
    }
  });

  describe.each<{ name: string; env: Record<string, string>; expected: string }>([
    { name: 'by default, a forged X-Forwarded-For from a loopback peer is ignored', env: {}, expected: '127.0.0.1' },
    { name: 'with XIAOAN_TRUST_PROXY=loopback, the address a local proxy forwards is the client’s', env: { XIAOAN_TRUST_PROXY: 'loopback' }, expected: '203.0.113.7' },
  ])('$name', ({ env, expected }) => {
    let sut: TestServer;
    let admin: Session;
    let operator: Session;
    let screen: TestSocket | null = null;
    beforeAll(async () => {
      sut = await startTestServer({ env });
      admin = await signInAs(sut, { role: 'admin' });
      operator = await signInAs(sut, { role: 'police_operator', username: 'forwarded-operator' });
    });
    afterAll(async () => {
      screen?.disconnect();
      await sut?.close();
    });

    it('records that address for a sign-in (req.ip) and for a socket command', async () => {
      expect(await signInFrom(sut.url, 'forwarded-operator', '203.0.113.7')).toBe(200);
      const logins = await auditAddresses(admin, 'auth.login');
      expect(logins[0]).toMatch(new RegExp(`(^|:)${expected.replace(/\./g, '\\.')}$`));

      const socket: TestSocket = connect(sut.url, {
        transports: ['websocket'],
        reconnection: false,
        auth: { lastSeq: null },
        extraHeaders: { cookie: operator.cookie, 'x-forwarded-for': '203.0.113.7' },
      });
      screen = socket;
      const raised = new Promise<Alarm>((resolve) => socket.once('alarm', (change) => resolve(change.alarm)));
      await new Promise<void>((resolve, reject) => {
        socket.once('alarm:live', () => resolve());
        socket.once('connect_error', reject);
      });
      await sut.post(sosEvent('S0001', { id: `forwarded-${expected}` }));
      const alarm = await raised;
      expect(await socket.emitWithAck('alarm:ack', { id: alarm.id })).toMatchObject({ ok: true });
      const page = (await (await admin.get(`/api/v1/admin/audit?limit=200`)).json()) as { entries: AuditEntryView[] };
      const ack = page.entries.find((e) => e.target === alarm.id || e.target === `alarm:${alarm.id}`);
      expect(ack?.address).toMatch(new RegExp(`(^|:)${expected.replace(/\./g, '\\.')}$`));
    });
  });
});

/** Opens a raw TCP connection and resolves with the ms until the server closes it (or rejects after `giveUpMs`). */
function timeUntilClosed(port: number, start: (socket: net.Socket) => void, giveUpMs: number): Promise<{ ms: number; answer: string }> {
  return new Promise((resolve, reject) => {
    const began = Date.now();
    let answer = '';
    const socket = net.connect(port, '127.0.0.1', () => start(socket));
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ ms: Date.now() - began, answer });
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open for ${giveUpMs} ms`));
    }, giveUpMs);
  });
}

/** Sends `text` one byte every `everyMs` until the socket closes. */
function trickle(socket: net.Socket, text: string, everyMs: number): void {
  let index = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || index >= text.length) return void clearInterval(timer);
    socket.write(text[index++]!);
  }, everyMs);
  socket.once('close', () => clearInterval(timer));
}

describe('server timeouts', () => {
  let sut: TestServer;
  let operator: Session;
  beforeAll(async () => {
    sut = await startTestServer({ env: { XIAOAN_HEADERS_TIMEOUT_MS: '1000', XIAOAN_REQUEST_TIMEOUT_MS: '1500' } });
    operator = await signInAs(sut, { role: 'police_operator' });
  });
  afterAll(async () => {
    await sut?.close();
  });

  it('has sensible defaults and refuses a headers timeout longer than the request timeout', () => {
    expect(loadConfig({}).timeouts).toEqual({ headersMs: 20_000, requestMs: 60_000, keepAliveMs: 5_000, idleMs: 120_000 });
    expect(() => loadConfig({ XIAOAN_HEADERS_TIMEOUT_MS: '90000' })).toThrow(/XIAOAN_HEADERS_TIMEOUT_MS/);
    expect(() => loadConfig({ XIAOAN_IDLE_TIMEOUT_MS: '1000' })).toThrow(/XIAOAN_IDLE_TIMEOUT_MS/);
  });

  it('cuts off a client that sends its body a byte at a time (slowloris)', async () => {
    const body = JSON.stringify(sosEvent('S0001', { id: 'slow-body', payload: { note: 'x'.repeat(200) } }));
    const closed = await timeUntilClosed(
      sut.port,
      (socket) => {
        socket.write(`POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer test-ingest-token\r\nContent-Length: ${body.length}\r\n\r\n`);
        trickle(socket, body, 50); // ≈ 12 s for the whole body
      },
      8000,
    );
    expect(closed.ms).toBeGreaterThanOrEqual(1400);
    expect(closed.answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('cuts off a client that sends its headers a byte at a time', async () => {
    const closed = await timeUntilClosed(sut.port, (socket) => trickle(socket, `GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ${'a'.repeat(400)}\r\n\r\n`, 20), 8000);
    expect(closed.ms).toBeGreaterThanOrEqual(900);
    expect(closed.answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('keeps Socket.IO screens (WebSocket and long-polling) connected past those timeouts', async () => {
    const ws = connectClient(sut.url, { cookie: operator.cookie });
    const polling: TestSocket = connect(sut.url, { transports: ['polling'], reconnection: false, auth: { lastSeq: null }, extraHeaders: { cookie: operator.cookie } });
    const pollingChanges: string[] = [];
    polling.on('alarm', (change) => pollingChanges.push(change.alarm.id));
    // Listen before awaiting anything: the long-polling screen may go live before the WebSocket one.
    const pollingLive = new Promise<void>((resolve, reject) => {
      polling.once('alarm:live', () => resolve());
      polling.once('connect_error', reject);
    });
    try {
      await Promise.all([ws.live, pollingLive]);
      let disconnects = 0;
      ws.socket.on('disconnect', () => disconnects++);
      polling.on('disconnect', () => disconnects++);
      // Longer than the request timeout, with a long-poll held open the whole time.
      await new Promise((resolve) => setTimeout(resolve, 3500));
      await sut.post(sosEvent('S0002', { id: 'after-the-timeouts' }));
      await waitFor(() => ws.changes.length > 0 && pollingChanges.length > 0, 'the SOS on both screens', 5000);
      expect(disconnects).toBe(0);
      expect(ws.socket.connected && polling.connected).toBe(true);
    } finally {
      ws.socket.disconnect();
      polling.disconnect();
    }
  });
});
