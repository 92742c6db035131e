import { describe, expect, it } from 'vitest';
import { uploadWaitingPhotos, type PhotoUpload } from '../../client/responder-photo-queue.js';
import type { QueuedStep } from '../../client/responder-queue.js';

function report(photoKeys: string[]): QueuedStep {
  return { alarmId: 'A1', step: { action: 'report', disposition: 'handled_on_site', note: '已处置', photoIds: [], requestId: 'r-1', at: '2026-12-05T01:00:00.000Z' }, photoKeys };
}

/** A shelf in memory, an upload that answers from a script, and a record of every save. */
function harness(shelved: Record<string, string>, answers: PhotoUpload[]) {
  const shelf = new Map(Object.entries(shelved).map(([key, text]) => [key, new Blob([text], { type: 'image/jpeg' })]));
  const uploads: string[] = [];
  const saves: string[][] = [];
  let entry: QueuedStep | null = null;
  return {
    shelf,
    uploads,
    saves,
    bind(step: QueuedStep) {
      entry = step;
      return step;
    },
    deps: {
      shelf: { get: async (key: string) => shelf.get(key) ?? null, remove: async (key: string) => void shelf.delete(key) },
      upload: async (_alarmId: string, photo: Blob): Promise<PhotoUpload> => {
        uploads.push(await photo.text());
        return answers.shift() ?? { kind: 'later' };
      },
      saved: () => saves.push([...(entry?.photoKeys ?? [])]),
    },
  };
}

describe(uploadWaitingPhotos.name, () => {
  it('uploads the photos in order, moves each id into the report and saves the queue after each', async () => {
    const h = harness({ k1: 'one', k2: 'two' }, [{ kind: 'stored', id: 'P1' }, { kind: 'stored', id: 'P2' }]);
    const entry = h.bind(report(['k1', 'k2']));
    await expect(uploadWaitingPhotos(entry, h.deps)).resolves.toEqual({ state: 'ready', dropped: 0 });
    expect(h.uploads).toEqual(['one', 'two']);
    expect(entry.step).toMatchObject({ photoIds: ['P1', 'P2'] });
    expect(entry.photoKeys).toBeUndefined();
    expect(h.saves).toEqual([['k2'], []]);
    expect(h.shelf.size).toBe(0);
  });

  it('stops at the first photo that cannot go now, keeping it and the rest for the next try (no double upload)', async () => {
    const h = harness({ k1: 'one', k2: 'two' }, [{ kind: 'stored', id: 'P1' }, { kind: 'later' }]);
    const entry = h.bind(report(['k1', 'k2']));
    await expect(uploadWaitingPhotos(entry, h.deps)).resolves.toEqual({ state: 'later', dropped: 0 });
    expect(entry.photoKeys).toEqual(['k2']);
    expect(entry.step).toMatchObject({ photoIds: ['P1'] });
    expect([...h.shelf.keys()]).toEqual(['k2']);
    // The next try sends only the one left.
    const again = harness({ k2: 'two' }, [{ kind: 'stored', id: 'P2' }]);
    again.bind(entry);
    await expect(uploadWaitingPhotos(entry, again.deps)).resolves.toEqual({ state: 'ready', dropped: 0 });
    expect(again.uploads).toEqual(['two']);
    expect(entry.step).toMatchObject({ photoIds: ['P1', 'P2'] });
  });

  it('drops a photo the server refuses or the phone lost, and the report still goes', async () => {
    const h = harness({ k1: 'one', k3: 'three' }, [{ kind: 'refused' }, { kind: 'stored', id: 'P3' }]);
    const entry = h.bind(report(['k1', 'k2', 'k3']));
    await expect(uploadWaitingPhotos(entry, h.deps)).resolves.toEqual({ state: 'ready', dropped: 2 });
    expect(h.uploads).toEqual(['one', 'three']); // k2 was no longer on the shelf: nothing to upload
    expect(entry.step).toMatchObject({ photoIds: ['P3'] });
    expect(h.shelf.size).toBe(0);
  });
});
