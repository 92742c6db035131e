import Supercluster from 'supercluster';
import { describe, expect, it } from 'vitest';
import { buildClusterLevels, readClusterWorkerRequest } from '../../client/school-cluster-build.js';

describe(readClusterWorkerRequest.name, () => {
  it('reads a request and refuses anything else in words', () => {
    const coords = new Float64Array([113.3, 33.7, 113.31, 33.71]);
    expect(readClusterWorkerRequest({ request: 3, coords, radius: 56, maxZoom: 12, extra: 1 })).toEqual({ request: 3, coords, radius: 56, maxZoom: 12 });
    for (const bad of [null, 'x', { request: 1, coords: [113.3, 33.7], radius: 56, maxZoom: 12 }, { request: 1, coords: new Float64Array(3), radius: 56, maxZoom: 12 }, { coords, radius: 56, maxZoom: 12 }]) {
      expect(() => readClusterWorkerRequest(bad)).toThrow(/a request needs/);
    }
  });
});

describe(buildClusterLevels.name, () => {
  it('gives every point the cluster supercluster puts it in, and every cluster supercluster’s split zoom, at every zoom (members gathered without copying a child’s)', () => {
    // A seeded scatter: dense towns and lone villages, so clusters merge clusters over several zooms.
    let seed = 17;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const coords: number[] = [];
    for (let town = 0; town < 12; town++) {
      const [lng, lat] = [112.5 + random() * 1.5, 33.2 + random() * 1.2];
      for (let i = 0; i < 60; i++) coords.push(lng + (random() - 0.5) * 0.1, lat + (random() - 0.5) * 0.1);
    }
    for (let i = 0; i < 80; i++) coords.push(112.5 + random() * 1.5, 33.2 + random() * 1.2);
    const levels = buildClusterLevels({ coords: new Float64Array(coords), radius: 56, maxZoom: 12 });
    const reference = new Supercluster({ radius: 56, maxZoom: 12, extent: 256 });
    reference.load(Array.from({ length: coords.length / 2 }, (_, i) => ({ type: 'Feature' as const, geometry: { type: 'Point' as const, coordinates: [coords[2 * i]!, coords[2 * i + 1]!] }, properties: { i } })));
    let merged = 0;
    for (const level of levels) {
      for (const [clusterIndex, cluster] of level.clusters.entries()) {
        const leaves = reference.getLeaves(cluster.id, Number.POSITIVE_INFINITY).map((leaf) => (leaf.properties as { i: number }).i).sort((a, b) => a - b);
        const members = [...level.memberOf.entries()].filter(([, of]) => of === clusterIndex).map(([i]) => i);
        expect(members).toEqual(leaves);
        expect(cluster.count).toBe(leaves.length);
        expect(cluster.expansionZoom, `cluster ${cluster.id} at zoom ${level.zoom}`).toBe(reference.getClusterExpansionZoom(cluster.id));
        if (leaves.length > 60) merged += 1;
      }
    }
    expect(merged).toBeGreaterThan(0);
  });
});
