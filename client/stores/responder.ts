import { defineStore } from 'pinia';
import { computed, ref, shallowReactive, shallowRef, watch } from 'vue';
import type { ResponderUnit } from '../../shared/api/responder.js';
import type { Alarm } from '../../shared/domain/index.js';
import type { FieldAction, FieldStepInput } from '../../shared/responder.js';
import { failureWords, getRoute, HttpError, routeLink, sendRoute } from '../api.js';
import { photoShelf } from '../photo-shelf.js';
import { keepRead } from '../pwa.js';
import type { RefusalLike } from '../refusal-text.js';
import { unitAlarms, type UnitAlarm } from '../responder-alarms.js';
import { uploadWaitingPhotos, type PhotoUpload } from '../responder-photo-queue.js';
import { uploadPhoto } from '../responder-photos.js';
import { enqueue, flushQueue, newRequestId, outcomeKind, parseQueue, serializeQueue, type QueuedStep, type SendOutcome } from '../responder-queue.js';
import { useAlarmStore } from './alarms.js';
import { useConnectionStore } from './connection.js';
import { usePhonePositionStore } from './phonePosition.js';
import { useSessionStore } from './session.js';

/** While steps wait, try sending them this often (besides on reconnect and when the browser is back online). */
export const RETRY_MS = 15_000;

/** A step the server refused: what it was and why, until the person has read it. */
export interface StepRefusal {
  key: string;
  alarmId: string;
  action: FieldAction;
  words: RefusalLike;
}

/** A step as the page takes it: the queue adds its `requestId` and `at`. */
export type StepBody = FieldStepInput extends infer Step ? (Step extends unknown ? Omit<Step, 'requestId' | 'at'> : never) : never;

/** What a step's button reports back: sent or queued, or not taken (the queue is full). */
export type TakeOutcome = 'queued' | 'full';

function storageKey(username: string): string {
  return `xiaoan.responder.queue.${username}`;
}

/**
 * The dispatched unit's phone (/m): its alarms (the server's list with each school, then the
 * alarm feed of the socket, scoped to the unit by the server), and the steps the person takes —
 * each queued on the phone (localStorage) with its time and id, sent in order at once or when
 * the connection is back; a step the server refuses is dropped and its reason shown.
 */
export const useResponderStore = defineStore('responder', () => {
  const session = useSessionStore();
  const live = useAlarmStore();
  const connection = useConnectionStore();
  const position = usePhonePositionStore();

  const unit = shallowRef<ResponderUnit | null>(null);
  const listed = shallowRef<UnitAlarm[]>([]);
  const loadState = ref<'idle' | 'loading' | 'ready' | 'error'>('idle');
  const loadError = shallowRef<RefusalLike | null>(null);
  /** The server's answers to this phone's own steps (they may come before the socket's change). */
  const answered = shallowReactive(new Map<string, Alarm>());
  const queue = ref<QueuedStep[]>([]);
  const refusals = ref<StepRefusal[]>([]);
  const sending = ref(false);
  /** The browser says it has no network (the socket may take its ping timeout to notice). */
  const browserOffline = ref(false);
  /** Whether the phone is cut off: steps wait in the queue. */
  const offline = computed(() => browserOffline.value || connection.status === 'disconnected');
  let retryTimer: ReturnType<typeof setInterval> | null = null;

  const view = computed(() => {
    const unitId = unit.value?.id ?? session.user?.unitId ?? null;
    if (!unitId) return { alarms: [] as UnitAlarm[], missingSchools: false };
    return unitAlarms(unitId, listed.value, live.open.values(), live.closed.values(), answered.values());
  });
  const alarms = computed(() => view.value.alarms);

  async function load(): Promise<void> {
    loadState.value = loadState.value === 'ready' ? 'ready' : 'loading';
    try {
      const answer = await getRoute('responder.alarms', {});
      // The offline copy of this read and of who is signed in (client/pwa.ts).
      void keepRead(routeLink('responder.alarms', {}), answer);
      if (session.user) void keepRead(routeLink('auth.me', {}), { user: session.user });
      unit.value = answer.unit;
      listed.value = answer.alarms.map(({ alarm, school }) => ({ alarm, school }));
      loadState.value = 'ready';
      loadError.value = null;
    } catch (error) {
      // Offline with a list already on screen: keep it; the banner says the link is down.
      if (loadState.value !== 'ready') loadState.value = 'error';
      if (!(error instanceof HttpError && error.status === 0)) loadError.value = failureWords(error);
    }
  }

  // A dispatch the list did not have: read the list again for its school (debounced by the in-flight load).
  let reloading: Promise<void> | null = null;
  watch(
    () => view.value.missingSchools,
    (missing) => {
      if (!missing || reloading) return;
      reloading = load().finally(() => (reloading = null));
    },
  );

  function persist(): void {
    const username = session.user?.username;
    if (!username) return;
    try {
      if (queue.value.length) localStorage.setItem(storageKey(username), serializeQueue(queue.value));
      else localStorage.removeItem(storageKey(username));
    } catch {
      // Storage full or blocked: the queue still lives in memory while the page is open.
    }
  }

  function restore(): void {
    const username = session.user?.username;
    if (!username) return;
    try {
      queue.value = parseQueue(localStorage.getItem(storageKey(username)));
    } catch {
      queue.value = [];
    }
  }

  /** One of a queued report's photos, up to the server: stored, refused for good, or not now. */
  async function uploadQueued(alarmId: string, photo: Blob): Promise<PhotoUpload> {
    const result = await uploadPhoto(alarmId, photo);
    if (result.ok) return { kind: 'stored', id: result.photo.id };
    return outcomeKind(result.status) === 'refused' ? { kind: 'refused' } : { kind: 'later' };
  }

  async function send(entry: QueuedStep): Promise<SendOutcome> {
    try {
      // A report taken offline: its photos go up first, from the phone's shelf, then the report with their ids.
      if (entry.photoKeys?.length) {
        const photos = await uploadWaitingPhotos(entry, { shelf: photoShelf, upload: uploadQueued, saved: persist });
        if (photos.state === 'later') return { kind: 'later' };
      }
      const result = await sendRoute('responder.step', { params: { id: entry.alarmId }, body: entry.step });
      if (result.ok) return { kind: 'sent', alarm: result.data.alarm };
      if (outcomeKind(result.status) === 'refused') return { kind: 'refused', status: result.status, error: result.error, message: result.message };
      return { kind: 'later' };
    } catch {
      return { kind: 'later' };
    }
  }

  /** Sends what waits, in order; a second call while sending is folded into the running one. */
  async function flush(): Promise<void> {
    if (sending.value || queue.value.length === 0) return;
    sending.value = true;
    let waiting: boolean;
    try {
      const { remaining, reports } = await flushQueue(queue.value, send);
      waiting = remaining.length > 0;
      // Steps taken while this flush ran were appended behind the ones it tried: keep them.
      queue.value = [...remaining, ...queue.value.slice(reports.length + remaining.length)];
      for (const { entry, outcome } of reports) {
        if (outcome.kind === 'sent') answered.set(outcome.alarm.id, outcome.alarm);
        if (outcome.kind === 'refused') {
          refusals.value = [...refusals.value, { key: entry.step.requestId, alarmId: entry.alarmId, action: entry.step.action, words: { error: outcome.error, message: outcome.message } }];
        }
      }
      persist();
    } finally {
      sending.value = false;
    }
    // Taken while that flush ran, and nothing ahead of them waits: send them now.
    if (!waiting && queue.value.length > 0) void flush();
  }

  /** Takes a step (its time is `at`, now by default; a report's photos kept offline by their shelf keys): into the queue, then sent at once when the link allows. */
  function take(alarmId: string, step: StepBody, at = new Date().toISOString(), photoKeys: readonly string[] = []): TakeOutcome {
    const entry: QueuedStep = { alarmId, step: { ...step, requestId: newRequestId(), at } as FieldStepInput, ...(photoKeys.length ? { photoKeys: [...photoKeys] } : {}) };
    const result = enqueue(queue.value, entry);
    if (!result.ok) return 'full';
    queue.value = result.queue;
    persist();
    void flush();
    return 'queued';
  }

  /** 到场, timed when tapped: with a fresh position when the phone gives one in time, without (and the page says so) otherwise. */
  async function arrive(alarmId: string): Promise<{ outcome: TakeOutcome; withPosition: boolean }> {
    const at = new Date().toISOString();
    const fix = await position.current();
    return { outcome: take(alarmId, { action: 'arrive', ...(fix ? { position: fix } : {}) }, at), withPosition: fix !== null };
  }

  function dismissRefusal(key: string): void {
    refusals.value = refusals.value.filter((refusal) => refusal.key !== key);
  }

  const onlineAgain = () => {
    browserOffline.value = false;
    void flush();
  };
  const wentOffline = () => (browserOffline.value = true);

  /** The page opened: the list, the queue left from last time, and the triggers that send it. */
  function start(): void {
    restore();
    void load();
    void flush();
    browserOffline.value = navigator.onLine === false;
    window.addEventListener('online', onlineAgain);
    window.addEventListener('offline', wentOffline);
    retryTimer ??= setInterval(() => void flush(), RETRY_MS);
  }

  function stop(): void {
    window.removeEventListener('online', onlineAgain);
    window.removeEventListener('offline', wentOffline);
    if (retryTimer) clearInterval(retryTimer);
    retryTimer = null;
  }

  // Back on the socket: catch up on the list (schools of dispatches made meanwhile) and send what waited.
  watch(
    () => connection.status,
    (status, previous) => {
      if (status !== 'live' || previous === 'live') return;
      void load();
      void flush();
    },
  );

  return { unit, alarms, loadState, loadError, queue, refusals, sending, offline, load, take, arrive, flush, dismissRefusal, start, stop };
});
