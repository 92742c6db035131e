import type { PhotoShelf } from './photo-shelf.js';
import type { QueuedStep } from './responder-queue.js';

/**
 * A report taken offline keeps its photos (issue 14): they wait on the phone's shelf
 * (photo-shelf.ts, IndexedDB) under the keys in the queued step's `photoKeys`, and go up one at a
 * time just before the report itself is sent, each uploaded photo's id moving into the report's
 * `photoIds`. Pure apart from the functions it is given, so the order and the outcomes are tested
 * without a browser (tests/unit/responder-photo-queue.test.ts).
 */

/** What became of one photo's upload. */
export type PhotoUpload = { kind: 'stored'; id: string } | { kind: 'refused' } | { kind: 'later' };

/** What {@link uploadWaitingPhotos} needs. */
export interface PhotoQueueDeps {
  shelf: Pick<PhotoShelf, 'get' | 'remove'>;
  upload: (alarmId: string, photo: Blob) => Promise<PhotoUpload>;
  /** Called after each photo leaves the shelf (uploaded, refused or gone), to keep the queue as it now is. */
  saved: () => void;
}

/** How many of a report's photos were dropped on the way (refused by the server, or no longer on the phone). */
export interface PhotoQueueResult {
  state: 'ready' | 'later';
  dropped: number;
}

/**
 * Uploads the step's waiting photos in order. Each uploaded one's id is added to the report's
 * `photoIds` and its key removed at once (a reload after it does not upload it twice); a refused
 * or vanished photo is dropped, the report still goes. `ready` when none waits any more (send the
 * report now), `later` when one could not be sent now (no network): the rest stay for the next try.
 */
export async function uploadWaitingPhotos(entry: QueuedStep, deps: PhotoQueueDeps): Promise<PhotoQueueResult> {
  let dropped = 0;
  while (entry.photoKeys?.length) {
    const key = entry.photoKeys[0]!;
    const photo = await deps.shelf.get(key);
    const outcome: PhotoUpload = photo ? await deps.upload(entry.alarmId, photo) : { kind: 'refused' };
    if (outcome.kind === 'later') return { state: 'later', dropped };
    if (outcome.kind === 'stored' && entry.step.action === 'report') entry.step.photoIds = [...(entry.step.photoIds ?? []), outcome.id];
    else dropped += 1;
    entry.photoKeys = entry.photoKeys.slice(1);
    if (entry.photoKeys.length === 0) delete entry.photoKeys;
    deps.saved();
    await deps.shelf.remove(key).catch(() => undefined);
  }
  return { state: 'ready', dropped };
}
