import { DEFAULT_POST_RULES, postStatus, type PostActivity, type PostRules } from '../../shared/rules/guard-post.js';
import type { PostLive } from '../../shared/wall.js';
import { shanghaiParts } from '../../shared/time.js';
import type { Logger } from '../logger.js';
import type { AlarmService } from './alarm.service.js';
import type { Clock } from './clock.js';
import type { ActivityEvent, DomainEvents } from './domain-events.js';
import type { RegistryService } from './registry.service.js';

/** Check-ins older than this are of no use to any window (the earliest window starts a few hours after midnight). */
const KEEP_MS = 36 * 3600_000;

/**
 * 护学岗 live state from check-ins (定点定岗定责定人). Re-evaluated on every check-in and on a
 * timer; a post absent at peak time raises one `post_absent` alarm per duty window.
 */
export class GuardPostService {
  private readonly activity = new Map<string, PostActivity[]>();
  private readonly live = new Map<string, PostLive>();
  private readonly pending = new Map<string, PostLive>();

  constructor(
    private readonly deps: { registry: RegistryService; events: DomainEvents; clock: Clock; alarms: AlarmService; log: Logger; rules?: PostRules },
  ) {
    deps.events.on('activity.stored', (events) => {
      this.add(events);
      void this.evaluate();
    });
  }

  /** Starts from the stored recent activity. */
  init(recent: ActivityEvent[]): void {
    this.add(recent);
  }

  /** Since when stored activity matters (what `init` should be given). */
  keepSince(): string {
    return new Date(this.deps.clock.now() - KEEP_MS).toISOString();
  }

  private add(events: ActivityEvent[]): void {
    for (const event of events) {
      if (event.type === 'patrol.scan') continue;
      const postId = this.deps.registry.device(event.deviceId)?.postId;
      if (!postId) continue;
      const list = this.activity.get(postId) ?? [];
      list.push({ kind: event.type === 'post.checkin' ? 'in' : 'out', at: event.at });
      this.activity.set(postId, list);
    }
  }

  /** Recomputes every post; announces changes and raises an alarm for a post newly absent. */
  async evaluate(): Promise<void> {
    const now = this.deps.clock.now();
    const rules = this.deps.rules ?? DEFAULT_POST_RULES;
    const absentNow: { postId: string; live: PostLive }[] = [];
    for (const post of this.deps.registry.guardPosts()) {
      const list = (this.activity.get(post.id) ?? []).filter((a) => a.at >= now - KEEP_MS);
      this.activity.set(post.id, list);
      const status = postStatus(post, list, now, rules);
      const live: PostLive = {
        postId: post.id,
        state: status.state,
        window: status.window,
        checkedInAt: status.checkedInAt === null ? null : new Date(status.checkedInAt).toISOString(),
        reason: status.reason,
      };
      const previous = this.live.get(post.id);
      if (previous && JSON.stringify(previous) === JSON.stringify(live)) continue;
      this.live.set(post.id, live);
      this.pending.set(post.id, live);
      if (live.state === 'absent' && previous?.state !== 'absent') absentNow.push({ postId: post.id, live });
    }
    for (const { postId, live } of absentNow) await this.raiseAbsent(postId, live, now);
  }

  private async raiseAbsent(postId: string, live: PostLive, now: number): Promise<void> {
    const terminal = this.deps.registry.postTerminal(postId);
    const school = terminal ? this.deps.registry.schoolOfDevice(terminal) : undefined;
    if (!terminal || !school || !live.window) return;
    const key = `system:post_absent:${postId}:${shanghaiParts(now).date}:${live.window.start}`;
    try {
      await this.deps.alarms.raiseOnce(key, {
        type: 'post_absent',
        deviceId: terminal.id,
        school,
        at: new Date(now).toISOString(),
        drill: false,
        note: live.reason.zh,
      });
    } catch (error) {
      this.deps.log.error({ err: error, postId }, 'post_absent alarm not raised');
    }
  }

  list(): PostLive[] {
    return [...this.live.values()];
  }

  /** Posts whose state changed since the last flush. */
  flush(): PostLive[] {
    const changes = [...this.pending.values()];
    this.pending.clear();
    return changes;
  }
}
