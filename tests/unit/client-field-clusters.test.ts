// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { SchoolStatus } from '../../shared/domain/index.js';
import { buildClusterLevels, CLUSTER_MAX_ZOOM, CLUSTER_RADIUS_PX, clusterReplySchema } from '../../client/school-cluster-levels.js';
import { compareClustersForDrawing, SchoolClusterIndex, type SchoolCluster } from '../../client/school-clusters.js';
import { makeSchool } from '../../mocks/factories/dataset.js';

/** Five schools within a few hundred metres in the city centre, one far off in Ruzhou. */
const centre = ['S1', 'S2', 'S3', 'S4', 'S5'].map((id, i) => makeSchool({ id, lat: 33.74 + i * 0.002, lng: 113.3 + i * 0.002 }));
const farAway = makeSchool({ id: 'S9', lat: 34.17, lng: 112.84 });
const CITY_ZOOM = 9.4;
const STREET_ZOOM = 15;

function statuses(entries: Record<string, SchoolStatus>): [string, SchoolStatus][] {
  return Object.entries(entries);
}

describe(SchoolClusterIndex.name, () => {
  const sut = new SchoolClusterIndex([...centre, farAway]);

  it('groups nearby schools at city zoom and leaves a lone school on its own', () => {
    const clusters = sut.clusters(CITY_ZOOM, []);
    expect(clusters).toHaveLength(1);
    expect(clusters[0]?.count).toBe(5);
    expect([...sut.clusteredIds(CITY_ZOOM)].sort()).toEqual(['S1', 'S2', 'S3', 'S4', 'S5']);
    expect(sut.clusteredIds(CITY_ZOOM).has('S9')).toBe(false);
  });

  it('colours an all-normal cluster normal, with every member counted as normal', () => {
    const [cluster] = sut.clusters(CITY_ZOOM, []);
    expect(cluster?.worst).toBe('normal');
    expect(cluster?.counts).toEqual({ alarm: 0, drill: 0, warning: 0, fault: 0, normal: 5 });
    expect(cluster?.flagged).toEqual([]);
  });

  it('takes the colour of its worst member: one alarm among faults and a drill makes it red', () => {
    const [cluster] = sut.clusters(CITY_ZOOM, statuses({ S2: 'fault', S3: 'drill', S4: 'alarm', S5: 'fault' }));
    expect(cluster?.worst).toBe('alarm');
    expect(cluster?.counts).toEqual({ alarm: 1, drill: 1, warning: 0, fault: 2, normal: 1 });
    // Worst first, so the badge and the tooltip lead with the red school.
    expect(cluster?.flagged.map((f) => f.schoolId)).toEqual(['S4', 'S3', 'S2', 'S5']);
  });

  it('ranks drill above fault and fault above normal', () => {
    expect(sut.clusters(CITY_ZOOM, statuses({ S1: 'fault', S2: 'drill' }))[0]?.worst).toBe('drill');
    expect(sut.clusters(CITY_ZOOM, statuses({ S1: 'fault' }))[0]?.worst).toBe('fault');
  });

  it('ignores statuses of schools outside any cluster and of unknown schools', () => {
    const [cluster] = sut.clusters(CITY_ZOOM, statuses({ S9: 'alarm', S404: 'alarm' }));
    expect(cluster?.worst).toBe('normal');
  });

  it('follows a status change without re-clustering: the same cluster turns red, then green again', () => {
    const before = sut.clusters(CITY_ZOOM, [])[0];
    const during = sut.clusters(CITY_ZOOM, statuses({ S1: 'alarm' }))[0];
    const after = sut.clusters(CITY_ZOOM, statuses({ S1: 'normal' }))[0];
    expect(during?.id).toBe(before?.id);
    expect([before?.worst, during?.worst, after?.worst]).toEqual(['normal', 'alarm', 'normal']);
  });

  it('draws every school on its own at street zoom', () => {
    expect(sut.clusters(STREET_ZOOM, statuses({ S1: 'alarm' }))).toEqual([]);
    expect(sut.clusteredIds(STREET_ZOOM).size).toBe(0);
  });

  it('answers membership as a test, and a cluster\'s split zoom past the zoom it is drawn at', () => {
    const clustered = sut.isClustered(CITY_ZOOM);
    expect(['S1', 'S5', 'S9', 'S404'].map(clustered)).toEqual([true, true, false, false]);
    expect(sut.isClustered(STREET_ZOOM)('S1')).toBe(false);
    const [cluster] = sut.clusters(CITY_ZOOM, []);
    expect(sut.expansionZoom(cluster?.id ?? -1)).toBeGreaterThan(Math.floor(CITY_ZOOM));
  });

  it('lists the schools left on their own at a zoom (the dots to draw), in the order given', () => {
    expect(sut.singles(CITY_ZOOM, [...centre, farAway]).map((s) => s.id)).toEqual(['S9']);
    expect(sut.singles(STREET_ZOOM, [...centre, farAway])).toHaveLength(6);
  });

  it('draws from levels built elsewhere (the worker\'s) exactly as from levels built here', () => {
    const points = [...centre, farAway];
    const levels = buildClusterLevels({ coords: new Float64Array(points.flatMap((p) => [p.lng, p.lat])), radius: CLUSTER_RADIUS_PX, maxZoom: CLUSTER_MAX_ZOOM });
    const fromWorker = new SchoolClusterIndex(points, { levels: clusterReplySchema.parse({ request: 1, levels }).levels });
    expect(fromWorker.clusters(CITY_ZOOM, statuses({ S2: 'fault' }))).toEqual(sut.clusters(CITY_ZOOM, statuses({ S2: 'fault' })));
    expect(() => clusterReplySchema.parse({ request: 1, levels: [{ zoom: 0, clusters: [{ id: 'x' }], memberOf: new Int32Array(1) }] })).toThrow();
  });

  it('stacks the worst cluster last, so it is drawn on top, whatever the sizes', () => {
    const bubble = (id: number, worst: SchoolStatus, count: number): SchoolCluster => ({
      id, lat: 0, lng: 0, count, worst, counts: { alarm: 0, drill: 0, warning: 0, fault: 0, normal: count }, flagged: [],
    });
    const drawn = [bubble(1, 'alarm', 2), bubble(2, 'normal', 90), bubble(3, 'fault', 40), bubble(4, 'drill', 5)].sort(compareClustersForDrawing);
    expect(drawn.map((c) => c.worst)).toEqual(['normal', 'fault', 'drill', 'alarm']);
  });
});
