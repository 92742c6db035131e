import type { Server, Socket } from 'socket.io';
import type { AlarmChange, ClientToServerEvents, ServerToClientEvents, SocketData } from '../../shared/events.js';
import type { CameraSummary } from '../../shared/wall.js';
import type { WriteQueue } from '../db/write-queue.js';
import type { AlarmService } from '../services/alarm.service.js';
import type { CameraHealthService } from '../services/camera-health.service.js';
import type { DomainEvents } from '../services/domain-events.js';
import type { FaultService } from '../services/fault.service.js';
import type { GuardPostService } from '../services/guard-post.service.js';
import type { SchoolCameraService } from '../services/school-camera.service.js';
import type { SchoolStatusService } from '../services/school-status.service.js';

/** The typed Socket.IO server of the app. */
export type XiaoanServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
/** One typed connection. */
export type XiaoanSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** Rooms: every alarm screen, and every screen that draws school status. */
export const ROOMS = { alarms: 'alarms', wall: 'wall' } as const;

/** How often coalesced health changes are pushed: at most 4 a second. */
const STATUS_PUSH_MS = 250;

interface BroadcasterDeps {
  io: XiaoanServer;
  events: DomainEvents;
  writes: WriteQueue;
  alarms: AlarmService;
  cameras: CameraHealthService;
  status: SchoolStatusService;
  faults: FaultService;
  posts: GuardPostService;
  schoolCameras: SchoolCameraService;
  replayLimit: number;
}

/**
 * The one place that maps domain events to wire events and rooms. Alarms go out at once, one
 * by one, in `seq` order; school status, camera counts, fault tickets and 护学岗 states go out
 * coalesced.
 */
export class Broadcaster {
  private timers: NodeJS.Timeout[] = [];
  private lastSummary = '';
  private readonly onAlarms = (changes: AlarmChange[]) => {
    for (const change of changes) this.deps.io.to(ROOMS.alarms).emit('alarm', change);
  };

  constructor(private readonly deps: BroadcasterDeps) {}

  start(): void {
    this.deps.events.on('alarm.changed', this.onAlarms);
    this.timers.push(setInterval(() => this.pushHealth(), STATUS_PUSH_MS));
  }

  stop(): void {
    this.deps.events.off('alarm.changed', this.onAlarms);
    this.timers.forEach(clearInterval);
    this.timers = [];
  }

  /** Sends the coalesced status, fault-ticket and post changes, and the camera summary when it moved. */
  pushHealth(): void {
    // Not volatile: a volatile packet is dropped whenever the transport is still writing the
    // previous one (so a second emit in the same flush would be lost), and a lost status change
    // leaves a school the wrong colour. Coalescing already bounds the rate to 4 flushes a second.
    const wall = () => this.deps.io.to(ROOMS.wall);
    const changes = this.deps.status.flush();
    if (changes.length > 0) wall().emit('school:status', { changes });
    const cameras = this.deps.schoolCameras.flush();
    if (cameras.length > 0) wall().emit('school:cameras', { changes: cameras });
    const faults = this.deps.faults.flush();
    if (faults.length > 0) wall().emit('camera:faults', { changes: faults });
    const posts = this.deps.posts.flush();
    if (posts.length > 0) wall().emit('post:status', { changes: posts });
    const summary: CameraSummary = this.deps.cameras.summary();
    const key = JSON.stringify(summary);
    if (key !== this.lastSummary) {
      this.lastSummary = key;
      wall().emit('camera:summary', summary);
    }
  }

  /**
   * Brings a connecting screen up to date, then makes it live. It runs in the write queue, so no
   * alarm change can commit in between: the screen gets every change after its `lastSeq` exactly
   * once and in order — replayed from the log, or as a fresh snapshot when it is new or too far
   * behind — and joins the live room in the same step.
   */
  catchUp(socket: XiaoanSocket, lastSeq: number | null): Promise<void> {
    const { writes, alarms, replayLimit } = this.deps;
    return writes.run(async () => {
      let seq: number;
      const latest = await alarms.lastSeq();
      const replayable = lastSeq !== null && lastSeq <= latest && latest - lastSeq <= replayLimit;
      if (replayable) {
        const changes = await alarms.changesAfter(lastSeq, replayLimit);
        for (const change of changes) socket.emit('alarm', change);
        seq = latest;
      } else {
        const snapshot = await alarms.snapshot();
        socket.emit('alarm:snapshot', snapshot);
        seq = snapshot.seq;
      }
      if (socket.disconnected) return;
      await socket.join([ROOMS.alarms, ROOMS.wall]);
      socket.emit('alarm:live', { seq, serverTime: new Date().toISOString() });
    });
  }
}
