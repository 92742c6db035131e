import { vi } from 'vitest';
import type { HandshakeAuth } from '../../../shared/events.js';
import type { WallSnapshot } from '../../../shared/wall.js';
import { REGISTRY_COLUMNS_VERSION, guardPostsToColumns, registrySliceOf, schoolCamerasKey, schoolsToColumns, type RegistryColumns } from '../../../shared/wall-registry.js';

type Handler = (...args: unknown[]) => void;

/** Stands in for the Socket.IO client: records handlers so the test can play the server. */
export class FakeSocket {
  readonly handlers = new Map<string, Handler>();
  /** Handlers on the manager (`socket.io.on`): reconnect attempts and the like. */
  readonly managerHandlers = new Map<string, Handler>();
  readonly io = { on: (event: string, handler: Handler) => this.managerHandlers.set(event, handler) };
  connected = false;
  connects = 0;
  disconnects = 0;
  /** What the client emitted with an acknowledgement, in order. */
  readonly sent: { event: string; payload: unknown }[] = [];
  /** What the "server" acknowledges every emit with. */
  answer: unknown = { ok: true, data: null };
  on(event: string, handler: Handler): this {
    this.handlers.set(event, handler);
    return this;
  }
  connect(): void {
    this.connects += 1;
  }
  disconnect(): void {
    this.disconnects += 1;
    this.connected = false;
    this.handlers.get('disconnect')?.('io client disconnect');
  }
  removeAllListeners(): void {
    this.handlers.clear();
  }
  timeout(): { emitWithAck: (event: string, payload: unknown) => Promise<unknown> } {
    return {
      emitWithAck: async (event, payload) => {
        this.sent.push({ event, payload });
        return this.answer;
      },
    };
  }
  serverSends(event: string, ...args: unknown[]): void {
    if (event === 'connect') this.connected = true;
    if (event === 'disconnect') this.connected = false;
    this.handlers.get(event)?.(...args);
  }
}

/** The socket client/socket.js hands out (replace it between tests), and the handshake the store gave it. */
export const wallSocket: { socket: FakeSocket; handshake: () => HandshakeAuth } = { socket: new FakeSocket(), handshake: () => ({}) };

/**
 * A stand-in for client/socket.js that hands out `wallSocket.socket`; use as
 * `vi.mock('../../client/socket.js', async () => (await import('./helpers/wall-socket.js')).fakeSocketModule())`.
 */
export function fakeSocketModule(): { createWallSocket: (ask: () => HandshakeAuth) => FakeSocket } {
  return {
    createWallSocket: (ask) => {
      wallSocket.handshake = ask;
      return wallSocket.socket;
    },
  };
}

export const emptyWall: WallSnapshot = {
  generatedAt: '2025-03-02T08:00:00Z',
  schools: [],
  policePosts: [],
  guardPosts: [],
  statuses: [],
  cameras: { total: 0, online: 0, offline: 0, fault: 0 },
  schoolCameras: [],
};

/** `GET /api/v1/wall/registry` of a registry: the schools in columns; with `part`, the items of that part only (as the server slices). */
export function registryAnswer(registry: Pick<WallSnapshot, 'schools' | 'policePosts' | 'guardPosts' | 'schoolCameras'>, part?: { slice: number; slices: number }): RegistryColumns {
  const inPart = <T extends { id: string }>(items: T[]): T[] => (part ? items.filter((item) => registrySliceOf(item.id, part.slices) === part.slice) : items);
  const registered = registeredCameras(registry);
  return { v: REGISTRY_COLUMNS_VERSION, schools: schoolsToColumns(inPart(registry.schools), (id) => registered.get(id) ?? 0), policePosts: inPart(registry.policePosts), guardPosts: guardPostsToColumns(inPart(registry.guardPosts)) };
}

/** The cameras registered at each school, as the server's registry has them: each school's total in the snapshot. */
function registeredCameras(wall: Pick<WallSnapshot, 'schoolCameras'>): Map<string, number> {
  return new Map(wall.schoolCameras.map(([id, , total]) => [id, total]));
}

/**
 * What the wall's store reads for `url`: the registry's columns (or the part the query names) or
 * the live part of `wall` (with `cameras=down`, only the schools with a camera down, as the server answers).
 */
export function wallAnswer(url: string, wall: WallSnapshot): RegistryColumns | WallSnapshot {
  if (!url.startsWith('/api/v1/wall/registry')) {
    const live = { ...wall, schools: [], policePosts: [], guardPosts: [] };
    if (!url.includes('cameras=down')) return live;
    const registered = registeredCameras(wall);
    const camerasKey = schoolCamerasKey(wall.schools.map((school) => school.id), (i) => registered.get(wall.schools[i]!.id) ?? 0);
    return { ...live, schoolCameras: wall.schoolCameras.filter(([, online, total]) => online < total), camerasKey };
  }
  const query = new URL(url, 'http://wall.test').searchParams;
  const slice = query.get('slice'), slices = query.get('slices');
  return registryAnswer(wall, slice !== null && slices !== null ? { slice: Number(slice), slices: Number(slices) } : undefined);
}

/** fetch answering what the connection store asks at start: the client config and an empty wall. */
export function stubWallFetch(): void {
  vi.stubGlobal('fetch', vi.fn(async (url: string) => new Response(JSON.stringify(url.includes('client-config') ? { tileUrl: null, tileAttribution: null, buildId: 'b1' } : wallAnswer(url, emptyWall)))));
}
