import { onScopeDispose, ref, shallowRef, watch, type Ref } from 'vue';
import type { DeviceHealth } from '../../shared/wall.js';
import { getJson } from '../api.js';

/** Camera states change with keepalives: re-read while the school stays selected. */
const REFRESH_MS = 30_000;

/**
 * A school's devices with live camera state (`GET /api/v1/schools/:id/devices`), re-read every
 * 30 s while `schoolId` stays the same; a previous school's answer never lands on the next one.
 */
export function useSchoolDevices(schoolId: Ref<string | null>) {
  const devices = shallowRef<DeviceHealth[] | null>(null);
  const failed = ref(false);
  let controller: AbortController | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;

  async function load(id: string): Promise<void> {
    controller?.abort();
    const mine = new AbortController();
    controller = mine;
    try {
      const answer = await getJson<{ devices: DeviceHealth[] }>(`/api/v1/schools/${encodeURIComponent(id)}/devices`, mine.signal);
      if (mine.signal.aborted) return;
      devices.value = answer.devices;
      failed.value = false;
    } catch {
      if (!mine.signal.aborted) failed.value = true;
    }
  }

  function stop(): void {
    controller?.abort();
    if (timer) clearInterval(timer);
    timer = null;
  }

  watch(
    schoolId,
    (id) => {
      stop();
      devices.value = null;
      failed.value = false;
      if (!id) return;
      void load(id);
      timer = setInterval(() => void load(id), REFRESH_MS);
    },
    { immediate: true },
  );
  onScopeDispose(stop);

  return { devices, failed };
}
