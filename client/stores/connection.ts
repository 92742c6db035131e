import { defineStore } from 'pinia';
import { ref } from 'vue';
import { createWallSocket, type WallSocket } from '../socket.js';
import { useAlarmStore } from './alarms.js';
import { useWallStore } from './wall.js';

/** Wait before reconnecting after the server itself closed the socket (a restart, a kick). */
const SERVER_CLOSE_RETRY_MS = 3_000;

/**
 * `connecting`: never connected yet; `syncing`: connected, catching up on missed alarms;
 * `live`: caught up and current; `disconnected`: lost, retrying — the data on screen is stale.
 */
export type ConnectionStatus = 'connecting' | 'syncing' | 'live' | 'disconnected';

/**
 * The screen's link to the server: owns the one socket and routes its events to the alarm and
 * wall stores. `staleSince` is when the data on screen stopped being current.
 */
export const useConnectionStore = defineStore('connection', () => {
  const status = ref<ConnectionStatus>('connecting');
  const staleSince = ref<number | null>(null);
  const reconnectAttempt = ref(0);
  let socket: WallSocket | null = null;
  let connectedBefore = false;

  function start(): void {
    if (socket) return;
    const alarms = useAlarmStore();
    const wall = useWallStore();
    void wall.load();
    void wall.loadConfig().catch(() => undefined);

    socket = createWallSocket(() => ({ lastSeq: alarms.lastSeq }));
    socket.on('connect', () => {
      status.value = 'syncing';
      reconnectAttempt.value = 0;
      // After a reconnect, or when the first load failed because the server was not up yet.
      if (connectedBefore || wall.loadState === 'error') void reload();
      connectedBefore = true;
    });
    socket.on('alarm', (change) => alarms.applyChange(change));
    socket.on('alarm:snapshot', (snapshot) => alarms.applySnapshot(snapshot));
    socket.on('alarm:live', ({ seq }) => {
      alarms.markLive(seq);
      status.value = 'live';
      staleSince.value = null;
    });
    socket.on('school:status', ({ changes }) => wall.applyStatusChanges(changes));
    socket.on('camera:summary', (summary) => wall.applyCameraSummary(summary));
    socket.on('disconnect', (reason) => {
      markLost();
      // Socket.IO retries by itself except when the server closed the socket: a wall still must.
      if (reason === 'io server disconnect') setTimeout(() => socket?.connect(), SERVER_CLOSE_RETRY_MS);
    });
    socket.on('connect_error', () => markLost());
    socket.io.on('reconnect_attempt', (attempt) => {
      reconnectAttempt.value = attempt;
    });
    socket.connect();
  }

  function markLost(): void {
    useAlarmStore().markNotLive();
    status.value = 'disconnected';
    staleSince.value ??= Date.now();
  }

  /** Statuses pushed while away are not replayed: reload them; reload the page on a new build. */
  async function reload(): Promise<void> {
    const wall = useWallStore();
    const before = wall.config?.buildId;
    await wall.load();
    const current = await wall.loadConfig().catch(() => null);
    if (before && current && current.buildId !== before) window.location.reload();
  }

  function stop(): void {
    socket?.disconnect();
    socket?.removeAllListeners();
    socket = null;
    connectedBefore = false;
  }

  return { status, staleSince, reconnectAttempt, start, stop };
});
