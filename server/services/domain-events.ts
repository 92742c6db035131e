import { EventEmitter } from 'node:events';
import type { AlarmChange } from '../../shared/events.js';
import type { CameraState } from '../../shared/domain/index.js';

/** One camera whose live state changed. */
export interface CameraStateChange {
  deviceId: string;
  schoolId: string;
  from: CameraState;
  to: CameraState;
  at: number;
}

/** Facts the services announce after they are stored; realtime/broadcaster.ts maps them to wire events. */
export interface DomainEventMap {
  /** Alarm changes committed to the database, in `seq` order. */
  'alarm.changed': [changes: AlarmChange[]];
  'camera.changed': [changes: CameraStateChange[]];
}

/** A typed in-process event bus. */
export class DomainEvents extends EventEmitter<DomainEventMap> {}
