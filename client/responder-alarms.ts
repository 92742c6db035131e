import { isOpenState, type Alarm, type AlarmTransition } from '../shared/domain/index.js';
import type { FieldAction } from '../shared/responder.js';
import { isWaiting, type QueuedStep } from './responder-queue.js';

/**
 * What the unit's phone shows of its alarms, worked out from what it holds: the list the server
 * gave (`responder.alarms`, with each alarm's school), the socket's later changes, and the answers
 * to its own steps. Pure, so the page and the tests read the same rules.
 */

/** The school of an alarm as the phone needs it: where to go. */
export interface SchoolPlace {
  id: string;
  name: string;
  address: string;
  lat: number;
  lng: number;
}

/** One alarm of the unit, with its school. */
export interface UnitAlarm {
  alarm: Alarm;
  school: SchoolPlace;
}

/** The later of two versions of one alarm (by `updatedAt`, then by the steps it holds). */
export function laterVersion(a: Alarm, b: Alarm): Alarm {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt > b.updatedAt ? a : b;
  return b.transitions.length > a.transitions.length ? b : a;
}

/**
 * The unit's alarms now: each alarm's latest version among the sources, kept while it is still
 * dispatched to `unitId` (an alarm re-dispatched elsewhere leaves the phone), open ones first,
 * then newest first. `missingSchools`: alarms of the unit whose school the phone does not know
 * yet (dispatched since the list was read): read the list again.
 */
export function unitAlarms(unitId: string, listed: readonly UnitAlarm[], ...versions: Iterable<Alarm>[]): { alarms: UnitAlarm[]; missingSchools: boolean } {
  const latest = new Map<string, Alarm>();
  const schools = new Map<string, SchoolPlace>();
  for (const entry of listed) {
    schools.set(entry.school.id, entry.school);
    latest.set(entry.alarm.id, entry.alarm);
  }
  for (const source of versions) {
    for (const alarm of source) {
      const held = latest.get(alarm.id);
      latest.set(alarm.id, held ? laterVersion(held, alarm) : alarm);
    }
  }
  const alarms: UnitAlarm[] = [];
  let missingSchools = false;
  for (const alarm of latest.values()) {
    if (alarm.unitId !== unitId) continue;
    const school = schools.get(alarm.schoolId);
    if (school) alarms.push({ alarm, school });
    else missingSchools = true;
  }
  alarms.sort((a, b) => {
    const openA = isOpenState(a.alarm.state);
    if (openA !== isOpenState(b.alarm.state)) return openA ? -1 : 1;
    return dispatchedAt(b.alarm).localeCompare(dispatchedAt(a.alarm));
  });
  return { alarms, missingSchools };
}

/** When the alarm was (last) dispatched, else when it was raised. */
export function dispatchedAt(alarm: Alarm): string {
  return [...alarm.transitions].reverse().find((step) => step.action === 'dispatch')?.at ?? alarm.openedAt;
}

/** The unit's own step of this kind since the last dispatch (the phone's record of it), if taken. */
export function unitStep(alarm: Alarm, action: FieldAction): AlarmTransition | undefined {
  const lastDispatch = alarm.transitions.map((step) => step.action).lastIndexOf('dispatch');
  return alarm.transitions.slice(lastDispatch + 1).find((step) => step.action === action && step.field !== undefined);
}

/** Whether the alarm is on scene, by the unit or marked by the operator. */
function onScene(alarm: Alarm): boolean {
  return alarm.state === 'on_scene' || alarm.transitions.some((step) => step.action === 'arrive');
}

/** Where a step of the phone stands for one alarm: done (with its record), waiting in the queue, open to take, or not (yet). */
export type StepStanding = { kind: 'done'; step: AlarmTransition } | { kind: 'waiting' } | { kind: 'open' } | { kind: 'closed' };

/**
 * Which steps the person can take now. Accept and on-scene while the alarm is dispatched (on
 * scene does not wait for accept: a unit that drove straight there says so); the report once on
 * scene — or once "on scene" waits in the queue, since the queue sends in order. A step waiting in
 * the queue is not offered again.
 */
export function stepStanding(alarm: Alarm, action: FieldAction, queue: readonly QueuedStep[]): StepStanding {
  const done = unitStep(alarm, action);
  if (done) return { kind: 'done', step: done };
  if (isWaiting(queue, alarm.id, action)) return { kind: 'waiting' };
  if (!isOpenState(alarm.state)) return { kind: 'closed' };
  switch (action) {
    case 'accept':
      return alarm.state === 'dispatched' && !unitStep(alarm, 'arrive') && !isWaiting(queue, alarm.id, 'arrive') ? { kind: 'open' } : { kind: 'closed' };
    case 'arrive':
      return alarm.state === 'dispatched' ? { kind: 'open' } : { kind: 'closed' };
    case 'report':
      return onScene(alarm) || isWaiting(queue, alarm.id, 'arrive') ? { kind: 'open' } : { kind: 'closed' };
  }
}

/** Whether the alarm calls the unit: dispatched to it, and nobody on the phone has accepted or arrived yet. */
export function isCalling(alarm: Alarm, queue: readonly QueuedStep[]): boolean {
  if (alarm.state !== 'dispatched') return false;
  return (['accept', 'arrive'] as const).every((action) => !unitStep(alarm, action) && !isWaiting(queue, alarm.id, action));
}

/**
 * The one-tap navigation link: a `geo:` URI (RFC 5870) with the school as a labelled query, which
 * Android hands to the map app the person uses (Amap, Baidu, Tencent …).
 */
export function navigationUri(school: Pick<SchoolPlace, 'lat' | 'lng' | 'name'>): string {
  const point = `${school.lat.toFixed(6)},${school.lng.toFixed(6)}`;
  return `geo:${point}?q=${point}(${encodeURIComponent(school.name)})`;
}
