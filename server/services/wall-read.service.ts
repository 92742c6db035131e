import type { FileAnswer } from '../../shared/api/route.js';
import type { SessionUser } from '../../shared/auth.js';
import { refusal } from '../../shared/refusal.js';
import type { CameraSummary, DeviceHealth, WallSnapshot } from '../../shared/wall.js';
import { REGISTRY_COLUMNS_VERSION, guardPostsToColumns, registrySliceOf, schoolCamerasKey, schoolsToColumns, type RegistryColumns } from '../../shared/wall-registry.js';
import type { GuardPost, PolicePost, School } from '../../shared/domain/index.js';
import type { CameraHealthService } from './camera-health.service.js';
import type { Clock } from '../clock.js';
import { JsonPieces, JsonText } from './json-text.js';
import { ok, refuse, type Outcome } from './outcome.js';
import type { RegistryService } from './registry.service.js';
import type { SchoolCameraService } from './school-camera.service.js';
import type { SchoolStatusService } from './school-status.service.js';
import { isScoped, outside, schoolAllowed, scopeCovers, scopeFor } from './scope.js';

/** The registry's lists within one scope. */
interface ScopeLists {
  schools: readonly School[];
  policePosts: readonly PolicePost[];
  guardPosts: readonly GuardPost[];
  /** Each school's registered cameras, by id. */
  registeredCameras: ReadonlyMap<string, number>;
  /** `schoolCamerasKey` of the scope's schools. */
  camerasKey: number;
}

/** Scopes whose registry lists are kept at once (the city's, ten districts', a few schools'). */
const REGISTRY_CACHE_SCOPES = 32;
/** Registry answers (a scope whole, or one of its parts) kept at once: the scopes' parts as a wall asks them. */
const REGISTRY_CACHE_ENTRIES = REGISTRY_CACHE_SCOPES * 5;

/** The map, with its oldest entries dropped until there is room for one more. */
function keepAtMost<K, V>(map: Map<K, V>, size: number): Map<K, V> {
  while (map.size >= size) {
    const oldest = map.keys().next();
    if (oldest.done) break;
    map.delete(oldest.value);
  }
  return map;
}

/**
 * What a map wall reads, within the person's scope: the snapshot it draws (`GET /wall`) and a
 * school's devices with their live state (`GET /schools/:id/devices`).
 */
export class WallReads {
  constructor(
    private readonly deps: {
      registry: RegistryService;
      status: SchoolStatusService;
      cameras: CameraHealthService;
      schoolCameras: SchoolCameraService;
      clock: Clock;
    },
  ) {}

  /**
   * Everything a wall draws: the whole city for a city-level person, else their district or school.
   * Without `registry` the lists of schools and posts are empty (the wall has them from `registry()`).
   * As `JsonPieces`: with the registry, a province's snapshot is ≈ 21 MB of JSON, serialised a slice
   * at a time as it is sent.
   */
  snapshot(user: SessionUser, options: { registry: boolean; camerasDown?: boolean } = { registry: true }): JsonPieces<WallSnapshot> {
    const { registry, status, cameras } = this.deps;
    const scope = scopeFor(user, registry);
    const generatedAt = new Date(this.deps.clock.now()).toISOString();
    if (!isScoped(scope)) {
      return snapshotPieces({
        generatedAt,
        schools: options.registry ? registry.schools() : [],
        policePosts: options.registry ? registry.policePosts() : [],
        guardPosts: options.registry ? registry.guardPosts() : [],
        statuses: status.nonNormal(),
        cameras: cameras.summary(),
        ...this.schoolCameras(user, options.camerasDown ?? false),
      });
    }
    // A county-level person's wall: their district; a school user's: their school.
    const schools = registry.schools().filter((s) => scopeCovers(scope, { districtCode: s.districtCode, schoolId: s.id }));
    const ids = new Set(schools.map((s) => s.id));
    const counts: CameraSummary = { total: 0, online: 0, offline: 0, fault: 0 };
    for (const id of ids) {
      for (const device of registry.devices({ schoolId: id, kind: 'camera' })) {
        const state = cameras.state(device.id);
        if (!state) continue;
        counts.total++;
        counts[state]++;
      }
    }
    return snapshotPieces({
      generatedAt,
      schools: options.registry ? schools : [],
      policePosts: options.registry ? registry.policePosts().filter((p) => p.districtCode === scope.districtCode) : [],
      guardPosts: options.registry ? registry.guardPosts().filter((p) => p.schoolIds.some((id) => ids.has(id))) : [],
      statuses: status.nonNormal().filter((s) => ids.has(s.schoolId)),
      cameras: counts,
      ...this.schoolCameras(user, options.camerasDown ?? false),
    });
  }

  /**
   * The scope's schools' cameras online of total: every school's, or (`down`) only those with a
   * camera down or with other cameras than the registry lists, with the key of the registry's
   * cameras they were chosen against. At province scale every school is 50,080 `[id, online,
   * total]` arrays a wall parses and keeps (≈ 0.1 s of its page's thread with the collection);
   * on a normal day a few hundred have a camera down.
   */
  private schoolCameras(user: SessionUser, down: boolean): Pick<WallSnapshot, 'schoolCameras' | 'camerasKey'> {
    const { lists } = this.scopeLists(user);
    const inScope = lists.registeredCameras;
    const all = this.deps.schoolCameras.all();
    if (!down) return { schoolCameras: all.filter(([id]) => inScope.has(id)) };
    return {
      schoolCameras: all.filter(([id, online, total]) => inScope.has(id) && (online < total || total !== inScope.get(id))),
      camerasKey: lists.camerasKey,
    };
  }

  /**
   * The registry of the person's scope, schools in columns (`GET /wall/registry`), whole or one of
   * `slices` parts (by id: `registrySliceOf`). Kept per scope and part, as JSON text, until the
   * registry's version moves: a hundred screens opening at a shift's start ask for the same, and
   * at province scale turning 50,000 schools into columns and JSON holds the event loop for about
   * 0.1 s. Kept as text, any signed-in reader asking again costs a write, not that (the route
   * table sends the text's bytes, ETag and gzip, each made once: http/gzip-json.ts).
   */
  registry(user: SessionUser, part?: { slice: number; slices: number }): JsonText<RegistryColumns> {
    const { scopeKey, lists } = this.scopeLists(user);
    const key = part ? `${scopeKey}/${part.slice}/${part.slices}` : scopeKey;
    const kept = this.registryCache.get(key);
    if (kept) return kept;
    const inPart = <T extends { id: string }>(items: readonly T[]): readonly T[] => (part ? items.filter((item) => registrySliceOf(item.id, part.slices) === part.slice) : items);
    const columns: RegistryColumns = {
      v: REGISTRY_COLUMNS_VERSION,
      schools: schoolsToColumns(inPart(lists.schools), (id) => lists.registeredCameras.get(id) ?? 0),
      policePosts: [...inPart(lists.policePosts)],
      guardPosts: guardPostsToColumns(inPart(lists.guardPosts)),
    };
    const made = new JsonText<RegistryColumns>(JSON.stringify(columns));
    keepAtMost(this.registryCache, REGISTRY_CACHE_ENTRIES).set(key, made);
    return made;
  }

  /**
   * The schools of the person's scope as `[lng, lat]` pairs of float64 (`GET /wall/school-points`),
   * in the order a wall puts them together from `slices` parts of `registry()`: part 0's schools,
   * then part 1's, each part in the registry's order. The school-cluster worker fetches them as the
   * page starts and builds the clusters while the page is still reading the registry's parts (a
   * province's 50,080 schools are 0.8 MB, no parse). Kept per scope and `slices` until the
   * registry's version moves.
   */
  schoolPoints(user: SessionUser, slices: number): FileAnswer {
    const { scopeKey, lists } = this.scopeLists(user);
    const key = `${scopeKey}/${slices}`;
    let bytes = this.pointsCache.get(key);
    if (!bytes) {
      // One pass whatever `slices` (a counting sort): where each part starts, then each school in it.
      const sliceOf = lists.schools.map((school) => registrySliceOf(school.id, slices));
      const next = new Array<number>(slices + 1).fill(0);
      for (const slice of sliceOf) next[slice + 1]! += 1;
      for (let slice = 1; slice <= slices; slice++) next[slice]! += next[slice - 1]!;
      const coords = new Float64Array(lists.schools.length * 2);
      lists.schools.forEach((school, i) => {
        const at = next[sliceOf[i]!]!++;
        coords[2 * at] = school.lng;
        coords[2 * at + 1] = school.lat;
      });
      bytes = new Uint8Array(coords.buffer);
      keepAtMost(this.pointsCache, REGISTRY_CACHE_SCOPES).set(key, bytes);
    }
    return { body: bytes, type: 'application/octet-stream', name: 'school-points.bin', inline: true };
  }

  /** The registry's lists within the person's scope, kept until the registry's version moves (every cache here is then emptied). */
  private scopeLists(user: SessionUser): { scopeKey: string; lists: ScopeLists } {
    const { registry } = this.deps;
    const scope = scopeFor(user, registry);
    const scopeKey = `${scope.districtCode ?? '*'}/${scope.schoolId ?? '*'}`;
    if (this.registryVersion !== registry.version) {
      this.registryCache.clear();
      this.scopeCache.clear();
      this.pointsCache.clear();
      this.registryVersion = registry.version;
    }
    let lists = this.scopeCache.get(scopeKey);
    if (!lists) {
      const schools = isScoped(scope) ? registry.schools().filter((s) => scopeCovers(scope, { districtCode: s.districtCode, schoolId: s.id })) : registry.schools();
      const ids = new Set(schools.map((s) => s.id));
      const registeredCameras = new Map(schools.map((school) => [school.id, registry.devices({ schoolId: school.id, kind: 'camera' }).length]));
      lists = {
        schools,
        policePosts: isScoped(scope) ? registry.policePosts().filter((p) => p.districtCode === scope.districtCode) : registry.policePosts(),
        guardPosts: isScoped(scope) ? registry.guardPosts().filter((p) => p.schoolIds.some((id) => ids.has(id))) : registry.guardPosts(),
        registeredCameras,
        camerasKey: schoolCamerasKey(schools.map((school) => school.id), (i) => registeredCameras.get(schools[i]!.id) ?? 0),
      };
      keepAtMost(this.scopeCache, REGISTRY_CACHE_SCOPES).set(scopeKey, lists);
    }
    return { scopeKey, lists };
  }

  private readonly registryCache = new Map<string, JsonText<RegistryColumns>>();
  private readonly scopeCache = new Map<string, ScopeLists>();
  private readonly pointsCache = new Map<string, Uint8Array>();
  private registryVersion = -1;

  /** A school's devices with their live state (cameras only): 404 for an unknown school, 403 outside the scope. */
  async schoolDevices(schoolId: string, user: SessionUser): Promise<Outcome<{ schoolId: string; devices: DeviceHealth[] }>> {
    const { registry, cameras } = this.deps;
    const school = registry.school(schoolId);
    if (!school) return refuse(404, refusal(`没有编号为 ${schoolId} 的学校`, `no school ${schoolId}`));
    const scope = scopeFor(user, registry);
    if (!schoolAllowed(scope, registry, school.id)) return outside(scope);
    const list = registry.devices({ schoolId: school.id });
    // With REDIS_URL the last keepalive is the shared state's, whichever node heard it (docs/device-state.md).
    const cameraIds = list.filter((d) => d.kind === 'camera').map((d) => d.id);
    const heard = new Map((await cameras.lastHeard(cameraIds)).map((at, i) => [cameraIds[i]!, at]));
    const devices = list.map((device) => ({
      ...device,
      state: device.kind === 'camera' ? (cameras.state(device.id) ?? null) : null,
      retentionDays: device.kind === 'camera' ? cameras.retentionDays(device.id) : null,
      lastSeenAt: device.kind === 'camera' ? isoOrNull(heard.get(device.id) ?? null) : null,
    }));
    return ok({ schoolId: school.id, devices });
  }
}

/** A snapshot as JSON pieces: its lists serialised a slice at a time, in `WallSnapshot`'s field order. */
function snapshotPieces(snapshot: WallSnapshot): JsonPieces<WallSnapshot> {
  return new JsonPieces<WallSnapshot>([
    `{"generatedAt":${JSON.stringify(snapshot.generatedAt)},"schools":[`, snapshot.schools,
    '],"policePosts":[', snapshot.policePosts,
    '],"guardPosts":[', snapshot.guardPosts,
    '],"statuses":[', snapshot.statuses,
    `],"cameras":${JSON.stringify(snapshot.cameras)},"schoolCameras":[`, snapshot.schoolCameras,
    snapshot.camerasKey === undefined ? ']}' : `],"camerasKey":${snapshot.camerasKey}}`,
  ]);
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
