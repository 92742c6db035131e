import type { UnitScope } from './unit-scope.js';
import type { SessionUser } from '../../shared/auth.js';
import type { AlarmType } from '../../shared/domain/alarm.js';
import {
  PLAN_MAX_AGE_DAYS, type EmergencyCard, type EmergencyPlan, type EmergencyPlanVersion, type GuardOnDuty, type SchoolPeople, type SchoolPeopleVersion,
  type SchoolPlanHistory, type SchoolPlanView,
} from '../../shared/domain/school-plan.js';
import { refusal, say } from '../../shared/refusal.js';
import { emergencyPlanRule } from '../../shared/rules/compliance/routines.js';
import type { SemesterRule } from '../../shared/rules/compliance/types.js';
import { DEFAULT_POST_RULES, dayOff } from '../../shared/rules/guard-post.js';
import { daysBetween, shanghaiDate, shanghaiParts } from '../../shared/time.js';
import { actedBy, type AuditService } from '../auth/audit.service.js';
import { isoNow, type Clock } from '../clock.js';
import type { Store } from '../db/database.js';
import type { PlanRepository } from '../db/plan.repository.js';
import { inTransaction } from '../db/transaction.js';
import type { WriteQueue } from '../db/write-queue.js';
import type { Actor } from './actor.js';
import type { ComplianceService } from './compliance.service.js';
import { refuse, type Outcome, type Refused } from './outcome.js';
import type { RegistryService } from './registry.service.js';
import { noSchool, refusedSchool } from './school-access.js';

/** A save as the routes take it: the body, the version the editor started from, the saver's note. */
export interface PlanSave<T> {
  body: T;
  baseVersion: number | null;
  note?: string | null | undefined;
}

interface PlanServiceDeps {
  store: Store;
  writes: WriteQueue;
  repository: PlanRepository;
  registry: RegistryService;
  compliance: ComplianceService;
  clock: Clock;
  audit: AuditService;
  /** School terms: outside them no 护学岗 is on duty. */
  semesters: readonly SemesterRule[];
  /** A unit's responder reads the emergency card of a school whose alarm is dispatched to the unit (server/services/unit-scope.ts). */
  unitScope: Pick<UnitScope, 'coversSchool'> | null;
}

/**
 * A school's people and emergency plan (预案, 一校一案, issue 14): read within the person's scope,
 * saved as a new version (never overwritten) by the school or the education bureau, each save on
 * the audit log in the same transaction; and the emergency card an alarm card shows.
 */
export class PlanService {
  constructor(private readonly deps: PlanServiceDeps) {}

  /**
   * Whether `user` may read the school's people, plan and emergency card: the one access check
   * of every read here (403 outside the person's district or school, 404 for an unknown
   * school), null when allowed. Widen it here (e.g. a unit's responder for an alarm
   * dispatched to their unit) and every read follows.
   */
  canRead(user: SessionUser, schoolId: string): Refused | null {
    return refusedSchool(user, this.deps.registry, schoolId) ?? (this.deps.registry.school(schoolId) ? null : noSchool(schoolId));
  }

  /** A responder reads a school's card only while its unit has an alarm there (open, or closed in the last hours). */
  private async unitRefusal(user: SessionUser, schoolId: string): Promise<Refused | null> {
    if (this.deps.unitScope && (await this.deps.unitScope.coversSchool(user, schoolId))) return null;
    return refuse(403, refusal('您的单位在该校没有派给您的报警', 'your unit has no alarm dispatched to it at this school'));
  }

  /** The current people and plan, and why the plan is a finding today (null when it is not). */
  async view(schoolId: string, user: SessionUser): Promise<Outcome<SchoolPlanView>> {
    const refused = this.canRead(user, schoolId);
    if (refused) return refused;
    return { ok: true, data: await this.current(schoolId) };
  }

  /** The newest `limit` versions of each, newest first. */
  async history(schoolId: string, limit: number, user: SessionUser): Promise<Outcome<SchoolPlanHistory>> {
    const refused = this.canRead(user, schoolId);
    if (refused) return refused;
    const { repository } = this.deps;
    const [people, plans] = await Promise.all([repository.peopleHistory(schoolId, limit), repository.planHistory(schoolId, limit)]);
    return { ok: true, data: { schoolId, people, plans } };
  }

  /** Saves the people as a new version; the police vice-principal's unit must be a police post of the registry. */
  savePeople(schoolId: string, save: PlanSave<SchoolPeople>, by: Actor): Promise<Outcome<SchoolPlanView>> {
    const unitId = save.body.policeVicePrincipal.unitId;
    if (!this.deps.registry.policePosts().some((post) => post.id === unitId)) {
      const words = say(`法制副校长所在单位 ${unitId} 不是登记的警务室或治安岗亭`, `the police vice-principal's unit ${unitId} is not a registered police post`);
      return Promise.resolve(refuse(400, refusal(words.zh, words.en), { 'people.policeVicePrincipal.unitId': words }));
    }
    return this.save(schoolId, 'people', save, by);
  }

  /** Saves the plan as a new version. */
  savePlan(schoolId: string, save: PlanSave<EmergencyPlan>, by: Actor): Promise<Outcome<SchoolPlanView>> {
    return this.save(schoolId, 'plan', save, by);
  }

  /**
   * What an alarm card shows of the school for an alarm of `type`: its people, the 护学岗 posts
   * covering it that are on duty today (Asia/Shanghai: a school day in term, on the post's
   * weekdays, not one of its days off), and the plan's steps for the type with the assembly
   * point, routes, hospital and whether the plan is older than a year.
   */
  async emergencyCard(schoolId: string, type: AlarmType, user: SessionUser): Promise<Outcome<EmergencyCard>> {
    const refused = user.role === 'responder' ? await this.unitRefusal(user, schoolId) : this.canRead(user, schoolId);
    if (refused) return refused;
    const { registry, repository, store, clock } = this.deps;
    const school = registry.school(schoolId)!;
    const [people, plan] = await Promise.all([repository.currentPeople(store.db, schoolId), repository.currentPlan(store.db, schoolId)]);
    const now = clock.now();
    const unitId = people?.people.policeVicePrincipal.unitId;
    const rules = { ...DEFAULT_POST_RULES, semesters: this.deps.semesters };
    const guardsToday: GuardOnDuty[] = registry
      .guardPosts()
      .filter((post) => post.schoolIds.includes(schoolId) && dayOff(post, now, rules) === null)
      .map((post) => ({
        postId: post.id, postName: post.name, person: post.person, phone: post.phone,
        window: post.schedule.map((w) => `${w.start}–${w.end}`).join('、'), windows: post.schedule.map((w) => ({ ...w })),
      }));
    let cardPlan: EmergencyCard['plan'] = null;
    if (plan) {
      const ageDays = daysBetween(shanghaiDate(plan.savedAt), shanghaiParts(now).date);
      cardPlan = {
        type, steps: plan.plan.steps[type] ?? [], assemblyPoint: plan.plan.assemblyPoint, evacuationRoutes: plan.plan.evacuationRoutes,
        nearestHospital: plan.plan.nearestHospital, version: plan.version, savedAt: plan.savedAt, stale: ageDays > PLAN_MAX_AGE_DAYS, ageDays,
      };
    }
    return {
      ok: true,
      data: {
        schoolId, schoolName: school.name, people: people?.people ?? null,
        policeUnitName: unitId ? (registry.policePosts().find((post) => post.id === unitId)?.name ?? null) : null,
        guardsToday, plan: cardPlan,
      },
    };
  }

  private async current(schoolId: string): Promise<SchoolPlanView> {
    const { repository, store } = this.deps;
    const [people, plan] = await Promise.all([repository.currentPeople(store.db, schoolId), repository.currentPlan(store.db, schoolId)]);
    const verdict = emergencyPlanRule({ plans: plan ? [plan] : [] }, { asOf: shanghaiParts(this.deps.clock.now()).date });
    return { schoolId, people, plan, finding: verdict.status === 'pass' ? null : verdict.reason };
  }

  /**
   * One save: within the person's scope (a school user only their own school), over the version
   * the editor started from (409 when someone saved meanwhile), the next version number, and the
   * audit entry in the same transaction.
   */
  private async save(schoolId: string, what: 'people' | 'plan', save: PlanSave<SchoolPeople> | PlanSave<EmergencyPlan>, by: Actor): Promise<Outcome<SchoolPlanView>> {
    const refused = refusedSchool(by.user, this.deps.registry, schoolId);
    if (refused) return refused;
    if (!this.deps.registry.school(schoolId)) return noSchool(schoolId);
    const { repository, store } = this.deps;
    const outcome = await this.deps.writes.run(() =>
      inTransaction(store, async (trx): Promise<Outcome<number>> => {
        const current: SchoolPeopleVersion | EmergencyPlanVersion | null = what === 'people' ? await repository.currentPeople(trx, schoolId) : await repository.currentPlan(trx, schoolId);
        const currentVersion = current?.version ?? null;
        if (currentVersion !== save.baseVersion) {
          const named = what === 'people' ? say('人员信息', 'the people') : say('应急预案', 'the plan');
          return refuse(
            409,
            current
              ? refusal(`${named.zh}已被${current.savedBy}更新为第${current.version}版，请刷新后再保存`, `${named.en} was saved as version ${current.version} by ${current.savedBy} meanwhile: reload and save again`)
              : refusal(`${named.zh}尚无任何版本，请刷新后再保存`, `${named.en} has no version yet: reload and save again`),
          );
        }
        const stamp = { schoolId, version: (currentVersion ?? 0) + 1, savedAt: isoNow(this.deps.clock), savedBy: by.user.displayName, note: save.note?.trim() || null };
        if (what === 'people') await repository.addPeople(trx, { ...stamp, people: save.body as SchoolPeople });
        else await repository.addPlan(trx, { ...stamp, plan: save.body as EmergencyPlan });
        await this.deps.audit.append(actedBy(by, what === 'people' ? 'plan.people' : 'plan.save', `school:${schoolId}`, { version: stamp.version, note: stamp.note }), trx);
        return { ok: true, data: stamp.version };
      }),
    );
    if (!outcome.ok) return outcome;
    if (what === 'plan') await this.deps.compliance.schoolChanged(schoolId);
    return { ok: true, data: await this.current(schoolId) };
  }
}
