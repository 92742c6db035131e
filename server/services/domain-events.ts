import { EventEmitter } from 'node:events';
import type { AlarmChange } from '../../shared/events.js';
import type { CameraState } from '../../shared/domain/index.js';
import type { DrillDetail } from '../../shared/drill.js';
import type { ShelfChange } from '../../shared/console.js';
import type { ActivityEvent } from '../db/activity.repository.js';
import type { RiskLevelChange } from '../../shared/risk.js';

/** One camera whose live state changed. */
export interface CameraStateChange {
  deviceId: string;
  schoolId: string;
  from: CameraState;
  to: CameraState;
  at: number;
  /** Why, for a move to `fault` (the device's fault code) or `offline` (missed keepalives). */
  reason?: string;
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
  /** 护学岗 check-ins/outs and patrol scans committed to the database (duplicates never). */
  'activity.stored': [events: ActivityEvent[]];
  /** A drill planned, started, ended, cancelled, ticked, or its drill alarm changed (stored first). */
  'drill.changed': [detail: DrillDetail];
  /** A device shelved, un-shelved or its shelf expired (stored first). */
  'shelf.changed': [change: ShelfChange];
  /** A school's risk level changed (RiskService; stored first): socket `risk:level`. */
  'risk.level': [change: RiskLevelChange];
}

/** A typed in-process event bus. */
export class DomainEvents extends EventEmitter<DomainEventMap> {}
