import type { ActivityEvent } from '../db/activity.repository.js';
import type { Logger } from '../logger.js';
import type { CameraStateParts } from './backend.js';

/** Stored items applied per turn of the event loop when a resync replays them. */
const REPLAY_BATCH = 5000;

/**
 * After a resync (RedisCameraState: the stream was trimmed past this node), replays from the
 * database what the trimmed part of the stream announced, {@link REPLAY_BATCH} items a turn of the
 * event loop (at province scale the registry's devices and a day and a half of check-ins and scans
 * are long lists):
 * - the devices (`devices.added`: a channel assigned on another node; the node adds those it lacks);
 * - the open fault tickets and the recently closed ones (`fault.tickets`: the node's screens are
 *   sent them again, and keep each ticket once, by its id);
 * - the recent 护学岗 and patrol activity (`activity.stored`: the services keep each check-in and
 *   scan once, so what the node already holds changes nothing).
 * A database that does not answer is logged: the cameras are rebuilt all the same; a post's live
 * state catches up at its next check-in, a device at the node's next start, a screen's tickets at
 * its next load.
 */
export async function replayStored(parts: Pick<CameraStateParts, 'events' | 'recentActivity' | 'recentTickets' | 'storedDevices'>, log: Logger, node: string): Promise<void> {
  await replay('stored devices', parts.storedDevices, (batch) => parts.events.emit('devices.added', batch), log, node);
  await replay('stored fault tickets', parts.recentTickets, (batch) => parts.events.emit('fault.tickets', batch), log, node);
  await replay('stored 护学岗 and patrol activity', parts.recentActivity, (batch: ActivityEvent[]) => parts.events.emit('activity.stored', batch), log, node);
}

async function replay<T>(what: string, read: (() => Promise<T[]>) | undefined, emit: (batch: T[]) => void, log: Logger, node: string): Promise<void> {
  if (!read) return;
  let stored: T[];
  try {
    stored = await read();
  } catch (error) {
    log.warn({ err: error, node }, `${what} not read after the resync`);
    return;
  }
  for (let from = 0; from < stored.length; from += REPLAY_BATCH) {
    emit(stored.slice(from, from + REPLAY_BATCH));
    await new Promise((resolve) => setImmediate(resolve));
  }
  log.info({ node, events: stored.length }, `${what} replayed after the resync`);
}
