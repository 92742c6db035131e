import {
  blankRecord, diffRecordState, type RecordChange, type RecordEdit, type RecordHistoryEntry, type RecordState, type SchoolEditable, type SchoolRecordView,
} from '../../shared/compliance.js';
import type { Kysely } from 'kysely';
import type { Store } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import type { RecordRepository } from '../db/record.repository.js';
import type { WriteQueue } from '../db/write-queue.js';
import { isoNow, type Clock } from '../clock.js';
import type { ComplianceService } from './compliance.service.js';
import { refuse, type Outcome } from './outcome.js';
import type { LocalizedText } from '../../shared/domain/text.js';
import { refusal, say } from '../../shared/refusal.js';
import type { RegistryService } from './registry.service.js';
import type { SessionUser } from '../../shared/auth.js';
import { actedBy, type AuditService } from '../auth/audit.service.js';
import type { Actor } from './actor.js';
import { noSchool, refusedSchool } from './school-access.js';

/** Rules across fields that a single field's schema cannot see; each names the field to correct. */
function crossFieldErrors({ record, school }: RecordState): Record<string, LocalizedText> {
  const errors: Record<string, LocalizedText> = {};
  if (!school.boarding && school.boarders > 0) errors.boarders = say('非寄宿制学校不应有住校生', 'a school that does not board has no boarders');
  else if (school.boarders > school.students) errors.boarders = say(`住校生（${school.boarders}）不能多于学生（${school.students}）`, `boarders (${school.boarders}) cannot exceed students (${school.students})`);
  if (record.controlRoomStaffed && !record.controlRoom) errors.controlRoomStaffed = say('须先有监控室才能有人值守', 'a control room must exist to be staffed');
  if (record.guardsOnDuty > school.guards) errors.guardsOnDuty = say(`在岗保安（${record.guardsOnDuty}）不能多于配备保安（${school.guards}）`, `guards on duty (${record.guardsOnDuty}) cannot exceed the guards employed (${school.guards})`);
  return errors;
}

/**
 * The school's record (安防档案): read within the person's scope, edited with validation and
 * history by a named person, each edit on the audit log in the same transaction.
 */
export class RecordService {
  constructor(
    private readonly deps: { store: Store; writes: WriteQueue; repository: RecordRepository; registry: RegistryService; compliance: ComplianceService; clock: Clock; audit: AuditService },
  ) {}

  /** The record as a person sees it: 403 outside the person's district or school, 404 for an unknown school. */
  async visible(schoolId: string, user: SessionUser): Promise<Outcome<SchoolRecordView>> {
    const refused = refusedSchool(user, this.deps.registry, schoolId);
    if (refused) return refused;
    const view = await this.get(schoolId);
    return view ? { ok: true, data: view } : noSchool(schoolId);
  }

  /** The newest `limit` edits, as a person sees them (like `visible`). */
  async visibleHistory(schoolId: string, limit: number, user: SessionUser): Promise<Outcome<{ schoolId: string; history: RecordHistoryEntry[] }>> {
    const refused = refusedSchool(user, this.deps.registry, schoolId);
    if (refused) return refused;
    if (!this.deps.registry.school(schoolId)) return noSchool(schoolId);
    return { ok: true, data: { schoolId, history: await this.history(schoolId, limit) } };
  }

  async get(schoolId: string): Promise<SchoolRecordView | null> {
    const school = this.deps.registry.school(schoolId);
    if (!school) return null;
    const stored = await this.deps.repository.get(this.deps.store.db, schoolId);
    return {
      schoolId,
      record: stored?.record ?? blankRecord(schoolId),
      school: { students: school.students, staff: school.staff, boarding: school.boarding, boarders: school.boarders, guards: school.guards, counterTerror: school.counterTerror },
      updatedAt: stored?.updatedAt ?? null,
      updatedBy: stored?.updatedBy ?? null,
    };
  }

  history(schoolId: string, limit: number): Promise<RecordHistoryEntry[]> {
    return this.deps.repository.history(schoolId, limit);
  }

  /**
   * Applies an edit (already valid field by field): the merged record must hold together too;
   * then record, school fields, one history entry and the audit entry commit together, or
   * nothing does. Within the person's scope (403 outside it).
   */
  async edit(schoolId: string, edit: RecordEdit, by: Actor): Promise<Outcome<SchoolRecordView>> {
    const refused = refusedSchool(by.user, this.deps.registry, schoolId);
    if (refused) return refused;
    if (!this.deps.registry.school(schoolId)) return noSchool(schoolId);
    const { repository, store } = this.deps;
    const actor = by.user.displayName;
    const audit = (trx: Kysely<Database>, changes: RecordChange[]) =>
      this.deps.audit.append(actedBy(by, 'record.edit', `school:${schoolId}`, { changes, note: edit.note ?? null }), trx);
    const outcome = await this.deps.writes.run(() =>
      inTransaction(store, async (trx): Promise<Outcome<{ changedSchool: boolean }>> => {
        const school = await repository.schoolFields(trx, schoolId);
        const stored = await repository.get(trx, schoolId);
        const before: RecordState = { record: stored?.record ?? blankRecord(schoolId), school };
        const { equipment, note, ...fields } = edit;
        const after: RecordState = { record: { ...before.record, equipment: { ...before.record.equipment, ...equipment } }, school: { ...before.school } };
        for (const [key, value] of Object.entries(fields)) {
          if (value === undefined) continue;
          if (key in after.school) (after.school as Record<string, unknown>)[key] = value;
          else (after.record as unknown as Record<string, unknown>)[key] = value;
        }
        const errors = crossFieldErrors(after);
        if (Object.keys(errors).length > 0) {
          const line = (language: keyof LocalizedText, separator: string) => Object.entries(errors).map(([field, text]) => `${field}${separator}${text[language]}`);
          return refuse(400, refusal(line('zh', '：').join('；'), line('en', ': ').join('; ')), errors);
        }
        const changes = diffRecordState(before, after);
        if (changes.length === 0) {
          await audit(trx, changes);
          return { ok: true, data: { changedSchool: false } };
        }
        const at = isoNow(this.deps.clock);
        await repository.put(trx, after.record, at, actor);
        const schoolChanges = Object.fromEntries(changes.filter((c) => c.field in after.school).map((c) => [c.field, c.to])) as Partial<SchoolEditable>;
        await repository.updateSchool(trx, schoolId, schoolChanges);
        await repository.appendHistory(trx, { schoolId, at, actor, note: note?.trim() || null, changes });
        await audit(trx, changes);
        return { ok: true, data: { changedSchool: Object.keys(schoolChanges).length > 0 } };
      }),
    );
    if (!outcome.ok) return outcome;
    // The registry keeps schools in memory for ingest and the wall: read them again after a change.
    if (outcome.data.changedSchool) await this.deps.registry.load();
    await this.deps.compliance.schoolChanged(schoolId);
    return { ok: true, data: (await this.get(schoolId))! };
  }
}
