// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { countOverdue, faultsByDeadline, useFieldStore } from '../../client/stores/field.js';
import { postStatusToColumns } from '../../shared/post-status-columns.js';
import type { CameraFault, PostLive } from '../../shared/wall.js';

function fault(overrides: Partial<CameraFault> & Pick<CameraFault, 'id'>): CameraFault {
  return {
    deviceId: `CAM-S0001-0${overrides.id}`,
    schoolId: 'S0001',
    districtCode: '410402',
    reason: 'video_loss',
    openedAt: '2025-03-03T01:00:00.000Z',
    deadlineAt: '2025-03-04T01:00:00.000Z',
    closedAt: null,
    outageSeconds: null,
    ...overrides,
  };
}

function post(postId: string, state: PostLive['state']): PostLive {
  return { postId, state, window: null, checkedInAt: null, minutesLate: null, reason: { zh: '', en: '' } };
}

/** Answers each URL with the given body once the test says so. */
function serve(bodies: Record<string, unknown>): { release: () => void } {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  vi.stubGlobal('fetch', vi.fn(async (url: string) => {
    await gate;
    const key = Object.keys(bodies).find((prefix) => url.startsWith(prefix));
    return new Response(JSON.stringify(key ? bodies[key] : {}));
  }));
  return { release };
}

describe(useFieldStore.name, () => {
  beforeEach(() => setActivePinia(createPinia()));
  afterEach(() => vi.unstubAllGlobals());

  it('lists open tickets by deadline and moves a closed one to the restored list', () => {
    const sut = useFieldStore();
    sut.applyFaultChanges([fault({ id: 1, deadlineAt: '2025-03-04T05:00:00.000Z' }), fault({ id: 2, deadlineAt: '2025-03-04T02:00:00.000Z' })]);
    expect(sut.openFaultList.map((f) => f.id)).toEqual([2, 1]);

    sut.applyFaultChanges([fault({ id: 2, closedAt: '2025-03-03T02:00:00.000Z', outageSeconds: 3600 })]);
    expect(sut.openFaultList.map((f) => f.id)).toEqual([1]);
    expect(sut.closedFaults.map((f) => [f.id, f.outageSeconds])).toEqual([[2, 3600]]);
  });

  it('orders tickets by the time of their deadline, whatever its written form, and counts the overdue ones as reading them all would', () => {
    const sut = useFieldStore();
    // 10:00+08:00 is 02:00Z: before 03:00Z though its text sorts after it.
    sut.applyFaultChanges([fault({ id: 1, deadlineAt: '2025-03-04T03:00:00.000Z' }), fault({ id: 2, deadlineAt: '2025-03-04T10:00:00+08:00' }), fault({ id: 3, deadlineAt: '2025-03-04T03:00:00.000Z' })]);
    expect(sut.openFaultList.map((f) => f.id)).toEqual([2, 1, 3]);
    expect(sut.overdueCount(Date.parse('2025-03-04T02:00:00Z'))).toBe(0);
    expect(sut.overdueCount(Date.parse('2025-03-04T02:30:00Z'))).toBe(1);
    expect(sut.overdueCount(Date.parse('2025-03-04T03:00:00.001Z'))).toBe(3);

    const start = Date.parse('2026-12-07T00:00:00Z');
    const many = Array.from({ length: 3_000 }, (_, i) => fault({ id: i, deadlineAt: new Date(start + ((i * 7_919) % 1_000) * 60_000).toISOString() }));
    const sorted = faultsByDeadline(many);
    for (const minutes of [-1, 0, 1, 333.5, 999, 1_000, 5_000]) {
      const now = start + minutes * 60_000;
      expect(countOverdue(sorted, now)).toBe(many.filter((f) => Date.parse(f.deadlineAt) < now).length);
    }
  });

  it('applies ticket and post pushes that arrive during a load after the loaded lists', async () => {
    const server = serve({
      '/api/v1/faults?state=open': { faults: [fault({ id: 1 })] },
      '/api/v1/faults?state=closed': { faults: [] },
      '/api/v1/posts/status/columns': postStatusToColumns([post('G1', 'absent'), post('G2', 'on_duty')]),
    });
    const sut = useFieldStore();
    const loading = sut.load();
    sut.applyFaultChanges([fault({ id: 1, closedAt: '2025-03-03T01:30:00.000Z', outageSeconds: 1800 })]);
    sut.applyPostChanges([post('G1', 'on_duty')]);
    server.release();
    await loading;

    expect(sut.openFaults.size).toBe(0);
    expect(sut.closedFaults.map((f) => f.id)).toEqual([1]);
    expect(sut.postCounts).toMatchObject({ on_duty: 2, absent: 0 });
    expect(sut.loadError).toBeNull();
  });

  it('replaces the cameras of every school with the wall snapshot, then applies what came meanwhile', () => {
    const sut = useFieldStore();
    sut.applySchoolCameras([['S1', 1, 4]]);
    sut.holdSchoolCameras();
    sut.applySchoolCameras([['S2', 2, 3]]);
    sut.replaceSchoolCameras([['S2', 3, 3], ['S3', 5, 5]]);

    expect(sut.schoolCameras.has('S1')).toBe(false);
    expect(sut.schoolCameras.get('S2')).toEqual(['S2', 2, 3]);
    expect(sut.schoolCameras.get('S3')).toEqual(['S3', 5, 5]);
    sut.applySchoolCameras([['S3', 4, 5]]);
    expect(sut.schoolCameras.get('S3')).toEqual(['S3', 4, 5]);
  });

  it('keeps the pushes of a failed load and says what failed', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('down', { status: 503 })));
    const sut = useFieldStore();
    const loading = sut.load();
    sut.applyPostChanges([post('G1', 'late')]);
    await loading;
    expect(sut.posts.get('G1')?.state).toBe('late');
    expect(sut.loadError).toContain('503');
  });
});
