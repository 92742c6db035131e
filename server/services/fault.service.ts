import type { CameraFault } from '../../shared/wall.js';
import type { Store } from '../db/database.js';
import { inTransaction } from '../db/transaction.js';
import { FaultRepository, type FaultQuery } from '../db/fault.repository.js';
import type { WriteQueue } from '../db/write-queue.js';
import type { Logger } from '../logger.js';
import type { CameraStateChange, DomainEvents } from './domain-events.js';
import type { RegistryService } from './registry.service.js';

/** A failed security device must be restored within 24 hours (附件3 二(三)). */
export const RESTORE_DEADLINE_MS = 24 * 3600_000;

/**
 * Camera fault tickets: a camera that goes offline or reports a fault opens one with the 24 h
 * restore deadline; the ticket closes itself when the camera reports again, recording the
 * outage. Tickets are written in order through the write queue; changed tickets are announced.
 */
export class FaultService {
  private readonly pending: CameraFault[] = [];

  constructor(
    private readonly deps: { store: Store; writes: WriteQueue; events: DomainEvents; registry: RegistryService; repository: FaultRepository; log: Logger },
  ) {
    deps.events.on('camera.changed', (changes) => {
      this.record(changes).catch((error: unknown) => deps.log.error({ err: error }, 'camera fault tickets not written'));
    });
  }

  /** Opens and closes tickets for a batch of camera state changes, in one transaction. */
  record(changes: CameraStateChange[]): Promise<void> {
    const relevant = changes.filter((c) => (c.from === 'online') !== (c.to === 'online'));
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
          done.push(
            await tickets.open({
              deviceId: change.deviceId,
              schoolId: change.schoolId,
              districtCode: school?.districtCode ?? '',
              reason: change.reason ?? change.to,
              state: change.to,
              openedAt: at,
              deadlineAt: new Date(change.at + RESTORE_DEADLINE_MS).toISOString(),
            }),
          );
        }
        return done;
      });
      this.pending.push(...changed);
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
