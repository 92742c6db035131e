import Supercluster from 'supercluster';
import { describe, expect, it } from 'vitest';
import { buildClusterLevels, levelsFromTrees, readClusterWorkerRequest } from '../../client/school-cluster-build.js';

describe(readClusterWorkerRequest.name, () => {
  it('reads a request and refuses anything else in words', () => {
    const coords = new Float64Array([113.3, 33.7, 113.31, 33.71]);
    expect(readClusterWorkerRequest({ request: 3, coords, radius: 56, maxZoom: 12, extra: 1 })).toEqual({ request: 3, coords, radius: 56, maxZoom: 12 });
    for (const bad of [null, 'x', { request: 1, coords: [113.3, 33.7], radius: 56, maxZoom: 12 }, { request: 1, coords: new Float64Array(3), radius: 56, maxZoom: 12 }, { coords, radius: 56, maxZoom: 12 }]) {
      expect(() => readClusterWorkerRequest(bad)).toThrow(/a request needs/);
    }
  });
});

/** A seeded scatter: dense towns and lone villages, so clusters merge clusters over several zooms. */
function scatter(seed: number): number[] {
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const coords: number[] = [];
  for (let town = 0; town < 12; town++) {
    const [lng, lat] = [112.5 + random() * 1.5, 33.2 + random() * 1.2];
    for (let i = 0; i < 60; i++) coords.push(lng + (random() - 0.5) * 0.1, lat + (random() - 0.5) * 0.1);
  }
  for (let i = 0; i < 80; i++) coords.push(112.5 + random() * 1.5, 33.2 + random() * 1.2);
  return coords;
}

/** A level as sets, not in its clusters' order: each cluster, and each point's cluster by id. */
function comparable(level: ReturnType<typeof buildClusterLevels>[number]) {
  return {
    clusters: [...level.clusters].sort((a, b) => a.id - b.id).map((c) => ({ ...c, lat: c.lat.toFixed(9), lng: c.lng.toFixed(9) })),
    members: Array.from(level.memberOf, (of) => (of < 0 ? -1 : level.clusters[of]!.id)),
  };
}

describe(buildClusterLevels.name, () => {
  it('reads the same levels from supercluster’s trees as through its public API, for several scatters and radii', () => {
    for (const [seed, radius] of [[17, 56], [99, 40], [4242, 80]] as const) {
      const request = { coords: new Float64Array(scatter(seed)), radius, maxZoom: 12 };
      const fromTrees = buildClusterLevels(request, 'trees');
      const fromFeatures = buildClusterLevels(request, 'features');
      expect(fromTrees.map(comparable)).toEqual(fromFeatures.map(comparable));
      expect(fromTrees.some((level) => level.clusters.length > 3)).toBe(true);
    }
    // Zooms where nothing merges share a tree with the next zoom in: two schools 28 km apart merge
    // only well out, a third stays on its own.
    const sparse = { coords: new Float64Array([113.0, 33.5, 113.3, 33.5, 111.0, 35.0]), radius: 56, maxZoom: 12 };
    const levels = buildClusterLevels(sparse, 'trees');
    expect(levels.map(comparable)).toEqual(buildClusterLevels(sparse, 'features').map(comparable));
    expect(levels.map((level) => level.clusters.length)).toContain(0);
    expect(levels.map((level) => level.clusters.length)).toContain(1);
  });

  it('leaves supercluster’s trees alone when they are not as expected (another version): the public API is used', () => {
    expect(levelsFromTrees({ trees: [] }, 3, 12)).toBeNull();
    expect(levelsFromTrees({ trees: Array.from({ length: 14 }, () => ({ data: new Float64Array(6), numItems: 1 })), stride: 6 }, 1, 12)).toBeNull();
  });

  it('gives every point the cluster supercluster puts it in, and every cluster supercluster’s split zoom, at every zoom (members gathered without copying a child’s)', () => {
    const coords = scatter(17);
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
