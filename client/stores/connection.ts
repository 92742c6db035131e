import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Alarm } from '../../shared/domain/index.js';
import type { AlarmCommandEvent, AlarmCommandPayload } from '../../shared/commands.js';
import { NOT_SIGNED_IN, type Ack, type AlarmChange, type ClientToServerEvents } from '../../shared/events.js';
import type { LocalizedText } from '../../shared/domain/index.js';
import { nextTask } from '../reactive-bulk.js';
import { decodeSnapshot } from '../snapshot.js';
import { isLocalizedText } from '../refusal-text.js';
import { createWallSocket, type WallSocket } from '../socket.js';
import { useAlarmStore } from './alarms.js';
import { useDrillStore } from './drills.js';
import { useFieldStore } from './field.js';
import { useSessionStore } from './session.js';
import { useRiskStore } from './risk.js';
import { useShelfStore } from './shelves.js';
import { useWallStore } from './wall.js';

/** Wait before reconnecting after the server itself closed the socket (a restart, a kick). */
const SERVER_CLOSE_RETRY_MS = 3_000;
/** How long a command may wait for the server's answer before the console says so. */
export const COMMAND_TIMEOUT_MS = 8_000;
/**
 * A change arriving within this long of the previous one is applied with it: an alarm storm
 * renders a few dozen times a second instead of once per alarm, and a lone alarm is not delayed.
 */
export const APPLY_WINDOW_MS = 40;
/** Entries kept in the connection log (newest first). */
export const CONNECTION_LOG_KEPT = 30;

/**
 * `connecting`: never connected yet; `syncing`: connected, catching up on missed alarms;
 * `live`: caught up and current; `disconnected`: lost, retrying — the data on screen is stale.
 */
export type ConnectionStatus = 'connecting' | 'syncing' | 'live' | 'disconnected';

/** A time the screen was not current: from the moment the link dropped to the end of the catch-up. */
export interface StalePeriod {
  from: number;
  to: number;
  /** Alarm changes replayed during the catch-up. */
  changes: number;
  /** The server sent a fresh snapshot instead of a replay (too far behind). */
  snapshot: boolean;
}

/** One line of the connection log. */
export type ConnectionLogEntry =
  | { kind: 'live'; at: number }
  | { kind: 'lost'; at: number }
  | { kind: 'recovered'; at: number; period: StalePeriod };

/** A command's outcome: the changed alarm, the server's refusal with its reason, or no answer. */
export type CommandOutcome =
  | { ok: true; alarm: Alarm }
  | { ok: false; reason: 'refused'; error: string; message: LocalizedText | null }
  | { ok: false; reason: 'offline' | 'timeout' };

/** The console's volume commands (bulk, shelving), answered with their own data rather than one alarm. */
export type ConsoleCommandEvent = 'alarm:bulk' | 'shelf:add' | 'shelf:remove';
/** A volume command's payload. */
export type ConsoleCommandPayload<E extends ConsoleCommandEvent> = Parameters<ClientToServerEvents[E]>[0];
/** What a volume command's acknowledgement carries when it succeeded. */
export type ConsoleCommandData<E extends ConsoleCommandEvent> = Extract<Parameters<Parameters<ClientToServerEvents[E]>[1]>[0], { ok: true }>['data'];
/** A volume command's outcome: the server's data, its refusal (with the words in both languages), or no answer. */
export type RequestOutcome<T> =
  | { ok: true; data: T }
  | { ok: false; reason: 'refused'; error: string; message?: LocalizedText }
  | { ok: false; reason: 'offline' | 'timeout' };

/** The code in a handshake refusal's `data` when the session already has as many screens open as it may (XIAOAN_SOCKETS_PER_SESSION). */
export const TOO_MANY_SOCKETS = 'too_many_sockets';
/** Wait before trying again after that refusal: another window of the session may close meanwhile. */
export const TOO_MANY_SOCKETS_RETRY_MS = 30_000;

/**
 * The screen's link to the server: owns the one socket, routes its events to the alarm, wall
 * and field stores, sends operator commands, and keeps a log of when the screen was stale. The
 * server authenticates the socket from the session cookie: start it only once signed in.
 */
export const useConnectionStore = defineStore('connection', () => {
  const status = ref<ConnectionStatus>('connecting');
  const staleSince = ref<number | null>(null);
  const reconnectAttempt = ref(0);
  /** The latest stale period, for the console's "data interrupted … caught up" notice. */
  const lastStalePeriod = ref<StalePeriod | null>(null);
  const log = ref<ConnectionLogEntry[]>([]);
  /** The server's refusal of the handshake in both languages (too many screens for one session), until a connect succeeds. */
  const refusal = ref<LocalizedText | null>(null);
  let socket: WallSocket | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  /**
   * The alarm events (`alarm`, `alarm:snapshot`, `alarm:live`) are handled strictly in the order
   * they came. A snapshot is decoded asynchronously (gunzip); what arrives meanwhile waits behind
   * it. Without a decode under way every step runs at once, as it arrives.
   */
  let ordered: Promise<void> | null = null;
  let connectedBefore = false;
  /** Whether this screen loads the wall's data beside the alarm feed (see start()). */
  let withWall = true;
  let catchUp = { changes: 0, snapshot: false };
  let buffered: AlarmChange[] = [];
  let windowTimer: ReturnType<typeof setTimeout> | null = null;

  function apply(change: AlarmChange): void {
    if (useAlarmStore().applyChange(change) && status.value === 'syncing') catchUp.changes += 1;
  }

  /** Applies what waited in the window, in order; anything that reads the alarms or the seq calls this first. */
  function flushBuffered(): void {
    const batch = buffered;
    buffered = [];
    batch.forEach(apply);
  }

  function receive(change: AlarmChange): void {
    if (windowTimer) {
      buffered.push(change);
      return;
    }
    apply(change);
    windowTimer = setTimeout(closeWindow, APPLY_WINDOW_MS);
  }

  function closeWindow(): void {
    windowTimer = null;
    if (buffered.length === 0) return;
    flushBuffered();
    windowTimer = setTimeout(closeWindow, APPLY_WINDOW_MS);
  }

  function inOrder(step: () => void | Promise<void>): void {
    const settle = (work: Promise<void>) => {
      const tail = work.catch(stepFailed);
      ordered = tail;
      void tail.then(() => {
        if (ordered === tail) ordered = null;
      });
    };
    if (ordered) {
      settle(ordered.then(step));
      return;
    }
    try {
      const result = step();
      if (result) settle(result);
    } catch (error) {
      stepFailed(error);
    }
  }

  /** A snapshot that cannot be read: start again from a clean connection rather than paint half a picture. */
  function stepFailed(error: unknown): void {
    console.error('[xiaoan] alarm catch-up could not be applied; reconnecting', error);
    socket?.disconnect();
    socket?.connect();
  }

  function addLog(entry: ConnectionLogEntry): void {
    log.value = [entry, ...log.value].slice(0, CONNECTION_LOG_KEPT);
  }

  /**
   * Opens the link. `wall`: this person's screens show the city (wall, console, desk), so the
   * wall's and the field machinery's data load with it; a unit's phone (/m) has the alarm feed only.
   */
  function start(options: { wall: boolean } = { wall: true }): void {
    if (socket) return;
    withWall = options.wall;
    const alarms = useAlarmStore();
    const wall = useWallStore();
    const field = useFieldStore();
    if (withWall) {
      void wall.load();
      void field.load();
      void wall.loadConfig().catch(() => undefined);
    }

    socket = createWallSocket(() => {
      flushBuffered();
      return { lastSeq: alarms.lastSeq };
    });
    socket.on('connect', () => {
      status.value = 'syncing';
      refusal.value = null;
      reconnectAttempt.value = 0;
      catchUp = { changes: 0, snapshot: false };
      // After a reconnect, or when the first load failed because the server was not up yet.
      if (withWall && (connectedBefore || wall.loadState === 'error')) void reload();
      connectedBefore = true;
    });
    socket.on('alarm', (change) => inOrder(() => receive(change)));
    socket.on('alarm:snapshot', (wire) =>
      inOrder(async () => {
        const snapshot = await decodeSnapshot(wire);
        // Taken in a task of its own: a province's thousands of open alarms cost ≈ 40 ms to parse
        // and as much again to show; one task for both held the console over 100 ms. Alarms that
        // come meanwhile wait their turn (inOrder).
        await nextTask();
        flushBuffered();
        alarms.applySnapshot(snapshot);
        wall.applyStatusSnapshot(snapshot.statuses);
        catchUp.snapshot = true;
      }),
    );
    socket.on('alarm:live', ({ seq }) => inOrder(() => goLive(seq)));
    function goLive(seq: number): void {
      flushBuffered();
      alarms.markLive(seq);
      status.value = 'live';
      const now = Date.now();
      if (staleSince.value !== null) {
        const period: StalePeriod = { from: staleSince.value, to: now, ...catchUp };
        lastStalePeriod.value = period;
        addLog({ kind: 'recovered', at: now, period });
      } else if (!log.value.some((entry) => entry.kind === 'live')) {
        addLog({ kind: 'live', at: now });
      }
      staleSince.value = null;
    }
    socket.on('school:status', ({ changes }) => wall.applyStatusChanges(changes));
    socket.on('camera:summary', (summary) => wall.applyCameraSummary(summary));
    socket.on('school:cameras', ({ changes }) => field.applySchoolCameras(changes));
    socket.on('camera:faults', ({ changes }) => field.applyFaultChanges(changes));
    socket.on('post:status', ({ changes }) => field.applyPostChanges(changes));
    socket.on('drill', (detail) => useDrillStore().applyDetail(detail));
    socket.on('shelf', (change) => useShelfStore().applyChange(change));
    socket.on('shelf:snapshot', ({ shelves }) => useShelfStore().applySnapshot(shelves));
    socket.on('risk:levels', ({ changes }) => useRiskStore().applyLevels(changes));
    socket.on('disconnect', (reason) => {
      // Only this store closes the socket on purpose (stop()): not a lost link.
      if (reason === 'io client disconnect') return;
      markLost();
      // Socket.IO retries by itself except when the server closed the socket: a wall still must.
      if (reason === 'io server disconnect') setTimeout(() => socket?.connect(), SERVER_CLOSE_RETRY_MS);
    });
    socket.on('connect_error', (error) => {
      markLost();
      // Too many screens open with this sign-in: say so (both languages), and try again later.
      const data = (error as Error & { data?: { code?: unknown; message?: unknown } }).data;
      if (data?.code === TOO_MANY_SOCKETS) {
        refusal.value = isLocalizedText(data.message) ? data.message : null;
        if (retryTimer) clearTimeout(retryTimer);
        retryTimer = setTimeout(() => {
          retryTimer = null;
          socket?.connect();
        }, TOO_MANY_SOCKETS_RETRY_MS);
        return;
      }
      // The session ended (signed out elsewhere, expired, a revoked kiosk link): retrying cannot help.
      if (error.message === NOT_SIGNED_IN) {
        stop();
        useSessionStore().expired();
      }
    });
    socket.io.on('reconnect_attempt', (attempt) => {
      reconnectAttempt.value = attempt;
    });
    socket.connect();
  }

  /** The data on screen stops being current now (unless it already had). */
  function markLost(): void {
    flushBuffered();
    useAlarmStore().markNotLive();
    status.value = 'disconnected';
    if (staleSince.value === null && connectedBefore) addLog({ kind: 'lost', at: Date.now() });
    staleSince.value ??= Date.now();
  }

  /** Statuses pushed while away are not replayed: reload them; reload the page on a new build. */
  async function reload(): Promise<void> {
    const wall = useWallStore();
    const before = wall.config?.buildId;
    void useFieldStore().load();
    await wall.load();
    const current = await wall.loadConfig().catch(() => null);
    if (before && current && current.buildId !== before) window.location.reload();
  }

  /**
   * Sends an operator command and waits for the server's answer. Refused at once while the
   * link is down: a command buffered now and delivered minutes later would act on old news.
   */
  async function command<E extends AlarmCommandEvent>(event: E, payload: AlarmCommandPayload<E>): Promise<CommandOutcome> {
    if (!socket?.connected) return { ok: false, reason: 'offline' };
    const timed = socket.timeout(COMMAND_TIMEOUT_MS);
    // The typed map cannot pick one command's signature from a union of event names: cast once here.
    const emitWithAck = timed.emitWithAck as (event: E, payload: AlarmCommandPayload<E>) => Promise<Ack<Alarm>>;
    try {
      const answer = await emitWithAck.call(timed, event, payload);
      return answer.ok ? { ok: true, alarm: answer.data } : { ok: false, reason: 'refused', error: answer.error, message: answer.message ?? null };
    } catch {
      return { ok: false, reason: 'timeout' };
    }
  }

  /** Sends a volume command (bulk, shelving) and waits for the answer; refused at once while the link is down. */
  async function request<E extends ConsoleCommandEvent>(event: E, payload: ConsoleCommandPayload<E>, timeoutMs = COMMAND_TIMEOUT_MS): Promise<RequestOutcome<ConsoleCommandData<E>>> {
    if (!socket?.connected) return { ok: false, reason: 'offline' };
    const timed = socket.timeout(timeoutMs);
    // As in command(): the typed map cannot pick one signature from a union of event names.
    const emitWithAck = timed.emitWithAck as (event: E, payload: ConsoleCommandPayload<E>) => Promise<Ack<ConsoleCommandData<E>>>;
    try {
      const answer = await emitWithAck.call(timed, event, payload);
      if (answer.ok) return { ok: true, data: answer.data };
      return { ok: false, reason: 'refused', error: answer.error, ...(answer.message ? { message: answer.message } : {}) };
    } catch {
      return { ok: false, reason: 'timeout' };
    }
  }

  function stop(): void {
    flushBuffered();
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    if (windowTimer) clearTimeout(windowTimer);
    windowTimer = null;
    // Listeners first: closing the socket on purpose is not a lost link.
    socket?.removeAllListeners();
    socket?.disconnect();
    socket = null;
    connectedBefore = false;
  }

  return { status, staleSince, reconnectAttempt, lastStalePeriod, log, refusal, start, stop, command, request };
});
