import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import type { SessionUser } from '../../shared/auth.js';
import { answerOf, fetchRoute } from '../api.js';
import { headStartAfterSignIn } from '../cluster-worker-start.js';
import { useSessionStore } from './session.js';

/** While the link is refused, the screen asks again this often (an administrator may issue it again). */
export const REVOKED_RETRY_MS = 60_000;
/** When the server cannot be reached or answers with an error, it is asked again sooner. */
export const UNREACHABLE_RETRY_MS = 10_000;

/**
 * `signing-in`: the link key is being exchanged; `signed-in`: a viewer session is set;
 * `revoked`: the server refused the key (revoked, unknown, or no key at all);
 * `unreachable`: no answer yet — the screen keeps its last picture and tries again.
 */
export type KioskSessionState = 'signing-in' | 'signed-in' | 'revoked' | 'unreachable';

/** The answer's status: what it means for the screen. */
export function sessionStateForStatus(status: number): KioskSessionState {
  if (status >= 200 && status < 300) return 'signed-in';
  if (status === 400 || status === 401 || status === 403) return 'revoked';
  return 'unreachable';
}

/**
 * The kiosk signs itself in with its viewer link key (`POST /api/v1/auth/kiosk { key }` sets a
 * viewer session cookie) and hands the person to the page's session store (App.vue then opens
 * the socket). It does so again whenever the session is gone — expired after months of running,
 * or ended by revoking the link (the server closes the socket; its next handshake is refused) —
 * and, refused, shows the revoked screen and asks again every minute.
 */
export const useKioskSessionStore = defineStore('kioskSession', () => {
  const state = ref<KioskSessionState>('signing-in');
  const user = ref<SessionUser | null>(null);
  const session = useSessionStore();
  const checkedAt = ref<number | null>(null);
  let key = '';
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let inFlight: Promise<KioskSessionState> | null = null;

  function schedule(ms: number): void {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void signIn();
    }, ms);
  }

  async function exchange(): Promise<KioskSessionState> {
    if (!key) return 'revoked';
    try {
      const response = await fetchRoute('auth.kiosk', { body: { key } });
      const next = sessionStateForStatus(response.status);
      if (next === 'signed-in') {
        const answer = await answerOf('auth.kiosk', response);
        if (!answer?.user) return 'unreachable';
        user.value = answer.user;
        // Before the screen asks for its data: the cluster worker's points, refused at the boot.
        headStartAfterSignIn();
        session.adopt(answer.user);
      }
      return next;
    } catch {
      return 'unreachable';
    }
  }

  /** Exchanges the key now; retries by itself while refused or unreachable. */
  async function signIn(): Promise<KioskSessionState> {
    inFlight ??= exchange().finally(() => {
      inFlight = null;
    });
    const next = await inFlight;
    checkedAt.value = Date.now();
    // Unreachable after having been signed in: keep showing the last picture, not an error screen.
    if (!(next === 'unreachable' && state.value === 'signed-in')) state.value = next;
    if (next === 'revoked') schedule(REVOKED_RETRY_MS);
    else if (next === 'unreachable') schedule(UNREACHABLE_RETRY_MS);
    return next;
  }

  /** Starts with the link's key (from `?key=`). */
  function start(linkKey: string): Promise<KioskSessionState> {
    key = linkKey;
    state.value = 'signing-in';
    return signIn();
  }

  // The session ended under the page (a 401 anywhere, or the socket's handshake refused): exchange the key again.
  watch(
    () => session.state,
    (now) => {
      if (key && (now === 'expired' || now === 'signed-out') && state.value === 'signed-in') void signIn();
    },
  );

  function stop(): void {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
  }

  return { state, user, checkedAt, start, stop };
});
