import type { CameraSummary } from '../../shared/wall.js';
import type { CameraHealthService } from '../services/camera-health.service.js';
import type { FaultService } from '../services/fault.service.js';
import type { GuardPostService } from '../services/guard-post.service.js';
import type { RegistryService } from '../services/registry.service.js';
import type { SchoolCameraService } from '../services/school-camera.service.js';
import type { SchoolStatusService } from '../services/school-status.service.js';
import { ROOMS, type XiaoanServer } from './rooms.js';
import type { SnapshotStore } from './snapshots.js';

const WALL_DISTRICT_PREFIX = 'wall:';
const WALL_SCHOOL_PREFIX = 'wall:school:';

/** How often coalesced health changes are pushed: at most 4 a second. */
const STATUS_PUSH_MS = 250;

interface HealthFanOutDeps {
  io: XiaoanServer;
  status: Pick<SchoolStatusService, 'flush'>;
  schoolCameras: Pick<SchoolCameraService, 'flush' | 'summaryOfSchool' | 'summaryOfDistrict'>;
  cameras: Pick<CameraHealthService, 'summary'>;
  faults: Pick<FaultService, 'flush'>;
  posts: Pick<GuardPostService, 'flush'>;
  registry: Pick<RegistryService, 'school' | 'guardPosts'>;
  /** Told when school statuses moved: the snapshots built before carry the old ones. */
  snapshots: Pick<SnapshotStore, 'statusesChanged'>;
}

/** Where a pushed item belongs: its district and the schools it concerns. */
interface Place {
  districtCode: string | undefined;
  schoolIds: readonly string[];
}

/**
 * The coalesced health pushes of this node: school status, camera counts, fault tickets and
 * 护学岗 states, each flushed at most every 250 ms and split by the `wall:` rooms (the city room
 * everything, each district and school room its share), and the camera summary of each room when
 * it moved. Each node pushes its own in-memory state; nothing crosses nodes.
 */
export class HealthFanOut {
  private timer: NodeJS.Timeout | null = null;
  private readonly lastSummary = new Map<string, string>();

  constructor(private readonly deps: HealthFanOutDeps) {}

  start(): void {
    this.timer = setInterval(() => this.flush(), STATUS_PUSH_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Sends the coalesced status, fault-ticket and post changes, and the camera summaries that moved, each room its share. */
  flush(): void {
    // Not volatile: a volatile packet is dropped whenever the transport is still writing the
    // previous one (so a second emit in the same flush would be lost), and a lost status change
    // leaves a school the wrong colour. Coalescing already bounds the rate to 4 flushes a second.
    const { io, registry } = this.deps;
    const schoolPlace = (schoolId: string): Place => ({ districtCode: registry.school(schoolId)?.districtCode, schoolIds: [schoolId] });
    const statusChanges = this.deps.status.flush();
    if (statusChanges.length > 0) this.deps.snapshots.statusesChanged();
    this.fanOut(statusChanges, (c) => schoolPlace(c.schoolId), (room, changes) => io.local.to(room).emit('school:status', { changes }));
    this.fanOut(this.deps.schoolCameras.flush(), ([schoolId]) => schoolPlace(schoolId), (room, changes) => io.local.to(room).emit('school:cameras', { changes }));
    this.fanOut(
      this.deps.faults.flush(),
      (f) => ({ districtCode: f.districtCode || registry.school(f.schoolId)?.districtCode, schoolIds: [f.schoolId] }),
      (room, changes) => io.local.to(room).emit('camera:faults', { changes }),
    );
    const posts = this.deps.posts.flush();
    if (posts.length > 0) {
      const postPlaces = new Map(registry.guardPosts().map((p) => [p.id, { districtCode: p.districtCode, schoolIds: p.schoolIds }]));
      this.fanOut(posts, (p) => postPlaces.get(p.postId) ?? { districtCode: undefined, schoolIds: [] }, (room, changes) => io.local.to(room).emit('post:status', { changes }));
    }
    this.pushSummaries();
  }

  private hasRoom(room: string): boolean {
    return this.deps.io.of('/').adapter.rooms.has(room);
  }

  /** City room: every item; a district room: its district's; a school room: its school's. Only rooms with screens on this node are sent to. */
  private fanOut<T>(items: T[], placeOf: (item: T) => Place, send: (room: string, items: T[]) => void): void {
    if (items.length === 0) return;
    if (this.hasRoom(ROOMS.wallCity)) send(ROOMS.wallCity, items);
    const byRoom = new Map<string, T[]>();
    const add = (room: string, item: T) => {
      if (!this.hasRoom(room)) return;
      const list = byRoom.get(room);
      if (list) list.push(item);
      else byRoom.set(room, [item]);
    };
    for (const item of items) {
      const place = placeOf(item);
      if (place.districtCode) add(ROOMS.wallDistrict(place.districtCode), item);
      for (const schoolId of place.schoolIds) add(ROOMS.wallSchool(schoolId), item);
    }
    for (const [room, list] of byRoom) send(room, list);
  }

  /** The city's camera summary to city screens, each district's to its county screens, each school's to its school's; only when it moved. */
  private pushSummaries(): void {
    const { io, cameras, schoolCameras } = this.deps;
    const rooms = io.of('/').adapter.rooms;
    for (const room of this.lastSummary.keys()) if (!rooms.has(room)) this.lastSummary.delete(room);
    const send = (room: string, summary: CameraSummary) => {
      const key = JSON.stringify(summary);
      if (this.lastSummary.get(room) === key) return;
      this.lastSummary.set(room, key);
      io.local.to(room).emit('camera:summary', summary);
    };
    for (const room of rooms.keys()) {
      if (room === ROOMS.wallCity) send(room, cameras.summary());
      else if (room.startsWith(WALL_SCHOOL_PREFIX)) send(room, schoolCameras.summaryOfSchool(room.slice(WALL_SCHOOL_PREFIX.length)));
      else if (room.startsWith(WALL_DISTRICT_PREFIX)) send(room, schoolCameras.summaryOfDistrict(room.slice(WALL_DISTRICT_PREFIX.length)));
    }
  }
}
