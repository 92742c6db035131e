import { can, type SessionUser } from '../../shared/auth.js';
import type { Alarm } from '../../shared/domain/index.js';
import { RESPONDER_CLOSED_HOURS } from '../../shared/api/responder.js';
import type { AlarmRepository } from '../db/alarm.repository.js';
import type { Clock } from '../clock.js';
import type { RegistryService } from './registry.service.js';
import { scopeCovers, scopeFor } from './scope.js';

/**
 * A responder's scope (issue 14): not a place but its unit's alarms — those dispatched to the
 * unit now (the socket also tells the unit of the change that takes an alarm away from it:
 * shared/rules/field-steps.ts `unitsOfChange`).
 */

/** Whether an alarm is dispatched to a unit now. */
export function unitSeesAlarm(unitId: string, alarm: Pick<Alarm, 'unitId'>): boolean {
  return alarm.unitId === unitId;
}

/** Whether a person may read an alarm through the ordinary scope (permission `read`, their district or school). */
export function userReadsAlarm(user: SessionUser, alarm: Pick<Alarm, 'districtCode' | 'schoolId'>, registry: RegistryService): boolean {
  return can(user, 'read') && scopeCovers(scopeFor(user, registry), alarm);
}

/**
 * Whether a responder may read a school's information (its emergency card: plan and people) now:
 * an alarm at that school is dispatched to the responder's unit and still open, or closed within
 * the last 12 h (what the unit's list shows). False for anyone who is not a responder with a unit
 * (their access is the ordinary scope). For the school-plan routes, at merge:
 * `if (user.role === 'responder') allowed = await unitScope.coversSchool(user, schoolId)`.
 */
export class UnitScope {
  constructor(private readonly deps: { alarms: Pick<AlarmRepository, 'list'>; clock: Clock }) {}

  async coversSchool(user: Pick<SessionUser, 'role' | 'unitId'>, schoolId: string): Promise<boolean> {
    if (user.role !== 'responder' || !user.unitId) return false;
    const open = await this.deps.alarms.list({ state: 'open', unitId: user.unitId, schoolIds: [schoolId], limit: 1 });
    if (open.length > 0) return true;
    const since = new Date(this.deps.clock.now() - RESPONDER_CLOSED_HOURS * 3_600_000).toISOString();
    const closed = await this.deps.alarms.list({ state: 'closed', unitId: user.unitId, schoolIds: [schoolId], updatedSince: since, limit: 1 });
    return closed.length > 0;
  }
}

/** The function form of {@link UnitScope.coversSchool}. */
export function unitCoversSchool(unitScope: UnitScope, user: Pick<SessionUser, 'role' | 'unitId'>, schoolId: string): Promise<boolean> {
  return unitScope.coversSchool(user, schoolId);
}
