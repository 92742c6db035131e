import { defineStore } from 'pinia';
import { shallowReactive } from 'vue';
import { MAX_DEVICE_IDS } from '../../shared/api/registry.js';
import { getRoute } from '../api.js';

/** Names kept at most: past this the cache starts again (a wall names a few hundred devices). */
const KEPT_AT_MOST = 5000;

/**
 * The names of the devices a screen shows (an alarm's button, a ticket's camera): asked by id
 * (`GET /devices?ids=`), the ids wanted in one turn of the page gathered into one request of at
 * most MAX_DEVICE_IDS, each id asked once. A device unknown or outside the person's scope has no
 * name (null) and is shown by its id; a failed read is asked again the next time it is wanted.
 */
export const useDeviceNamesStore = defineStore('deviceNames', () => {
  /** Device id → its name, or null when the server named none. */
  const names = shallowReactive(new Map<string, string | null>());
  const pending = new Set<string>();
  const asking = new Set<string>();
  let flushing = false;

  async function ask(ids: string[]): Promise<void> {
    for (const id of ids) asking.add(id);
    try {
      const { devices } = await getRoute('registry.devices', { query: { ids: ids.join(',') } });
      const named = new Map(devices.map((device) => [device.id, device.name]));
      if (names.size + ids.length > KEPT_AT_MOST) names.clear();
      for (const id of ids) names.set(id, named.get(id) ?? null);
    } catch {
      // Not named this time: shown by id, and asked again when next wanted.
    } finally {
      for (const id of ids) asking.delete(id);
    }
  }

  function flush(): void {
    flushing = false;
    const ids = [...pending];
    pending.clear();
    for (let start = 0; start < ids.length; start += MAX_DEVICE_IDS) void ask(ids.slice(start, start + MAX_DEVICE_IDS));
  }

  /** Asks for a device's name unless it is known or on its way. */
  function want(id: string): void {
    if (names.has(id) || asking.has(id) || pending.has(id)) return;
    pending.add(id);
    if (!flushing) {
      flushing = true;
      queueMicrotask(flush);
    }
  }

  /** The device's name when known (reactive: a template re-renders when it arrives). */
  function nameOf(id: string): string | null {
    return names.get(id) ?? null;
  }

  return { want, nameOf };
});
