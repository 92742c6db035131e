import type { Alarm } from '../shared/domain/index.js';
import { readSnapshotJson, unpackAlarm, unpackStatus, type AlarmSnapshotWire, type DecodedSnapshot } from '../shared/snapshot.js';
import { nextTask } from './reactive-bulk.js';

/** Gunzips with the platform's DecompressionStream (browsers, Node ≥ 18): off the page's main work. */
export async function gunzipText(data: ArrayBuffer | Uint8Array): Promise<string> {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).text();
}

/**
 * How long the rows are unpacked before the page gets its thread back, ms: a province's 2,279
 * open alarms took 44 ms to unpack on a slow machine, after a parse of as much, in one task.
 */
export const UNPACK_SLICE_MS = 8;

/** How the unpacking tells time and gives the thread back (tests give their own). */
export interface SliceTiming {
  clock: () => number;
  pause: () => Promise<void>;
}

const PAGE_TIMING: SliceTiming = { clock: () => performance.now(), pause: nextTask };

/**
 * An `alarm:snapshot` payload back into alarms and statuses: the text parsed in one task, the
 * alarms' rows unpacked in tasks of about {@link UNPACK_SLICE_MS} each.
 */
export async function decodeSnapshot(wire: AlarmSnapshotWire, { clock, pause }: SliceTiming = PAGE_TIMING): Promise<DecodedSnapshot> {
  const compact = readSnapshotJson(await gunzipText(wire.data));
  if (compact.seq !== wire.seq) throw new Error(`snapshot: seq ${compact.seq} inside, ${wire.seq} outside`);
  const alarms: Alarm[] = [];
  let sliceStart = clock();
  for (const row of compact.alarms) {
    if (clock() - sliceStart >= UNPACK_SLICE_MS) {
      await pause();
      sliceStart = clock();
    }
    alarms.push(unpackAlarm(row));
  }
  return { seq: compact.seq, alarms, statuses: compact.statuses.map(unpackStatus) };
}
