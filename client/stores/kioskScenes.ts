import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import { DISTRICT_CODES } from '../../shared/domain/index.js';
import { useAlarmStore } from './alarms.js';
import { preemptsRotation, SceneScheduler, type KioskScene } from './kioskSceneScheduler.js';
import { useKioskTickerStore } from './kioskTicker.js';

/** How often the scene clock is looked at: scenes change on whole seconds. */
const SCENE_TICK_MS = 1_000;

/**
 * The kiosk's current scene, driven by SceneScheduler on the page clock, and the feed from the
 * alarm store to the ticker and to pre-emption. The timer stops while the page is hidden
 * (`pause`) and everything is let go on `stop`.
 */
export const useKioskSceneStore = defineStore('kioskScenes', () => {
  const scene = shallowRef<KioskScene>({ kind: 'overview' });
  let scheduler: SceneScheduler | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  let unsubscribe: (() => void) | null = null;

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
    const created = new SceneScheduler({ districts: DISTRICT_CODES, ...options, now: () => Date.now() });
    scheduler = created;
    const alarms = useAlarmStore();
    const ticker = useKioskTickerStore();
    ticker.reset(alarms.openAlarms);
    unsubscribe = alarms.$onAction(({ name, args, after }) => {
      if (name === 'applyChange') {
        const [change] = args as Parameters<typeof alarms.applyChange>;
        after((applied) => {
          if (!applied) return;
          ticker.record(change.alarm);
          // A change replayed after a reconnect pins only while the pin would still be running.
          const age = Date.now() - Date.parse(change.alarm.receivedAt);
          if (preemptsRotation(change.alarm) && age < created.alarmPinMs && created.pinAlarm(change.alarm)) tick();
        });
      } else if (name === 'applySnapshot') {
        after(() => ticker.reset([...alarms.openAlarms, ...alarms.closed]));
      }
    });
    show(created.current());
    resume();
  }

  /** The page is hidden: nothing moves until it is visible again. */
  function pause(): void {
    if (timer) clearInterval(timer);
    timer = null;
  }

  function resume(): void {
    if (!scheduler || timer) return;
    tick();
    timer = setInterval(tick, SCENE_TICK_MS);
  }

  /** A drill started at a school: the map stays on it until endDrill (DRILL's store calls through the kiosk view). */
  function pinDrill(drill: { drillId: string; schoolId: string }): void {
    scheduler?.pinDrill(drill);
    tick();
  }

  function endDrill(drillId: string): void {
    scheduler?.endDrill(drillId);
    tick();
  }

  function stop(): void {
    pause();
    unsubscribe?.();
    unsubscribe = null;
    scheduler = null;
  }

  return { scene, start, stop, pause, resume, pinDrill, endDrill };
});
