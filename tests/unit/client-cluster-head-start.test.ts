import { describe, expect, it } from 'vitest';
import { buildClusterLevels, CLUSTER_MAX_ZOOM, CLUSTER_RADIUS_PX, type ClusterLevel, type ClusterRequest } from '../../client/school-cluster-build.js';
import { ClusterHeadStart, readClusterPoints } from '../../client/school-cluster-head-start.js';

/** Towns of schools around Pingdingshan, seeded. */
function coords(seed: number, count = 400): Float64Array<ArrayBuffer> {
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const values = new Float64Array(count * 2);
  for (let i = 0; i < count; i++) {
    values[2 * i] = 112.5 + random() * 1.5;
    values[2 * i + 1] = 33.2 + random() * 1.2;
  }
  return values;
}

/** The page's request for some points, as the map layer sends it. */
const request = (points: Float64Array): ClusterRequest => ({ coords: points.slice(), radius: CLUSTER_RADIUS_PX, maxZoom: CLUSTER_MAX_ZOOM });

/** The real build, counting its calls. */
function countingBuild(): { build: (request: ClusterRequest) => ClusterLevel[]; calls: ClusterRequest[] } {
  const calls: ClusterRequest[] = [];
  return { calls, build: (asked) => (calls.push(asked), buildClusterLevels(asked)) };
}

describe(ClusterHeadStart.name, () => {
  it('builds the points offered at once, and hands those very levels to the request for the same points', () => {
    const { build, calls } = countingBuild();
    const headStart = new ClusterHeadStart(build);
    const points = coords(7);
    expect(headStart.offer(points.slice().buffer)).toBe(true);
    expect(calls).toHaveLength(1);
    const { levels, ahead } = headStart.levelsFor(request(points));
    expect(ahead).toBe(true);
    expect(calls).toHaveLength(1);
    expect(levels).toHaveLength(CLUSTER_MAX_ZOOM + 1);
    // The same levels as a build of the request itself.
    expect(levels.map((level) => [...level.memberOf])).toEqual(buildClusterLevels(request(points)).map((level) => [...level.memberOf]));
    // Once: their arrays are handed over, so the next request builds its own.
    expect(headStart.levelsFor(request(points)).ahead).toBe(false);
    expect(calls).toHaveLength(2);
  });

  it('builds anew for other points: one moved, one more, or another radius', () => {
    const points = coords(11);
    const moved = points.slice();
    moved[101] = (moved[101] ?? 0) + 1e-9;
    const more = new Float64Array([...points, 113, 33.7]);
    for (const asked of [request(moved), request(more), { ...request(points), radius: CLUSTER_RADIUS_PX + 1 }]) {
      const { build, calls } = countingBuild();
      const headStart = new ClusterHeadStart(build);
      headStart.offer(points.slice().buffer);
      expect(headStart.levelsFor(asked).ahead).toBe(false);
      expect(calls).toHaveLength(2);
      expect(calls[1]).toBe(asked);
    }
  });

  it('keeps the head start through a request without points (a map mounted before the registry came)', () => {
    const { build, calls } = countingBuild();
    const headStart = new ClusterHeadStart(build);
    const points = coords(5);
    headStart.offer(points.slice().buffer);
    expect(headStart.levelsFor(request(new Float64Array())).levels).toHaveLength(CLUSTER_MAX_ZOOM + 1);
    expect(headStart.levelsFor(request(points)).ahead).toBe(true);
    expect(calls.map((call) => call.coords.length)).toEqual([points.length, 0]);
  });

  it('ignores points that come after the request, or that are not whole pairs of float64', () => {
    const { build, calls } = countingBuild();
    const headStart = new ClusterHeadStart(build);
    expect(headStart.offer(new ArrayBuffer(24))).toBe(false);
    headStart.levelsFor(request(coords(3)));
    expect(headStart.offer(coords(3).buffer)).toBe(false);
    expect(calls).toHaveLength(1);
  });
});

describe(readClusterPoints.name, () => {
  it('reads a points message and nothing else', () => {
    const points = new ArrayBuffer(32);
    expect(readClusterPoints({ points })).toBe(points);
    for (const other of [null, 'x', { points: new Float64Array(4) }, { request: 1, coords: new Float64Array(4) }]) expect(readClusterPoints(other)).toBeNull();
  });
});
