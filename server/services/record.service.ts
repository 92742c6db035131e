import {
  blankRecord, diffRecordState, type RecordEdit, type RecordHistoryEntry, type RecordState, type SchoolEditable, type SchoolRecordView,
} from '../../shared/compliance.js';
import type { Store } from '../db/database.js';
import type { RecordRepository } from '../db/record.repository.js';
import type { WriteQueue } from '../db/write-queue.js';
import { isoNow, type Clock } from '../clock.js';
import type { ComplianceService } from './compliance.service.js';
import { refuse, type Outcome } from './outcome.js';
import type { LocalizedText } from '../../shared/domain/text.js';
import { refusal, say } from '../../shared/refusal.js';
import type { RegistryService } from './registry.service.js';

/** Rules across fields that a single field's schema cannot see; each names the field to correct. */
function crossFieldErrors({ record, school }: RecordState): Record<string, LocalizedText> {
  const errors: Record<string, LocalizedText> = {};
  if (!school.boarding && school.boarders > 0) errors.boarders = say('非寄宿制学校不应有住校生', 'a school that does not board has no boarders');
  else if (school.boarders > school.students) errors.boarders = say(`住校生（${school.boarders}）不能多于学生（${school.students}）`, `boarders (${school.boarders}) cannot exceed students (${school.students})`);
  if (record.controlRoomStaffed && !record.controlRoom) errors.controlRoomStaffed = say('须先有监控室才能有人值守', 'a control room must exist to be staffed');
  if (record.guardsOnDuty > school.guards) errors.guardsOnDuty = say(`在岗保安（${record.guardsOnDuty}）不能多于配备保安（${school.guards}）`, `guards on duty (${record.guardsOnDuty}) cannot exceed the guards employed (${school.guards})`);
  return errors;
}

/** The school's record (安防档案): read, edited with validation and history, by a named person. */
export class RecordService {
  constructor(
    private readonly deps: { store: Store; writes: WriteQueue; repository: RecordRepository; registry: RegistryService; compliance: ComplianceService; clock: Clock },
  ) {}

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
   * then record, school fields and one history entry commit together, or nothing does.
   */
  async edit(schoolId: string, edit: RecordEdit, actor: string): Promise<Outcome<SchoolRecordView>> {
    if (!this.deps.registry.school(schoolId)) return refuse(404, refusal(`没有编号为 ${schoolId} 的学校`, `no school ${schoolId}`));
    const { repository, store } = this.deps;
    const outcome = await this.deps.writes.run(() =>
      store.db.transaction().execute(async (trx): Promise<Outcome<{ changedSchool: boolean }>> => {
        const row = await trx.selectFrom('schools').selectAll().where('id', '=', schoolId).executeTakeFirstOrThrow();
        const stored = await repository.get(trx, schoolId);
        const before: RecordState = {
          record: stored?.record ?? blankRecord(schoolId),
          school: { students: row.students, staff: row.staff, boarding: row.boarding === 1, boarders: row.boarders, guards: row.guards, counterTerror: row.counter_terror === 1 },
        };
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
        if (changes.length === 0) return { ok: true, data: { changedSchool: false } };
        const at = isoNow(this.deps.clock);
        await repository.put(trx, after.record, at, actor);
        const schoolChanges = Object.fromEntries(changes.filter((c) => c.field in after.school).map((c) => [c.field, c.to])) as Partial<SchoolEditable>;
        await repository.updateSchool(trx, schoolId, schoolChanges);
        await repository.appendHistory(trx, { schoolId, at, actor, note: note?.trim() || null, changes });
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
