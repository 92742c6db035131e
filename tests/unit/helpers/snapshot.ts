import { gzipSync } from 'node:zlib';
import type { Alarm } from '../../../shared/domain/index.js';
import { packAlarm, packStatus, snapshotJson, type AlarmSnapshotWire } from '../../../shared/snapshot.js';
import type { SchoolStatusChange } from '../../../shared/wall.js';

/** An `alarm:snapshot` payload as the server sends it (compact rows, gzip), for the client stores' tests. */
export function snapshotWire(seq: number, alarms: readonly Alarm[], statuses: readonly SchoolStatusChange[] = []): AlarmSnapshotWire {
  const json = snapshotJson(seq, alarms.map((alarm) => JSON.stringify(packAlarm(alarm))), statuses.map(packStatus));
  return { seq, data: gzipSync(Buffer.from(json, 'utf8')) };
}

/** Lets a snapshot's asynchronous decoding (and whatever waited behind it) finish. */
export async function settled(check: () => void): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      check();
      return;
    } catch (error) {
      if (attempt > 500) throw error;
      await new Promise<void>((resolve) => setTimeout(resolve, 2));
    }
  }
}
