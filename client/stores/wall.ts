import { defineStore } from 'pinia';
import { computed, ref, shallowReactive, shallowRef, watch } from 'vue';
import type { FeatureCollection } from 'geojson';
import type { GuardPost, PolicePost, School, SchoolStatus } from '../../shared/domain/index.js';
import type { CameraSummary, ClientConfig, SchoolStatusChange } from '../../shared/wall.js';
import { REGISTRY_SLICES, guardPostsFromColumns, schoolCamerasKey, schoolsFromColumns, type RegistryColumns } from '../../shared/wall-registry.js';
import { getJson, getRoute } from '../api.js';
import { i18n } from '../i18n/index.js';
import { nextTask, replaceEntries } from '../reactive-bulk.js';
import { DISTRICTS_GEOJSON_URL } from '../geo.js';
import { useFieldStore } from './field.js';

/** The statuses to keep of a snapshot and the changes after it (in order: the last word wins), normal ones left out. */
function nonNormalEntries(changes: readonly SchoolStatusChange[]): Map<string, SchoolStatus> {
  const kept = new Map<string, SchoolStatus>();
  for (const { schoolId, status } of changes) {
    if (status === 'normal') kept.delete(schoolId);
    else kept.set(schoolId, status);
  }
  return kept;
}

/** The registry put together from its parts, each read in a task of its own as it arrives (in the parts' order). */
async function registryFromParts(partsAsked: readonly Promise<RegistryColumns>[]): Promise<RegistryRead> {
  const schools: School[] = [];
  const schoolById = new Map<string, School>();
  const policePosts: PolicePost[] = [];
  const guardPosts: GuardPost[] = [];
  const cameraTotals = new Map<string, number>();
  let camerasKey = 0;
  for (const asked of partsAsked) {
    const part = await asked;
    performance.mark('xiaoan:registry-part');
    await nextTask();
    for (const school of schoolsFromColumns(part.schools)) {
      schools.push(school);
      schoolById.set(school.id, school);
    }
    part.schools.id.forEach((id, i) => cameraTotals.set(id, part.schools.cameras[i] ?? 0));
    // The key is a sum: the parts' keys add up to the whole's.
    camerasKey = (camerasKey + schoolCamerasKey(part.schools.id, (i) => part.schools.cameras[i] ?? 0)) >>> 0;
    policePosts.push(...part.policePosts);
    guardPosts.push(...guardPostsFromColumns(part.guardPosts));
  }
  await nextTask();
  return { schools, schoolById, policePosts, guardPosts, cameraTotals, camerasKey };
}

/** The registry as the wall keeps it, with each school's registered cameras and their key. */
interface RegistryRead {
  schools: School[];
  schoolById: Map<string, School>;
  policePosts: PolicePost[];
  guardPosts: GuardPost[];
  cameraTotals: Map<string, number>;
  camerasKey: number;
}

/** Whether the registry has been loaded yet. */
export type WallLoadState = 'idle' | 'loading' | 'ready' | 'error';

/**
 * What the wall draws: the registry (schools, police posts, 护学岗 posts) from
 * `GET /api/v1/wall/registry` once, and live school statuses and cameras from
 * `GET /api/v1/wall?registry=omit` at every (re)load and then `school:status` pushes.
 */
export const useWallStore = defineStore('wall', () => {
  const schools = shallowRef<School[]>([]);
  const policePosts = shallowRef<PolicePost[]>([]);
  const guardPosts = shallowRef<GuardPost[]>([]);
  /** Only non-normal schools are stored; a school not in here is normal. */
  const statuses = shallowReactive(new Map<string, SchoolStatus>());
  const cameras = ref<CameraSummary | null>(null);
  const config = ref<ClientConfig | null>(null);
  /** The offline base map: the ten district polygons (feature id = GB/T 2260 code). */
  const districtShapes = shallowRef<FeatureCollection | null>(null);
  const loadState = ref<WallLoadState>('idle');
  const loadError = ref<string | null>(null);
  /** Each school's 护学岗, made once per registry: a school card's lookup, not a filter of a province's 12,818 posts per selection. */
  const guardPostsBySchool = computed(() => {
    const bySchool = new Map<string, GuardPost[]>();
    for (const post of guardPosts.value) {
      for (const schoolId of post.schoolIds) {
        const list = bySchool.get(schoolId);
        if (!list) bySchool.set(schoolId, [post]);
        else if (list.at(-1) !== post) list.push(post);
      }
    }
    return bySchool;
  });
  // Made in a task of its own once a registry is in, not inside the first selection's task (a
  // province's console: ≈ 37 ms on top of the auto-selected alarm's detail and map flight).
  watch(guardPosts, () => void nextTask().then(() => guardPostsBySchool.value));
  /** The 护学岗 that guard a school, in the registry's order; none for an unknown school. */
  function guardPostsOf(schoolId: string | null | undefined): readonly GuardPost[] {
    return (schoolId ? guardPostsBySchool.value.get(schoolId) : undefined) ?? [];
  }
  /** Pushes that arrive while a snapshot is on its way are applied after it, not lost under it. */
  let pendingChanges: SchoolStatusChange[] | null = null;
  let loadGeneration = 0;

  /** The index a load built part by part beside the list it set (at province scale one build in one task is ≈ 60 ms). */
  let indexed: { list: School[]; byId: Map<string, School> } | null = null;
  // A loop, not `new Map(schools.map(…))`: at province scale the pairs are 50,000 arrays of garbage.
  const schoolById = computed(() => {
    if (indexed?.list === schools.value) return indexed.byId;
    const byId = new Map<string, School>();
    for (const school of schools.value) byId.set(school.id, school);
    return byId;
  });
  const statusCounts = computed(() => {
    const counts: Record<SchoolStatus, number> = { alarm: 0, drill: 0, warning: 0, fault: 0, normal: 0 };
    for (const status of statuses.values()) counts[status] += 1;
    counts.normal = Math.max(0, schools.value.length - counts.alarm - counts.drill - counts.warning - counts.fault);
    return counts;
  });

  /**
   * A school's name for a person to read, never its id: while the registry is on its way (it is a
   * request of its own, beside a screen's list), a placeholder; when it failed to load, that the
   * name is unavailable (until a reload brings it); a school the registry does not hold, "not registered".
   */
  function schoolName(schoolId: string): string {
    const school = schoolById.value.get(schoolId);
    if (school) return school.name;
    if (schools.value.length > 0) return i18n.global.t('school.unregistered');
    return i18n.global.t(loadState.value === 'error' ? 'school.nameUnavailable' : 'school.nameLoading');
  }

  function statusOf(schoolId: string): SchoolStatus {
    return statuses.get(schoolId) ?? 'normal';
  }

  function setStatus(change: SchoolStatusChange): void {
    if (change.status === 'normal') statuses.delete(change.schoolId);
    else statuses.set(change.schoolId, change.status);
  }

  function applyStatusChanges(changes: SchoolStatusChange[]): void {
    if (pendingChanges) pendingChanges.push(...changes);
    else changes.forEach(setStatus);
  }

  /**
   * The statuses a compact snapshot carried (every school not listed is normal). A load of
   * `GET /api/v1/wall` on its way brings them too, no older: then the load's are kept.
   */
  function applyStatusSnapshot(nonNormal: readonly SchoolStatusChange[]): void {
    if (pendingChanges) return;
    replaceEntries(statuses, nonNormalEntries(nonNormal));
  }

  function applyCameraSummary(summary: CameraSummary): void {
    cameras.value = summary;
  }

  /**
   * Loads the wall. The registry is replaced only on the first load (a changed registry comes
   * with a new build, which reloads the page); statuses and cameras are replaced every time,
   * because the pushes missed while disconnected are not replayed.
   */
  async function load(): Promise<void> {
    const firstLoad = schools.value.length === 0;
    if (firstLoad) loadState.value = 'loading';
    // A reconnect can start a load while another is on its way: only the latest one applies.
    const generation = ++loadGeneration;
    const pending: SchoolStatusChange[] = [];
    pendingChanges = pending;
    const latest = (): boolean => generation === loadGeneration;
    const field = useFieldStore();
    field.holdSchoolCameras();
    try {
      // The registry (in columns: a province's 50,000 schools parse several times faster) only
      // until it is here, in REGISTRY_SLICES parts asked at once: each part's JSON is parsed in a
      // task of its own (the whole registry in one was a long task of 100–500 ms at province
      // scale). Every load brings the live part (statuses, cameras).
      const needRegistry = schools.value.length === 0;
      // Only the schools with a camera down: the others have every registered camera online.
      const snapshotAsked = getRoute('wall.snapshot', { query: { registry: 'omit', cameras: 'down' } });
      const partsAsked = needRegistry ? Array.from({ length: REGISTRY_SLICES }, (_, slice) => getRoute('wall.registry', { query: { slice, slices: REGISTRY_SLICES } })) : [];
      // Every request's failure is handled here, whichever is read first below.
      Promise.all([snapshotAsked, ...partsAsked]).catch(() => undefined);
      if (needRegistry) {
        const parts = await registryFromParts(partsAsked);
        if (schools.value.length === 0) {
          // The schools first (the clusters' build starts from them), then each kind of post in a
          // task of its own: every layer's watchers in one task held the page ≈ 0.3 s. Finished
          // even when a newer load has started: that one does not read the registry.
          indexed = { list: parts.schools, byId: parts.schoolById };
          field.setCameraTotals(parts.cameraTotals, parts.camerasKey);
          schools.value = parts.schools;
          performance.mark('xiaoan:schools-set');
          await nextTask();
          policePosts.value = parts.policePosts;
          await nextTask();
          guardPosts.value = parts.guardPosts;
          await nextTask();
        }
      }
      const snapshot = await snapshotAsked;
      if (!latest()) return;
      replaceEntries(statuses, nonNormalEntries([...snapshot.statuses, ...pending]));
      // From here a push applies at once. The statuses' readers (clusters, dots, counts) run now,
      // the cameras' in a task of their own.
      pendingChanges = null;
      await nextTask();
      if (!latest()) return;
      cameras.value = snapshot.cameras;
      // A camera registered since this wall read its registry: its key differs, so every school's
      // cameras are asked for (rare: a registry change otherwise comes with a new build).
      const schoolCameras = snapshot.camerasKey === field.camerasKey ? snapshot.schoolCameras : (await getRoute('wall.snapshot', { query: { registry: 'omit' } })).schoolCameras;
      if (!latest()) return;
      field.replaceSchoolCameras(schoolCameras);
      loadState.value = 'ready';
      loadError.value = null;
    } catch (error) {
      if (!latest()) return;
      if (firstLoad) loadState.value = 'error';
      loadError.value = error instanceof Error ? error.message : String(error);
      pending.forEach(setStatus);
      field.releaseSchoolCameras();
    } finally {
      if (latest()) pendingChanges = null;
    }
  }

  /** Reads the client configuration (tile URL, build id); returns it so a caller can compare builds. */
  async function loadConfig(): Promise<ClientConfig> {
    const loaded = await getRoute('wall.clientConfig', {});
    config.value ??= loaded;
    return loaded;
  }

  /** Loads the district polygons once; retried by the next caller after a failure. */
  async function loadDistrictShapes(): Promise<void> {
    districtShapes.value ??= await getJson<FeatureCollection>(DISTRICTS_GEOJSON_URL);
  }

  return {
    schools, policePosts, guardPosts, statuses, cameras, config, districtShapes, loadState, loadError,
    schoolById, schoolName, guardPostsOf, statusCounts, statusOf, applyStatusChanges, applyStatusSnapshot, applyCameraSummary, load, loadConfig, loadDistrictShapes,
  };
});
