import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { API, BodyIn } from '../../shared/api/index.js';
import type {
  DrillView, HazardListItem, InspectionView, RecordHistoryEntry, RoutineKind, SchoolComplianceAnswer, SchoolRecordView, SelfCheckView,
} from '../../shared/compliance.js';
import { failureWords, getRoute, NOT_SENT, sendRoute, type WriteResult } from '../api.js';
import type { RefusalLike } from '../refusal-text.js';
import { useComplianceStore } from './compliance.js';

/** A routine as its form fills it in: the kind and what its route takes. */
export type RoutineInput =
  | { kind: 'drills'; body: BodyIn<(typeof API)['routines.addDrill']> }
  | { kind: 'inspections'; body: BodyIn<(typeof API)['routines.addInspection']> }
  | { kind: 'self-checks'; body: BodyIn<(typeof API)['routines.addSelfCheck']> };

/**
 * A record edit as the form sends it: the fields as typed (a count that does not read as a number
 * included: client/record-form.ts), for the server to judge and answer per field.
 */
export type RecordEditDraft = Record<string, unknown>;

/**
 * One school on the desk: all its items as of the desk's date, its record with history, its
 * drills, inspections and self-checks, and its hazards; and the writes on them.
 */
export const useSchoolDeskStore = defineStore('schoolDesk', () => {
  const schoolId = ref<string | null>(null);
  const compliance = shallowRef<SchoolComplianceAnswer | null>(null);
  const record = shallowRef<SchoolRecordView | null>(null);
  const history = shallowRef<RecordHistoryEntry[]>([]);
  const drills = shallowRef<DrillView[]>([]);
  const inspections = shallowRef<InspectionView[]>([]);
  const selfChecks = shallowRef<SelfCheckView[]>([]);
  const hazards = shallowRef<HazardListItem[]>([]);
  /** Why a load failed, in the server's words when it refused (429: too many reads): shown with useRefusalText. */
  const error = shallowRef<RefusalLike | null>(null);
  let generation = 0;

  /** Runs the loads of one school; answers for a school no longer on screen are dropped. */
  async function guarded(loads: Promise<void>[]): Promise<void> {
    try {
      await Promise.all(loads);
      error.value = null;
    } catch (failure) {
      error.value = failureWords(failure);
    }
  }

  /** Reads one answer for the school on screen and applies it, unless another school was opened meanwhile. */
  function loader<T>(read: (id: string) => Promise<T>, apply: (answer: T) => void): () => Promise<void> {
    return async () => {
      const mine = generation;
      const answer = await read(schoolId.value ?? '');
      if (mine === generation) apply(answer);
    };
  }

  const params = (id: string) => ({ params: { id } });
  const loadCompliance = loader((id) => getRoute('compliance.school', { ...params(id), query: { asOf: useComplianceStore().asOf } }), (a) => (compliance.value = a));
  const loadRecord = loader((id) => getRoute('records.get', params(id)), (a) => (record.value = a));
  const loadHistory = loader((id) => getRoute('records.history', { ...params(id), query: { limit: 50 } }), (a) => (history.value = a.history));
  const loadDrills = loader((id) => getRoute('routines.drills', params(id)), (a) => (drills.value = a.drills));
  const loadInspections = loader((id) => getRoute('routines.inspections', params(id)), (a) => (inspections.value = a.inspections));
  const loadSelfChecks = loader((id) => getRoute('routines.selfChecks', params(id)), (a) => (selfChecks.value = a.selfChecks));
  const loadHazards = loader((id) => getRoute('hazards.list', { query: { state: 'all', limit: 200, schoolId: id } }), (a) => (hazards.value = a.hazards));
  const routineLoaders: Record<RoutineKind, () => Promise<void>> = { drills: loadDrills, inspections: loadInspections, 'self-checks': loadSelfChecks };

  /** Opens a school (or refreshes the one open). */
  function open(id: string): Promise<void> {
    if (id !== schoolId.value) {
      generation += 1;
      schoolId.value = id;
      compliance.value = null;
      record.value = null;
      history.value = [];
      drills.value = [];
      inspections.value = [];
      selfChecks.value = [];
      hazards.value = [];
    }
    return guarded([loadCompliance(), loadRecord(), loadHistory(), loadDrills(), loadInspections(), loadSelfChecks(), loadHazards()]);
  }

  /** The items again, for another as-of date. */
  function reloadCompliance(): Promise<void> {
    return guarded([loadCompliance()]);
  }

  function reloadHazards(): Promise<void> {
    return guarded([loadHazards(), loadCompliance()]);
  }

  /** Saves an edit of the record; on success the record, history and items are fetched again. */
  async function saveRecord(body: RecordEditDraft): Promise<WriteResult<SchoolRecordView>> {
    if (!schoolId.value) return NOT_SENT;
    // Sent as typed on purpose (see RecordEditDraft): the server's schema is the judge, its refusal names each field.
    const result = await sendRoute('records.edit', { params: { id: schoolId.value }, body: body as BodyIn<(typeof API)['records.edit']> });
    if (result.ok) {
      record.value = result.data;
      await guarded([loadHistory(), loadCompliance()]);
    }
    return result;
  }

  /** Records a drill, an inspection or a self-check; the list and the items are fetched again. */
  async function addRoutine(input: RoutineInput): Promise<WriteResult<DrillView | InspectionView | SelfCheckView>> {
    if (!schoolId.value) return NOT_SENT;
    const id = schoolId.value;
    const result = await (input.kind === 'drills'
      ? sendRoute('routines.addDrill', { params: { id }, body: input.body })
      : input.kind === 'inspections'
        ? sendRoute('routines.addInspection', { params: { id }, body: input.body })
        : sendRoute('routines.addSelfCheck', { params: { id }, body: input.body }));
    if (result.ok) await guarded([routineLoaders[input.kind](), loadCompliance()]);
    return result;
  }

  return {
    schoolId, compliance, record, history, drills, inspections, selfChecks, hazards, error, open, reloadCompliance, reloadHazards, saveRecord, addRoutine,
  };
});
