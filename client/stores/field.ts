import { defineStore } from 'pinia';
import { computed, ref, shallowReactive, shallowRef } from 'vue';
import { postsDue } from '../../shared/figures.js';
import { postStatusFromColumns } from '../../shared/post-status-columns.js';
import { POST_STATES, type PostState } from '../../shared/rules/guard-post.js';
import type { CameraFault, PostLive, SchoolCameraCount } from '../../shared/wall.js';
import { getRoute } from '../api.js';
import { replaceEntries } from '../reactive-bulk.js';
import { districtCameraRates } from '../camera-rates.js';
import { useWallStore } from './wall.js';

/** Closed fault tickets kept on screen, newest first (the server keeps them all). */
export const CLOSED_FAULTS_KEPT = 100;
/** Open tickets asked for at load: far more than a city ever has open at once. */
const OPEN_FAULTS_LIMIT = 5_000;

/**
 * Pushes that arrive while a list is on its way are applied after it, not lost under it. Only
 * the latest of overlapping loads applies (a reconnect can start one while another is out).
 */
function heldWhileLoading<T>(apply: (changes: T[]) => void) {
  let held: T[][] | null = null;
  let generation = 0;
  return {
    push(changes: T[]): void {
      if (held) held.push(changes);
      else apply(changes);
    },
    /** Starts holding pushes; returns whether a given load is still the latest. */
    hold(): () => boolean {
      held ??= [];
      const mine = ++generation;
      return () => mine === generation;
    },
    release(): void {
      const pending = held ?? [];
      held = null;
      pending.forEach(apply);
    },
  };
}

/** Tickets by deadline (by time, whatever the text's form), the nearest (or the longest overdue) first; ties by id. */
export function faultsByDeadline(faults: Iterable<CameraFault>): CameraFault[] {
  return [...faults]
    .map((fault) => ({ fault, at: Date.parse(fault.deadlineAt) }))
    .sort((a, b) => a.at - b.at || a.fault.id - b.fault.id)
    .map(({ fault }) => fault);
}

/** How many tickets of a `faultsByDeadline` list are past their deadline at `now` (a binary search). */
export function countOverdue(byDeadline: readonly CameraFault[], now: number): number {
  let [low, high] = [0, byDeadline.length];
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (Date.parse(byDeadline[middle]!.deadlineAt) < now) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The machinery in the field, live: every school's cameras online (`school:cameras`), camera
 * fault tickets (`camera:faults`) and 护学岗 post states (`post:status`). The server does not
 * replay these pushes: after a reconnect the lists are loaded again.
 */
export const useFieldStore = defineStore('field', () => {
  /**
   * The schools whose cameras the server listed or pushed (at load, those with a camera down); a
   * school not here has its registered cameras all online (`cameraTotals`). Read through `camerasOf`.
   */
  const schoolCameras = shallowReactive(new Map<string, SchoolCameraCount>());
  /** Each school's registered cameras, from the wall's registry, and their `schoolCamerasKey`. */
  const cameraTotals = shallowRef<ReadonlyMap<string, number>>(new Map());
  const camerasKey = ref<number | null>(null);
  const openFaults = shallowReactive(new Map<number, CameraFault>());
  const closedFaults = shallowRef<CameraFault[]>([]);
  const posts = shallowReactive(new Map<string, PostLive>());
  const faultsLoaded = ref(false);
  const loadError = ref<string | null>(null);

  /** Open tickets, the nearest deadline (or the longest overdue) first. */
  const openFaultList = computed(() => faultsByDeadline(openFaults.values()));
  const cameraRates = computed(() => districtCameraRates(useWallStore().schools, schoolCameras, cameraTotals.value));

  /** Open tickets past their deadline at `now`: asked every second, so it searches the sorted list instead of reading it all. */
  function overdueCount(now: number): number {
    return countOverdue(openFaultList.value, now);
  }

  /** A school's cameras online of total: as listed or pushed, else its registered cameras all online; undefined for a school not known. */
  function camerasOf(schoolId: string): SchoolCameraCount | undefined {
    const listed = schoolCameras.get(schoolId);
    if (listed) return listed;
    const total = cameraTotals.value.get(schoolId);
    return total === undefined ? undefined : [schoolId, total, total];
  }

  /** The registry's cameras per school (once, with the wall's registry). */
  function setCameraTotals(totals: ReadonlyMap<string, number>, key: number): void {
    cameraTotals.value = totals;
    camerasKey.value = key;
  }
  const postCounts = computed(() => {
    const counts = Object.fromEntries(POST_STATES.map((state) => [state, 0])) as Record<PostState, number>;
    for (const post of posts.values()) counts[post.state] += 1;
    return counts;
  });
  /**
   * The 护学岗 figure every screen shows: of the posts due now, on duty, 迟到 (checked in after the
   * start), awaiting (待签到: not in yet, still within the grace) and 缺岗 — one split, one set of words.
   */
  const postFigure = computed(() => {
    const counts = postCounts.value;
    let awaiting = 0;
    for (const post of posts.values()) if (post.state === 'late' && post.checkedInAt === null) awaiting += 1;
    const due = postsDue(counts);
    return { peak: due > 0, due, onDuty: counts.on_duty, late: counts.late - awaiting, awaiting, absent: counts.absent };
  });

  const cameraPushes = heldWhileLoading<SchoolCameraCount>((changes) => {
    for (const count of changes) schoolCameras.set(count[0], count);
  });
  const faultPushes = heldWhileLoading<CameraFault>((changes) => changes.forEach(placeFault));
  const postPushes = heldWhileLoading<PostLive>((changes) => {
    for (const post of changes) posts.set(post.postId, post);
  });

  function placeFault(fault: CameraFault): void {
    if (fault.closedAt === null) {
      openFaults.set(fault.id, fault);
      return;
    }
    openFaults.delete(fault.id);
    const kept = closedFaults.value.filter((closed) => closed.id !== fault.id);
    closedFaults.value = [fault, ...kept].sort((a, b) => (b.closedAt ?? '').localeCompare(a.closedAt ?? '')).slice(0, CLOSED_FAULTS_KEPT);
  }

  /**
   * The wall store loads `GET /api/v1/wall` (and applies only the latest of overlapping loads):
   * its `schoolCameras` land here, with the pushes that came in meanwhile applied after them.
   */
  function holdSchoolCameras(): void {
    cameraPushes.hold();
  }
  function replaceSchoolCameras(snapshot: SchoolCameraCount[]): void {
    replaceEntries(schoolCameras, snapshot.map((count) => [count[0], count] as const));
    cameraPushes.release();
  }

  async function loadFaults(): Promise<void> {
    const latest = faultPushes.hold();
    try {
      const [open, closed] = await Promise.all([
        getRoute('field.faults', { query: { state: 'open', limit: OPEN_FAULTS_LIMIT } }),
        getRoute('field.faults', { query: { state: 'closed', limit: CLOSED_FAULTS_KEPT } }),
      ]);
      if (!latest()) return;
      openFaults.clear();
      closedFaults.value = [];
      [...closed.faults].reverse().forEach(placeFault);
      open.faults.forEach(placeFault);
      faultsLoaded.value = true;
    } finally {
      if (latest()) faultPushes.release();
    }
  }

  async function loadPosts(): Promise<void> {
    const latest = postPushes.hold();
    try {
      // In columns: a province's 12,818 posts as objects were 3 MB of JSON for the page to decode.
      const answer = await getRoute('field.postStatusColumns', {});
      if (!latest()) return;
      replaceEntries(posts, postStatusFromColumns(answer).map((post) => [post.postId, post] as const));
    } finally {
      if (latest()) postPushes.release();
    }
  }

  /** Loads (or after a reconnect, reloads) the fault tickets and post states. */
  async function load(): Promise<void> {
    const results = await Promise.allSettled([loadFaults(), loadPosts()]);
    const failed = results.find((result) => result.status === 'rejected');
    loadError.value = failed ? String(failed.reason instanceof Error ? failed.reason.message : failed.reason) : null;
  }

  return {
    camerasKey, camerasOf, setCameraTotals,
    schoolCameras, openFaults, closedFaults, posts, faultsLoaded, loadError,
    openFaultList, overdueCount, cameraRates, postCounts, postFigure,
    applySchoolCameras: cameraPushes.push, applyFaultChanges: faultPushes.push, applyPostChanges: postPushes.push,
    holdSchoolCameras, replaceSchoolCameras, releaseSchoolCameras: cameraPushes.release, load,
  };
});
