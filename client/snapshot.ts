import { parseSnapshotJson, type AlarmSnapshotWire, type DecodedSnapshot } from '../shared/snapshot.js';

/** Gunzips with the platform's DecompressionStream (browsers, Node ≥ 18): off the page's main work. */
export async function gunzipText(data: ArrayBuffer | Uint8Array): Promise<string> {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).text();
}

/** An `alarm:snapshot` payload back into alarms and statuses. */
export async function decodeSnapshot(wire: AlarmSnapshotWire): Promise<DecodedSnapshot> {
  const decoded = parseSnapshotJson(await gunzipText(wire.data));
  if (decoded.seq !== wire.seq) throw new Error(`snapshot: seq ${decoded.seq} inside, ${wire.seq} outside`);
  return decoded;
}
