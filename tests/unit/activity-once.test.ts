import { describe, expect, it } from 'vitest';
import type { ActivityEvent } from '../../server/db/activity.repository.js';
import { createLogger } from '../../server/logger.js';
import type { AlarmService } from '../../server/services/alarm.service.js';
import { DomainEvents } from '../../server/services/domain-events.js';
import { GuardPostService } from '../../server/services/guard-post.service.js';
import { PatrolService } from '../../server/services/patrol.service.js';
import { loadedRegistry } from '../helpers/registry.js';

/** 07:10 on Monday 2026-11-30 (autumn term) in Asia/Shanghai: G0001 is inside its 07:00–08:00 window. */
const NOW = Date.parse('2026-11-30T07:10:00+08:00');
const at = (hhmm: string) => Date.parse(`2026-11-30T${hhmm}:00+08:00`);

async function setup() {
  const registry = await loadedRegistry();
  const events = new DomainEvents();
  const clock = { now: () => NOW };
  // Never asked to raise: the post checks in before its grace ends, and mayRaise is false.
  const alarms = {} as AlarmService;
  const posts = new GuardPostService({ registry, events, clock, alarms, log: createLogger('silent'), mayRaise: () => false });
  const patrol = new PatrolService({ registry, events, clock });
  return { events, posts, patrol };
}

/**
 * A node's start and a resync (docs/device-state.md) read the stored check-ins and scans while
 * the other nodes' announcements of the same may arrive too: each is kept once.
 */
describe('护学岗 and patrol activity applied twice', () => {
  const checkIn: ActivityEvent = { type: 'post.checkin', deviceId: 'PT-G0001', at: at('06:55') };
  const scans: ActivityEvent[] = [
    { type: 'patrol.scan', deviceId: 'PAT-S0001-1', at: at('06:30') },
    { type: 'patrol.scan', deviceId: 'PAT-S0002-1', at: at('06:40') },
  ];

  it('keeps each check-in and scan once, whether it comes by init, on the bus or both', async () => {
    const { events, posts, patrol } = await setup();
    posts.init([checkIn, ...scans]);
    patrol.init([checkIn, ...scans]);
    events.emit('activity.stored', [checkIn, ...scans]);
    events.emit('activity.stored', [scans[1]!, checkIn]);
    expect(posts.held()).toBe(1);
    expect(patrol.held()).toBe(2);
    // A second check-in (another instant) and a second scan of the same point are new facts.
    events.emit('activity.stored', [{ ...checkIn, at: at('07:02') }, { ...scans[0]!, at: at('07:05') }]);
    expect(posts.held()).toBe(2);
    expect(patrol.held()).toBe(3);
  });

  it('brings a post on duty from a replayed check-in it had not heard', async () => {
    const { events, posts } = await setup();
    await posts.evaluate();
    expect(posts.list().find((p) => p.postId === 'G0001')?.state).not.toBe('on_duty');
    events.emit('activity.stored', [checkIn]);
    await posts.evaluate();
    expect(posts.list().find((p) => p.postId === 'G0001')?.state).toBe('on_duty');
  });
});
