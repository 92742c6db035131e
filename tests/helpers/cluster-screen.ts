import { io as connect } from 'socket.io-client';
import type { AlarmChange } from '../../shared/events.js';
import type { TestSocket } from './server.js';

/**
 * A screen as a browser keeps it (issue 17 failover): a real socket.io-client that reconnects on
 * its own through the balancer and asks each time for what came after the last `seq` it holds.
 */
export interface FailoverScreen {
  socket: TestSocket;
  /** The node HAProxy's cookie put it on at sign-in. */
  node: string | null;
  /** Every `alarm` change, in arrival order. */
  changes: AlarmChange[];
  /** The seq of each snapshot received (the first connection gets one). */
  snapshotSeqs: number[];
  /** `alarm:live` received: one per (re)connection whose catch-up is over. */
  lives: number;
  /** The most cameras a `camera:summary` push said were offline. */
  maxOffline: number;
  lastSeq(): number | null;
}

export function connectFailoverScreen(url: string, cookie: string, node: string | null): FailoverScreen {
  let seen: number | null = null;
  const socket: TestSocket = connect(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: true,
    reconnectionDelay: 100,
    reconnectionDelayMax: 1000,
    // Asked again at every reconnection: the catch-up starts after the last seq this screen holds.
    auth: (send) => send({ lastSeq: seen }),
    extraHeaders: { cookie },
  });
  const screen: FailoverScreen = { socket, node, changes: [], snapshotSeqs: [], lives: 0, maxOffline: 0, lastSeq: () => seen };
  socket.on('alarm', (change) => {
    screen.changes.push(change);
    seen = Math.max(seen ?? 0, change.seq);
  });
  socket.on('alarm:snapshot', (snapshot) => {
    screen.snapshotSeqs.push(snapshot.seq);
    seen = snapshot.seq;
  });
  socket.on('alarm:live', () => void screen.lives++);
  socket.on('camera:summary', (summary) => void (screen.maxOffline = Math.max(screen.maxOffline, summary.offline)));
  return screen;
}

/** What a screen got, measured against the stored change log. */
export interface DeliveryCount {
  lost: number;
  duplicated: number;
  outOfOrder: number;
  /** The first few seqs lost, for the failure message. */
  lostSeqs: number[];
}

/**
 * Counts against `stored` (every seq in alarm_changes, ascending): the seqs after the screen's
 * snapshot that it never received, those received more than once, and arrivals not above the one
 * before. A later snapshot (a catch-up too long to replay) covers what came before its seq.
 */
export function countDelivery(screen: FailoverScreen, stored: readonly number[]): DeliveryCount {
  const covered = Math.max(0, ...screen.snapshotSeqs);
  const received = screen.changes.map((change) => change.seq);
  const unique = new Set(received);
  let outOfOrder = 0;
  for (let i = 1; i < received.length; i++) if (received[i]! <= received[i - 1]!) outOfOrder++;
  const lostSeqs = stored.filter((seq) => seq > covered && !unique.has(seq));
  return { lost: lostSeqs.length, duplicated: received.length - unique.size, outOfOrder, lostSeqs: lostSeqs.slice(0, 10) };
}
