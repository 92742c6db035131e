import type { CameraFault } from '../../shared/wall.js';
import type { CameraState } from '../../shared/domain/index.js';
import type { ActivityEvent } from '../db/activity.repository.js';
import type { DomainEvents } from '../services/domain-events.js';
import type { CameraStateBackend } from './backend.js';

/**
 * One node without Redis: CameraHealthService folds and sweeps in its own memory (its deadline
 * wheel); tickets and activity go straight onto this node's bus, synchronously, as they always did.
 */
export class MemoryCameraState implements CameraStateBackend {
  readonly shared = false;

  constructor(private readonly events: DomainEvents) {}

  start(_cameraIds: readonly string[], openFaults: readonly { deviceId: string; state: CameraState }[]): Promise<{ deviceId: string; state: CameraState }[]> {
    return Promise.resolve([...openFaults]);
  }

  listen(): void {}
  fold(): void {}
  fault(): void {}
  seed(): void {}
  /** Not asked: a single node's CameraHealthService knows its own keepalives. */
  lastHeard(ids: readonly string[]): Promise<(number | null)[]> {
    return Promise.resolve(ids.map(() => null));
  }

  tick(): Promise<void> {
    return Promise.resolve();
  }

  holdsLease(): boolean {
    return true;
  }

  tickets(tickets: CameraFault[]): void {
    if (tickets.length > 0) this.events.emit('fault.tickets', tickets);
  }

  activity(events: ActivityEvent[]): void {
    if (events.length > 0) this.events.emit('activity.stored', events);
  }

  /** A single node registered them itself. */
  devices(): void {}
  /** A single node's CameraHealthService keeps the retention it heard. */
  retention(): void {}
  sharedRetention(): Promise<[string, number][]> {
    return Promise.resolve([]);
  }

  figures(): null {
    return null;
  }

  settled(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
