import { defineStore } from 'pinia';
import { shallowRef, watch, type WatchStopHandle } from 'vue';
import { DISTRICT_CODES } from '../../shared/domain/index.js';
import type { Drill } from '../../shared/drill.js';
import { useAlarmStore } from './alarms.js';
import { useDrillStore } from './drills.js';
import { preemptsRotation, SceneScheduler, type KioskScene } from './kioskSceneScheduler.js';
import { useKioskTickerStore } from './kioskTicker.js';
import { useSessionStore } from './session.js';

/** How often the scene clock is looked at: scenes change on whole seconds. */
const SCENE_TICK_MS = 1_000;

/**
 * The kiosk's current scene, driven by SceneScheduler on the page clock, and the feed from the
 * alarm store to the ticker and to pre-emption. The playlist waits on its first scene until
 * the screen first goes live (the alarm list is complete): a kiosk that takes long to connect
 * does not tour empty scenes, and the first scene gets its whole interval with data on it.
 * The timer stops while the page is hidden (`pause`) and everything is let go on `stop`.
 */
export const useKioskSceneStore = defineStore('kioskScenes', () => {
  const scene = shallowRef<KioskScene>({ kind: 'overview' });
  let scheduler: SceneScheduler | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  let unsubscribeChanges: (() => void) | null = null;
  let unsubscribeSnapshots: (() => void) | null = null;
  let unsubscribeDrills: (() => void) | null = null;
  /** Until the first `alarm:live`: the playlist holds its first scene. */
  let waitingForLive: WatchStopHandle | null = null;

  function show(next: KioskScene): void {
    // A new object every second would re-render the stage for nothing: replace only on a change.
    if (JSON.stringify(next) !== JSON.stringify(scene.value)) scene.value = next;
  }

  function tick(): void {
    if (scheduler) show(scheduler.tick());
  }

  /** Starts the rotation and listens to the alarm store (the socket's changes reach it in seq order). */
  function start(options: { intervalMs: number; alarmPinMs?: number }): void {
    stop();
    // A viewer link scoped to one district tours that district only (the server sends it nothing else).
    const own = useSessionStore().user?.districtCode ?? null;
    const districts = own ? DISTRICT_CODES.filter((code) => code === own) : DISTRICT_CODES;
    const created = new SceneScheduler({ districts, ...options, now: () => Date.now() });
    scheduler = created;
    const alarms = useAlarmStore();
    const ticker = useKioskTickerStore();
    ticker.reset(alarms.openAlarms);
    unsubscribeChanges = alarms.onChange(({ alarm }) => {
      ticker.record(alarm);
      // A change replayed after a reconnect pins only while the pin would still be running.
      const age = Date.now() - Date.parse(alarm.receivedAt);
      if (preemptsRotation(alarm) && age < created.alarmPinMs && created.pinAlarm(alarm)) tick();
    });
    unsubscribeSnapshots = alarms.onSnapshot(() => ticker.reset([...alarms.openAlarms, ...alarms.closed]));
    // A drill started or ended (the socket's `drill` event reaches the drill store): pin or release its school.
    unsubscribeDrills = useDrillStore().onDetail((detail) => followDrill(detail.drill));
    show(created.current());
    if (alarms.live) resume();
    else {
      waitingForLive = watch(
        () => alarms.live,
        (live) => {
          if (!live) return;
          stopWaiting();
          created.restart();
          resume();
        },
        { flush: 'sync' },
      );
    }
    void syncDrills();
  }

  function followDrill(drill: Pick<Drill, 'id' | 'schoolId' | 'state'>): void {
    if (drill.state === 'running') pinDrill({ drillId: drill.id, schoolId: drill.schoolId });
    else endDrill(drill.id);
  }

  /**
   * Drill events are not replayed after a disconnect: read the list again (at start and after a
   * reconnect) and pin the school of a drill still running, or release one that ended meanwhile.
   */
  async function syncDrills(): Promise<void> {
    const drills = useDrillStore();
    await drills.loadList();
    if (!scheduler) return;
    const running = drills.list.filter((drill) => drill.state === 'running');
    const pinned = scheduler.current();
    if (pinned.kind === 'drill' && !running.some((drill) => drill.id === pinned.drillId)) endDrill(pinned.drillId);
    const latest = running.sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''))[0];
    if (latest) followDrill(latest);
  }

  /** The page is hidden: nothing moves until it is visible again. */
  function pause(): void {
    if (timer) clearInterval(timer);
    timer = null;
  }

  /** Visible again, or live at last: the playlist runs (not before the screen first went live). */
  function resume(): void {
    if (!scheduler || timer || waitingForLive) return;
    tick();
    timer = setInterval(tick, SCENE_TICK_MS);
  }

  /** A drill running at a school: the map stays on it until endDrill. */
  function pinDrill(drill: { drillId: string; schoolId: string }): void {
    scheduler?.pinDrill(drill);
    tick();
  }

  function endDrill(drillId: string): void {
    scheduler?.endDrill(drillId);
    tick();
  }

  function stopWaiting(): void {
    waitingForLive?.();
    waitingForLive = null;
  }

  function stop(): void {
    pause();
    stopWaiting();
    unsubscribeChanges?.();
    unsubscribeChanges = null;
    unsubscribeSnapshots?.();
    unsubscribeSnapshots = null;
    unsubscribeDrills?.();
    unsubscribeDrills = null;
    scheduler = null;
  }

  return { scene, start, stop, pause, resume, pinDrill, endDrill, syncDrills };
});
