// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useDeviceNamesStore } from '../../client/stores/deviceNames.js';
import { MAX_DEVICE_IDS } from '../../shared/api/registry.js';

/** The ids a `GET /devices?ids=` asked for. */
function idsOf(url: string): string[] {
  return new URL(url, 'http://wall.local').searchParams.get('ids')!.split(',');
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe(useDeviceNamesStore.name, () => {
  beforeEach(() => setActivePinia(createPinia()));
  afterEach(() => vi.unstubAllGlobals());

  it('gathers the ids wanted in one turn into one request, asks each once, and names what the server names', async () => {
    const asked: string[][] = [];
    vi.stubGlobal('fetch', vi.fn(async (url: string) => {
      const ids = idsOf(url);
      asked.push(ids);
      return new Response(JSON.stringify({ devices: ids.filter((id) => id !== 'GONE').map((id) => ({ id, kind: 'sos', schoolId: 'S1', postId: null, place: 'gate_room', name: `门卫室一键报警按钮 ${id}` })) }));
    }));
    const sut = useDeviceNamesStore();
    for (const id of ['SOS-1', 'SOS-2', 'SOS-1', 'GONE']) sut.want(id);
    expect(sut.nameOf('SOS-1')).toBeNull();
    await settle();
    expect(asked).toEqual([['SOS-1', 'SOS-2', 'GONE']]);
    expect(sut.nameOf('SOS-1')).toBe('门卫室一键报警按钮 SOS-1');
    expect(sut.nameOf('GONE')).toBeNull();
    // Known, or known to have no name: not asked again.
    sut.want('SOS-2');
    sut.want('GONE');
    await settle();
    expect(asked).toHaveLength(1);
  });

  it('asks in batches of at most MAX_DEVICE_IDS', async () => {
    const asked: string[][] = [];
    vi.stubGlobal('fetch', vi.fn(async (url: string) => {
      asked.push(idsOf(url));
      return new Response(JSON.stringify({ devices: [] }));
    }));
    const sut = useDeviceNamesStore();
    for (let i = 0; i < MAX_DEVICE_IDS * 2 + 5; i++) sut.want(`CAM-${i}`);
    await settle();
    expect(asked.map((ids) => ids.length)).toEqual([MAX_DEVICE_IDS, MAX_DEVICE_IDS, 5]);
  });

  it('asks again, when next wanted, for a name whose read failed', async () => {
    let fail = true;
    const fetch = vi.fn(async (url: string) => (fail ? new Response('{}', { status: 503 }) : new Response(JSON.stringify({ devices: idsOf(url).map((id) => ({ id, kind: 'camera', schoolId: 'S1', postId: null, place: 'gate', name: '校门摄像机' })) }))));
    vi.stubGlobal('fetch', fetch);
    const sut = useDeviceNamesStore();
    sut.want('CAM-1');
    await settle();
    expect(sut.nameOf('CAM-1')).toBeNull();
    fail = false;
    sut.want('CAM-1');
    await settle();
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(sut.nameOf('CAM-1')).toBe('校门摄像机');
  });
});
