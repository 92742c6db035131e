import type { ActivityEvent } from '../db/activity.repository.js';
import type { Logger } from '../logger.js';
import type { CameraStateParts } from './backend.js';

/** Stored activity events applied per turn of the event loop when a resync replays them. */
const REPLAY_BATCH = 5000;

/**
 * After a resync (RedisCameraState: the stream was trimmed past this node), replays the stored
 * recent 护学岗 and patrol activity onto the node's bus, {@link REPLAY_BATCH} events a turn of the
 * event loop (at province scale a day and a half of check-ins and scans is a long list); the
 * services keep each check-in and scan once, so what the node already holds changes nothing.
 * A database that does not answer is logged: the cameras are rebuilt all the same, and a post's
 * live state catches up at its next check-in.
 */
export async function replayActivity(parts: Pick<CameraStateParts, 'events' | 'recentActivity'>, log: Logger, node: string): Promise<void> {
  if (!parts.recentActivity) return;
  let recent: ActivityEvent[];
  try {
    recent = await parts.recentActivity();
  } catch (error) {
    log.warn({ err: error, node }, 'stored 护学岗 and patrol activity not read after the resync');
    return;
  }
  for (let from = 0; from < recent.length; from += REPLAY_BATCH) {
    parts.events.emit('activity.stored', recent.slice(from, from + REPLAY_BATCH));
    await new Promise((resolve) => setImmediate(resolve));
  }
  log.info({ node, events: recent.length }, 'stored 护学岗 and patrol activity replayed after the resync');
}
