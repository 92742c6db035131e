import type { Alarm } from './domain/alarm.js';
import type { CameraSummary, SchoolStatusChange } from './wall.js';

/** `alarm` payload: one new or changed alarm with its change number. `seq` only grows, across restarts too. */
export interface AlarmChange {
  seq: number;
  alarm: Alarm;
}

/** `alarm:snapshot` payload: the alarms a screen needs, as of change `seq`. */
export interface AlarmSnapshot {
  seq: number;
  /** Every open alarm and the most recent closed ones, newest first. */
  alarms: Alarm[];
}

/** Acknowledgement of a command: the changed record, or the reason nothing changed. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: string };

/** Events the server sends. */
export interface ServerToClientEvents {
  /** Every new alarm and every change of one, in `seq` order, never coalesced. */
  alarm: (change: AlarmChange) => void;
  /** Sent at connect when the screen is new or too far behind to replay. */
  'alarm:snapshot': (snapshot: AlarmSnapshot) => void;
  /** Sent after the catch-up (replay or snapshot) is complete: from here on the screen is live. */
  'alarm:live': (info: { seq: number }) => void;
  /** Schools whose live status changed, coalesced (at most a few pushes a second, sent volatile). */
  'school:status': (payload: { changes: SchoolStatusChange[] }) => void;
  /** City-wide camera counts, coalesced with school status. */
  'camera:summary': (summary: CameraSummary) => void;
}

/** Commands a screen sends; each answers through the acknowledgement callback. */
export interface ClientToServerEvents {
  'alarm:ack': (payload: { id: string }, ack: (result: Ack<Alarm>) => void) => void;
  'alarm:dispatch': (payload: { id: string; unitId: string }, ack: (result: Ack<Alarm>) => void) => void;
  'alarm:arrive': (payload: { id: string }, ack: (result: Ack<Alarm>) => void) => void;
  'alarm:resolve': (
    payload: { id: string; disposition: string; note?: string },
    ack: (result: Ack<Alarm>) => void,
  ) => void;
}

/** Handshake `auth`: the last `seq` the screen saw, so the server can replay what it missed. */
export interface HandshakeAuth {
  lastSeq?: number | null;
}

/** Per-connection data kept by the server. */
export interface SocketData {
  lastSeq: number | null;
}
