import type { CameraFault } from '../../shared/wall.js';
import type { ActivityEvent } from '../db/activity.repository.js';
import type { CameraState, Device } from '../../shared/domain/index.js';
import type { DomainEvents } from '../services/domain-events.js';

/**
 * Where camera health, fault tickets and 护学岗 activity are decided and shared (issue 17 item 1;
 * docs/device-state.md). `MemoryCameraState` is the single node of old: CameraHealthService folds
 * and sweeps in its own memory and every change goes straight onto the node's domain bus.
 * `RedisCameraState` (REDIS_URL): deadlines in a Redis ZSET, the sweep under a lease, every
 * change announced on a Redis stream that every node applies to its own memory (its mirror).
 */
export interface CameraStateBackend {
  /** True when the state is shared through Redis: CameraHealthService is then a mirror fed by {@link listen}. */
  readonly shared: boolean;
  /** Reads the shared state (seeding it on a cluster's first start) and answers the cameras not online, for the mirror. */
  start(cameraIds: readonly string[], openFaults: readonly { deviceId: string; state: CameraState }[], now: number): Promise<{ deviceId: string; state: CameraState }[]>;
  /** Starts applying the changes announced by every node (once the services that listen are built). */
  listen(): void;
  /** One keepalive batch: camera ids and their deadlines (last keepalive + limit), ms. Not awaited by the caller. */
  fold(ids: readonly string[], deadlines: readonly number[]): void;
  /** An explicit camera fault (video loss, tamper…) reported to this node. */
  fault(deviceId: string, reason: string, at: number): void;
  /** A camera added while running: online with a full grace unless it is known already. */
  seed(ids: readonly string[], deadline: number): void;
  /**
   * Shared only: each camera's last keepalive (ms) as the shared state knows it, whichever node
   * heard it; null when not heard since seeded. (CameraHealthService answers a single node's itself.)
   */
  lastHeard(ids: readonly string[]): Promise<(number | null)[]>;
  /** The periodic work: the lease, and the sweep while holding it. */
  tick(now: number): Promise<void>;
  /** Whether this node may raise and close the system's own alarms (post_absent): the lease holder, or the single node. */
  holdsLease(): boolean;
  /** Fault tickets this node wrote: every node pushes them to its screens (`fault.tickets` on its bus). */
  tickets(tickets: CameraFault[]): void;
  /** 护学岗 and patrol activity this node stored: every node applies it (`activity.stored` on its bus). */
  activity(events: ActivityEvent[]): void;
  /** Devices this node registered while running (a GB/T 28181 channel assigned to a school): every other node adds them (`devices.added` on its bus). */
  devices(devices: Device[]): void;
  /**
   * Cameras whose reported retention (days of video kept, 附件3 二(三)) changed in a keepalive this
   * node received: kept in the shared state and applied by every node's mirror. Not awaited.
   */
  retention(reports: readonly (readonly [deviceId: string, days: number])[]): void;
  /** The retention every camera last reported to any node (shared only; a single node knows its own: empty). */
  sharedRetention(): Promise<[deviceId: string, days: number][]>;
  /**
   * For `/health` (a city-wide session): this node's id in the cluster, whether it holds the sweep
   * lease, and the keepalives it dropped while Redis was away and its resyncs; null on a single node.
   */
  figures(): { node: string; holdsLease: boolean; foldsDropped: number; keepalivesDropped: number; resyncs: number } | null;
  /** Resolves when this node's writes sent so far have answered (tests, and before a sweep). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** One camera change as every node applies it to its mirror. */
export interface SharedCameraChange {
  deviceId: string;
  to: CameraState;
  at: number;
  reason?: string;
  since?: number;
  /** `local` on the node that decided it (it writes the ticket), `stream` on the others. */
  origin: 'local' | 'stream';
}

/** What a backend is given by buildServices: the node's bus and its camera mirror. */
export interface CameraStateParts {
  events: DomainEvents;
  mirror: {
    applyShared(changes: SharedCameraChange[]): void;
    /** The cameras the mirror holds not online: what a resync compares with the shared state. */
    unhealthy(): { deviceId: string; state: CameraState }[];
    /** Retention reports from the shared state (another node heard them). */
    applyRetention(reports: readonly (readonly [deviceId: string, days: number])[]): void;
  };
  /** The node's clock (ms): the time a resync gives the changes it finds. */
  now: () => number;
  /**
   * The stored 护学岗 check-ins and patrol scans that still matter (the database, which every node
   * writes before it announces): a resync replays them onto the bus (`activity.stored`), since the
   * ones announced in the trimmed part of the stream are gone. The services ignore what they hold.
   */
  recentActivity?: () => Promise<ActivityEvent[]>;
  /** The open fault tickets and the recently closed ones (the database): a resync sends them to the node's screens again (`fault.tickets`). */
  recentTickets?: () => Promise<CameraFault[]>;
  /** Every stored device (the database): a resync adds those the node lacks (`devices.added`: a channel assigned on another node). */
  storedDevices?: () => Promise<Device[]>;
  /** The offline limit (interval × misses), ms: a deadline less this is the last keepalive. */
  limitMs: number;
  /** How long a node that has just taken the lease waits before its first sweep (one keepalive interval), ms. */
  graceMs: number;
}

/** Makes the backend once the services it feeds exist (server/index.ts chooses it from REDIS_URL). */
export type CameraStateFactory = (parts: CameraStateParts) => CameraStateBackend;
