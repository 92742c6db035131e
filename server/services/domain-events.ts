import { EventEmitter } from 'node:events';
import type { AlarmChange } from '../../shared/events.js';
import type { CameraState, Device } from '../../shared/domain/index.js';
import type { DrillDetail } from '../../shared/drill.js';
import type { ShelfChange } from '../../shared/console.js';
import type { ActivityEvent } from '../db/activity.repository.js';
import type { RiskLevelChange } from '../../shared/risk.js';
import type { CameraFault } from '../../shared/wall.js';

/** One camera whose live state changed. */
export interface CameraStateChange {
  deviceId: string;
  schoolId: string;
  from: CameraState;
  to: CameraState;
  at: number;
  /** Why, for a move to `fault` (the device's fault code) or `offline` (missed keepalives). */
  reason?: string;
  /** When the fault started, ms, when it is earlier than `at` (offline: the last keepalive heard). */
  since?: number;
  /**
   * With REDIS_URL (server/cluster/): `local` on the node that decided the change, `stream` on the
   * nodes that applied it from the device-changes stream (they write no ticket). Absent on a single node.
   */
  origin?: 'local' | 'stream';
}

/** A non-camera device's fault or its restoration (`device.fault` ingest event). */
export interface DeviceFaultReport {
  deviceId: string;
  /** When the fault started (or the device came back), ms, as the device says. */
  at: number;
  reason: string;
  restored: boolean;
}

/**
 * Facts the services announce after they are stored; realtime/alarm-delivery.ts maps the alarm,
 * drill and shelf ones to wire events (health changes are coalesced in their services and pulled
 * by realtime/health-fan-out.ts).
 */
export interface DomainEventMap {
  /** Alarm changes committed to the database, in `seq` order. */
  'alarm.changed': [changes: AlarmChange[]];
  'camera.changed': [changes: CameraStateChange[]];
  /** Faults (and restorations) reported by one-key buttons, intrusion sensors and access devices, stored first. */
  'device.fault': [faults: DeviceFaultReport[]];
  /** 护学岗 check-ins/outs and patrol scans committed to the database (duplicates never). */
  'activity.stored': [events: ActivityEvent[]];
  /** Fault tickets opened or closed (by this node, or by another one with REDIS_URL): pushed as `camera:faults`. */
  'fault.tickets': [tickets: CameraFault[]];
  /** Devices another node registered while running (REDIS_URL; a GB/T 28181 channel assigned to a school): added to this node's registry. */
  'devices.added': [devices: Device[]];
  /** A drill planned, started, ended, cancelled, ticked, or its drill alarm changed (stored first). */
  'drill.changed': [detail: DrillDetail];
  /** A device shelved, un-shelved or its shelf expired (stored first). */
  'shelf.changed': [change: ShelfChange];
  /** A school's risk level changed (RiskService; stored first): socket `risk:level`. */
  'risk.level': [change: RiskLevelChange];
}

/** A typed in-process event bus. */
export class DomainEvents extends EventEmitter<DomainEventMap> {}
