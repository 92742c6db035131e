import type { Alarm, GuardPost } from '../../shared/domain/index.js';
import { DEFAULT_POST_RULES, postDay, postStatus, type PostActivity, type PostRules, type PostStatus } from '../../shared/rules/guard-post.js';
import { isOpenState } from '../../shared/domain/index.js';
import type { PostLive, PostWindowFigures } from '../../shared/wall.js';
import { minutesOf, shanghaiParts } from '../../shared/time.js';
import type { Logger } from '../logger.js';
import type { AlarmService } from './alarm.service.js';
import type { Clock } from '../clock.js';
import type { ActivityEvent } from '../db/activity.repository.js';
import type { DomainEvents } from './domain-events.js';
import type { RegistryService } from './registry.service.js';

/** Check-ins older than this are of no use to any window (the earliest window starts a few hours after midnight). */
const KEEP_MS = 36 * 3600_000;

/** "HH:MM" in Asia/Shanghai of an instant. */
function localClock(ms: number): string {
  const minute = shanghaiParts(ms).minuteOfDay;
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

interface GuardPostDeps {
  registry: RegistryService;
  events: DomainEvents;
  clock: Clock;
  alarms: AlarmService;
  log: Logger;
  rules?: PostRules;
  /**
   * After a start, absences are not raised for this long (ms) unless {@link GuardPostService.arm}
   * is called first: devices and gateways re-send the check-ins they made while the server was down.
   */
  settleMs?: number;
  /**
   * Whether this node raises and closes `post_absent` (REDIS_URL: the sweep lease's holder only;
   * every node still keeps every post's live state for its screens). Always, by default.
   */
  mayRaise?: () => boolean;
}

/**
 * 护学岗 live state from check-ins (定点定岗定责定人). Re-evaluated on every check-in and on a
 * timer. A post with no check-in by the end of the grace raises one `post_absent` alarm per duty
 * window (the key is kept in the event log, so never again after a restart); the alarm closes
 * itself with a system step when the post checks in during that window.
 */
export class GuardPostService {
  private readonly activity = new Map<string, PostActivity[]>();
  private readonly live = new Map<string, PostLive>();
  private readonly pending = new Map<string, PostLive>();
  /** Open `post_absent` alarms by terminal device: id and when they were opened (ms). */
  private readonly openAbsences = new Map<string, { id: string; openedAt: number }>();
  /** Window keys raised, and alarm ids being closed, by this process (each once). */
  private readonly raised = new Set<string>();
  private readonly closing = new Set<string>();
  private raisedDate = '';
  private armedAt: number;

  constructor(private readonly deps: GuardPostDeps) {
    this.armedAt = deps.clock.now() + (deps.settleMs ?? 0);
    deps.events.on('activity.stored', (events) => {
      // Only the posts that reported: at province scale the whole list is the timer's work.
      const touched = this.add(events);
      if (touched.size > 0) void this.evaluate(touched);
    });
    deps.events.on('alarm.changed', (changes) => this.track(changes.map((c) => c.alarm)));
  }

  /** Starts from the stored recent activity and the open alarms. */
  init(recent: ActivityEvent[], openAlarms: Alarm[] = []): void {
    this.add(recent);
    this.track(openAlarms);
  }

  /** How many check-ins and check-outs it holds (each once): a figure for tests and diagnostics. */
  held(): number {
    let count = 0;
    for (const list of this.activity.values()) count += list.length;
    return count;
  }

  /** Since when stored activity matters (what `init` should be given). */
  keepSince(): string {
    return new Date(this.deps.clock.now() - KEEP_MS).toISOString();
  }

  /** Absences may be raised from now on (the built-in simulator has sent what its devices did so far). */
  async arm(): Promise<void> {
    this.armedAt = Math.min(this.armedAt, this.deps.clock.now());
    await this.evaluate();
  }

  /**
   * Adds check-ins and check-outs, each once (a node's start and a resync read the stored ones
   * while the other nodes' announcements of the same may come too); answers the posts they changed.
   */
  private add(events: ActivityEvent[]): Set<string> {
    const touched = new Set<string>();
    for (const event of events) {
      if (event.type === 'patrol.scan') continue;
      const postId = this.deps.registry.device(event.deviceId)?.postId;
      if (!postId) continue;
      const kind = event.type === 'post.checkin' ? 'in' : 'out';
      const list = this.activity.get(postId) ?? [];
      if (list.some((held) => held.kind === kind && held.at === event.at)) continue;
      list.push({ kind, at: event.at });
      this.activity.set(postId, list);
      touched.add(postId);
    }
    return touched;
  }

  private track(alarms: Alarm[]): void {
    for (const alarm of alarms) {
      // A drill at the school marks the absence a drill alarm; the check-in closes it all the same.
      if (alarm.type !== 'post_absent') continue;
      if (isOpenState(alarm.state)) this.openAbsences.set(alarm.deviceId, { id: alarm.id, openedAt: Date.parse(alarm.openedAt) });
      else if (this.openAbsences.get(alarm.deviceId)?.id === alarm.id) this.openAbsences.delete(alarm.deviceId);
    }
  }

  private rules(): PostRules {
    return this.deps.rules ?? DEFAULT_POST_RULES;
  }

  private recent(postId: string, now: number): PostActivity[] {
    const list = (this.activity.get(postId) ?? []).filter((a) => a.at >= now - KEEP_MS);
    this.activity.set(postId, list);
    return list;
  }

  /** Recomputes every post (or `only` these); announces changes, raises an alarm for an absent post and closes it when the post checks in. */
  async evaluate(only?: ReadonlySet<string>): Promise<void> {
    const now = this.deps.clock.now();
    const armed = now >= this.armedAt;
    const date = shanghaiParts(now).date;
    if (date !== this.raisedDate) {
      this.raised.clear();
      this.raisedDate = date;
    }
    const work: Promise<void>[] = [];
    const mayRaise = this.deps.mayRaise?.() ?? true;
    for (const post of this.deps.registry.guardPosts()) {
      if (only && !only.has(post.id)) continue;
      const status = this.settling(postStatus(post, this.recent(post.id, now), now, this.rules()), armed);
      const live: PostLive = {
        postId: post.id,
        state: status.state,
        window: status.window,
        checkedInAt: status.checkedInAt === null ? null : new Date(status.checkedInAt).toISOString(),
        minutesLate: status.minutesLate,
        reason: status.reason,
      };
      const previous = this.live.get(post.id);
      if (!previous || JSON.stringify(previous) !== JSON.stringify(live)) {
        this.live.set(post.id, live);
        this.pending.set(post.id, live);
      }
      if (!armed || !status.window || !mayRaise) continue;
      if (status.state === 'absent') work.push(this.raiseAbsent(post, status, now));
      else if (status.checkedInAt !== null) work.push(this.closeAbsent(post, status, now));
    }
    await Promise.all(work);
  }

  /** Until armed, a post without a check-in is not judged absent: its check-in may still be on its way. */
  private settling(status: PostStatus, armed: boolean): PostStatus {
    if (armed || status.state !== 'absent' || status.checkedInAt !== null || !status.window) return status;
    const span = `${status.window.start}–${status.window.end}`;
    return {
      ...status,
      state: 'late',
      reason: { zh: `${span} 尚未签到（启动后等待设备补报）`, en: `${span}: not checked in yet (waiting for devices to re-send after a start)` },
    };
  }

  private async raiseAbsent(post: GuardPost, status: PostStatus, now: number): Promise<void> {
    const key = `system:post_absent:${post.id}:${shanghaiParts(now).date}:${status.window?.start ?? ''}`;
    if (this.raised.has(key)) return;
    this.raised.add(key);
    const terminal = this.deps.registry.postTerminal(post.id);
    const school = terminal ? this.deps.registry.schoolOfDevice(terminal) : undefined;
    if (!terminal || !school) return;
    try {
      await this.deps.alarms.raiseOnce(key, {
        type: 'post_absent',
        deviceId: terminal.id,
        school,
        at: new Date(now).toISOString(),
        drill: false,
        note: status.reason.zh,
        noteEn: status.reason.en,
        actor: 'system',
      });
    } catch (error) {
      this.raised.delete(key);
      this.deps.log.error({ err: error, postId: post.id }, 'post_absent alarm not raised');
    }
  }

  /** Closes the post's absence alarm of the running window once it has checked in. */
  private async closeAbsent(post: GuardPost, status: PostStatus, now: number): Promise<void> {
    const terminal = this.deps.registry.postTerminal(post.id);
    const open = terminal ? this.openAbsences.get(terminal.id) : undefined;
    if (!open || !status.window || status.checkedInAt === null || this.closing.has(open.id)) return;
    // Only this window's alarm: one left open from an earlier window is an operator's to close.
    const windowStart = shanghaiParts(now).dayStartMs + minutesOf(status.window.start) * 60_000;
    if (open.openedAt < windowStart) return;
    this.closing.add(open.id);
    const at = localClock(status.checkedInAt);
    const late = status.minutesLate ?? 0;
    try {
      await this.deps.alarms.applySystemStep({
        id: open.id,
        action: 'auto_resolve',
        disposition: 'post_checked_in',
        note: late > 0
          ? { zh: `${at} 签到，迟到 ${late} 分钟`, en: `checked in at ${at}, ${late} min late` }
          : { zh: `${at} 签到`, en: `checked in at ${at}` },
      });
    } catch (error) {
      this.deps.log.error({ err: error, postId: post.id }, 'post_absent alarm not closed');
    } finally {
      this.closing.delete(open.id);
    }
  }

  list(): PostLive[] {
    return [...this.live.values()];
  }

  /** Today's on-time / late / absent counts per duty window, of the posts `visible` (all by default). */
  figures(visible?: ReadonlySet<string>): PostWindowFigures[] {
    const now = this.deps.clock.now();
    const armed = now >= this.armedAt;
    const byWindow = new Map<string, PostWindowFigures>();
    for (const post of this.deps.registry.guardPosts()) {
      if (visible && !visible.has(post.id)) continue;
      for (const result of postDay(post, this.recent(post.id, now), now, this.rules())) {
        const key = `${result.window.start}–${result.window.end}`;
        const figures = byWindow.get(key) ?? { window: result.window, due: 0, onTime: 0, late: 0, absent: 0, pending: 0, upcoming: 0 };
        figures.due += 1;
        const outcome = !armed && result.outcome === 'absent' && result.checkedInAt === null ? 'pending' : result.outcome;
        figures[outcome === 'on_time' ? 'onTime' : outcome] += 1;
        byWindow.set(key, figures);
      }
    }
    return [...byWindow.values()].sort((a, b) => a.window.start.localeCompare(b.window.start) || a.window.end.localeCompare(b.window.end));
  }

  /** Today's windows per post so far (started ones), and how many began late: the risk model's 护学岗 lateness. */
  lateness(): { postId: string; schoolIds: readonly string[]; due: number; late: number }[] {
    const now = this.deps.clock.now();
    return this.deps.registry.guardPosts().map((post) => {
      const results = postDay(post, this.recent(post.id, now), now, this.rules()).filter((r) => r.outcome !== 'upcoming' && r.outcome !== 'pending');
      return { postId: post.id, schoolIds: post.schoolIds, due: results.length, late: results.filter((r) => r.outcome === 'late').length };
    });
  }

  /** Posts whose state changed since the last flush. */
  flush(): PostLive[] {
    const changes = [...this.pending.values()];
    this.pending.clear();
    return changes;
  }
}
