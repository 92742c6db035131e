import { defineStore } from 'pinia';
import { computed, shallowReactive } from 'vue';
import type { Shelf, ShelfChange } from '../../shared/console.js';
import { useConnectionStore, type RequestOutcome } from './connection.js';

/**
 * Shelved devices (搁置) this screen may see, keyed by device id: a snapshot at every (re)connect,
 * then each change live. The server ends a shelf when its time is up and says so.
 */
export const useShelfStore = defineStore('shelves', () => {
  const byDevice = shallowReactive(new Map<string, Shelf>());
  /** Soonest to expire first. */
  const list = computed(() => [...byDevice.values()].sort((a, b) => (a.until < b.until ? -1 : a.until > b.until ? 1 : 0)));
  const devices = computed<ReadonlySet<string>>(() => new Set(byDevice.keys()));

  function applySnapshot(shelves: readonly Shelf[]): void {
    byDevice.clear();
    for (const shelf of shelves) byDevice.set(shelf.deviceId, shelf);
  }

  function applyChange(change: ShelfChange): void {
    if (change.ended) {
      if (byDevice.get(change.shelf.deviceId)?.id === change.shelf.id) byDevice.delete(change.shelf.deviceId);
    } else {
      byDevice.set(change.shelf.deviceId, change.shelf);
    }
  }

  /** Shelves a device for `minutes` with a reason. */
  function shelve(deviceId: string, minutes: number, reason: string): Promise<RequestOutcome<Shelf>> {
    return useConnectionStore().request('shelf:add', { deviceId, minutes, reason: reason.trim() });
  }

  /** Takes a device off the shelf early. */
  function unshelve(deviceId: string): Promise<RequestOutcome<Shelf>> {
    return useConnectionStore().request('shelf:remove', { deviceId });
  }

  return { byDevice, list, devices, applySnapshot, applyChange, shelve, unshelve };
});
