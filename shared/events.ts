import type { Alarm, AlarmState } from './domain/alarm.js';
import type { LocalizedText } from './domain/text.js';
import type { CameraFault, CameraSummary, PostLive, SchoolCameraCount, SchoolStatusChange } from './wall.js';
import type { AlarmCommandEvent, AlarmCommandPayload } from './commands.js';
import type { DrillDetail } from './drill.js';
import type { SessionUser } from './auth.js';
import type { AlarmSnapshotWire } from './snapshot.js';
import type { RiskLevelChange } from './risk.js';
import type { BulkCommand, BulkResult, Shelf, ShelfChange, ShelveCommand, UnshelveCommand } from './console.js';

/**
 * The socket's words when no live session came with the handshake (the `connect_error` message;
 * the screen then shows the sign-in page), and the start of a command's refusal once the session
 * has ended. The HTTP API's 401 says the same (server/http/refusal.ts).
 */
export const NOT_SIGNED_IN = 'not signed in';

/** `alarm` payload: one new or changed alarm with its change number. `seq` only grows, across restarts too. */
export interface AlarmChange {
  seq: number;
  alarm: Alarm;
}

/** A snapshot as a screen's alarm store takes it (decoded from `alarm:snapshot`, shared/snapshot.ts): the alarms a screen needs, as of change `seq`. */
export interface AlarmSnapshot {
  seq: number;
  /** Every open alarm and the most recent closed ones, newest first. */
  alarms: Alarm[];
}

/**
 * Acknowledgement of a command: the changed record, or the reason nothing changed — `error` in
 * English (the public contract), `message` the same reason in both UI languages for a screen.
 */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: string; message?: LocalizedText; code?: RefusalCode; state?: AlarmState };

/**
 * Why a command changed nothing, for a screen to react without parsing words: `not_found`,
 * `not_allowed` (the alarm's state does not allow it; `state` says what it is now), `conflict`
 * (someone else changed it meanwhile), `invalid` (a bad payload or unit), `unidentified` (no
 * operator named), `forbidden` (the signed-in person's role or district/school scope does not
 * allow it), `rate_limited` (the socket sent more commands than its limit: wait a moment), `internal`.
 */
export type RefusalCode = 'not_found' | 'not_allowed' | 'conflict' | 'invalid' | 'unidentified' | 'forbidden' | 'rate_limited' | 'internal';

/** Events the server sends. */
export interface ServerToClientEvents {
  /** Every new alarm and every change of one, in `seq` order, never coalesced. */
  alarm: (change: AlarmChange) => void;
  /**
   * Sent at connect when the screen is new or too far behind to replay: the compact snapshot of
   * the screen's scope as of `seq` (gzip of tuples, client/snapshot.ts `decodeSnapshot`); the
   * changes after `seq` follow as `alarm` events before `alarm:live`.
   */
  'alarm:snapshot': (snapshot: AlarmSnapshotWire) => void;
  /** Sent after the catch-up (replay or snapshot) is complete: from here on the screen is live. */
  'alarm:live': (info: { seq: number; serverTime: string }) => void;
  /** Schools whose live status changed, coalesced (at most a few pushes a second, sent volatile). */
  'school:status': (payload: { changes: SchoolStatusChange[] }) => void;
  /** City-wide camera counts, coalesced with school status. */
  'camera:summary': (summary: CameraSummary) => void;
  /** Schools whose cameras-online count changed, `[schoolId, online, total]`, coalesced. */
  'school:cameras': (payload: { changes: SchoolCameraCount[] }) => void;
  /** Camera fault tickets opened or closed, coalesced. */
  'camera:faults': (payload: { changes: CameraFault[] }) => void;
  /** 护学岗 posts whose live state changed, coalesced. */
  'post:status': (payload: { changes: PostLive[] }) => void;
  /** A drill (应急演练) planned, started, ended, cancelled or ticked, or its drill alarm changed: the whole drill with its alarm. */
  drill: (detail: DrillDetail) => void;
  /** A device shelved (搁置) or taken off the shelf (expired or un-shelved early), to every screen that sees its school. */
  shelf: (change: ShelfChange) => void;
  /** Sent after `alarm:live` at every (re)connect: the shelves in force that the screen may see. */
  'shelf:snapshot': (payload: { shelves: Shelf[] }) => void;
  /**
   * Schools' risk levels changed (issue 15; shared/risk.ts): to every wall, kiosk and console
   * that sees the schools, the changes of one moment together (a province's recomputation can move
   * thousands at once). A school turning red is announced on the wall, not only recoloured.
   */
  'risk:levels': (payload: { changes: RiskLevelChange[] }) => void;
}

type Command<E extends AlarmCommandEvent> = (payload: AlarmCommandPayload<E>, ack: (result: Ack<Alarm>) => void) => void;

/**
 * Commands a screen sends; each answers through the acknowledgement callback with the changed
 * alarm, or `{ ok: false, error }` and no change when the alarm's state does not allow it.
 */
export interface ClientToServerEvents {
  /** new → acknowledged. */
  'alarm:ack': Command<'alarm:ack'>;
  /** → dispatched with a unit (a police post id); acknowledges a new alarm first. */
  'alarm:dispatch': Command<'alarm:dispatch'>;
  /** dispatched → on scene. */
  'alarm:arrive': Command<'alarm:arrive'>;
  /** acknowledged / dispatched / on scene → resolved, with a disposition. */
  'alarm:resolve': Command<'alarm:resolve'>;
  /** Any open state → false alarm, with the reason. */
  'alarm:false': Command<'alarm:false'>;
  /** Any open state → cancelled, with the reason. */
  'alarm:cancel': Command<'alarm:cancel'>;
  /** Records the hand-off to the 110 alarm centre: `sent`, then `acked` by 110. Never for drills. */
  'alarm:handoff': Command<'alarm:handoff'>;
  /**
   * 转为真实警情: turns an open drill alarm into a real one in one step — same id, state and
   * `openedAt`, re-broadcast as `alarm` with `drill: false` (real queue, figures, 110 hand-off).
   */
  'alarm:convert': Command<'alarm:convert'>;
  /**
   * One action (ack, resolve, false_alarm) with one reason on up to 500 P3/P4 alarms; each alarm
   * gets its own transition and audit entry, and its own result (P1/P2 are refused: one by one).
   */
  'alarm:bulk': (payload: BulkCommand, ack: (result: Ack<BulkResult>) => void) => void;
  /** Shelves a device's P3/P4 alarms for a set time (never an SOS or intrusion device). */
  'shelf:add': (payload: ShelveCommand, ack: (result: Ack<Shelf>) => void) => void;
  /** Takes a device off the shelf before its time is up. */
  'shelf:remove': (payload: UnshelveCommand, ack: (result: Ack<Shelf>) => void) => void;
}

/**
 * Handshake `auth`: the last `seq` the screen saw, so the server can replay what it missed. Who
 * is connecting comes from the session cookie, never from the handshake.
 */
export interface HandshakeAuth {
  lastSeq?: number | null;
}

/** Per-connection data kept by the server. */
export interface SocketData {
  lastSeq: number | null;
  /** The signed-in person (from the session cookie at the handshake); commands are recorded under their name. */
  user: SessionUser;
  /** The session's key, so the socket is closed when that session ends (sign-out, revoked link, disabled account). */
  sessionKey: string;
}
