import type { CameraFault } from '../../shared/wall.js';
import type { Store } from '../db/database.js';
import { inTransaction } from '../db/transaction.js';
import { FaultRepository, type FaultQuery } from '../db/fault.repository.js';
import type { WriteQueue } from '../db/write-queue.js';
import type { Logger } from '../logger.js';
import type { CameraStateChange, DeviceFaultReport, DomainEvents } from './domain-events.js';
import type { RegistryService } from './registry.service.js';
import type { CameraStateBackend } from '../cluster/backend.js';

/** A failed security device must be restored within 24 hours (附件3 二(三)). */
export const RESTORE_DEADLINE_MS = 24 * 3600_000;

/**
 * Device fault tickets (cameras, and since issue 15 one-key buttons, intrusion sensors and access
 * devices): a camera that goes offline or reports a fault opens one with the 24 h
 * restore deadline; the ticket closes itself when the camera reports again, recording the
 * outage. Tickets are written in order through the write queue; changed tickets are announced.
 * With REDIS_URL only the node that decided a change writes its ticket (a change applied from the
 * device-changes stream has origin `stream`), and the tickets reach every node's screens through
 * the stream (`shared.tickets` → `fault.tickets` on each node's bus).
 */
export class FaultService {
  private readonly pending: CameraFault[] = [];

  constructor(
    private readonly deps: { store: Store; writes: WriteQueue; events: DomainEvents; registry: RegistryService; repository: FaultRepository; log: Logger; shared: Pick<CameraStateBackend, 'tickets'> },
  ) {
    deps.events.on('fault.tickets', (tickets) => this.pending.push(...tickets));
    deps.events.on('camera.changed', (changes) => {
      this.record(changes).catch((error: unknown) => deps.log.error({ err: error }, 'camera fault tickets not written'));
    });
    deps.events.on('device.fault', (faults) => {
      this.recordDevices(faults).catch((error: unknown) => deps.log.error({ err: error }, 'device fault tickets not written'));
    });
  }

  /**
   * Opens and closes tickets of one-key buttons, intrusion sensors and access devices (附件3 二(三)
   * covers every security device): a fault opens one due 24 h after the fault's start (the
   * device's `at`) unless one is open already; a restoration closes it.
   */
  recordDevices(faults: DeviceFaultReport[]): Promise<void> {
    return this.deps.writes.run(async () => {
      const changed = await inTransaction(this.deps.store, async (trx) => {
        const tickets = new FaultRepository(trx);
        const done: CameraFault[] = [];
        for (const fault of faults) {
          const device = this.deps.registry.device(fault.deviceId);
          if (!device || (device.kind !== 'sos' && device.kind !== 'intrusion' && device.kind !== 'access')) continue;
          const at = new Date(fault.at).toISOString();
          if (fault.restored) {
            const closed = await tickets.close(fault.deviceId, at);
            if (closed) done.push(closed);
            continue;
          }
          if (await tickets.isOpen(fault.deviceId)) continue;
          const school = this.deps.registry.schoolOfDevice(device);
          if (!school) continue;
          done.push(
            await tickets.open({
              deviceId: fault.deviceId,
              deviceKind: device.kind,
              schoolId: school.id,
              districtCode: school.districtCode,
              reason: fault.reason,
              state: fault.reason === 'offline' ? 'offline' : 'fault',
              openedAt: at,
              deadlineAt: new Date(fault.at + RESTORE_DEADLINE_MS).toISOString(),
            }),
          );
        }
        return done;
      });
      this.deps.shared.tickets(changed);
    });
  }

  /** Opens and closes tickets for a batch of camera state changes, in one transaction. */
  record(changes: CameraStateChange[]): Promise<void> {
    const relevant = changes.filter((c) => c.origin !== 'stream' && (c.from === 'online') !== (c.to === 'online'));
    if (relevant.length === 0) return Promise.resolve();
    return this.deps.writes.run(async () => {
      const changed = await inTransaction(this.deps.store, async (trx) => {
        const tickets = new FaultRepository(trx);
        const done: CameraFault[] = [];
        for (const change of relevant) {
          const at = new Date(change.at).toISOString();
          if (change.to === 'online') {
            const closed = await tickets.close(change.deviceId, at);
            if (closed) done.push(closed);
            continue;
          }
          const school = this.deps.registry.school(change.schoolId);
          // The deadline counts from the fault's start (an offline camera's last keepalive).
          const start = Math.min(change.at, change.since ?? change.at);
          done.push(
            await tickets.open({
              deviceId: change.deviceId,
              schoolId: change.schoolId,
              districtCode: school?.districtCode ?? '',
              reason: change.reason ?? change.to,
              state: change.to,
              openedAt: new Date(start).toISOString(),
              deadlineAt: new Date(start + RESTORE_DEADLINE_MS).toISOString(),
            }),
          );
        }
        return done;
      });
      this.deps.shared.tickets(changed);
    });
  }

  /** Tickets opened or closed since the last flush (pushed coalesced to screens). */
  flush(): CameraFault[] {
    return this.pending.splice(0);
  }

  list(query: FaultQuery): Promise<CameraFault[]> {
    return this.deps.repository.list(query);
  }
}
