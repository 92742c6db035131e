import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type {
  DrillView, HazardListItem, InspectionView, RecordHistoryEntry, SchoolComplianceAnswer, SchoolRecordView, SelfCheckView,
} from '../../shared/compliance.js';
import { failureWords, getJson, NOT_SENT, sendJson, type WriteResult } from '../api.js';
import type { RefusalLike } from '../refusal-text.js';
import { useComplianceStore } from './compliance.js';

/** The routines recorded per school, as the API names them. */
export type RoutineKind = 'drills' | 'inspections' | 'self-checks';

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

  function loader<T>(url: () => string, apply: (answer: T) => void): () => Promise<void> {
    return async () => {
      const mine = generation;
      const answer = await getJson<T>(url());
      if (mine === generation) apply(answer);
    };
  }

  const base = (): string => `/api/v1/schools/${encodeURIComponent(schoolId.value ?? '')}`;
  const loadCompliance = loader<SchoolComplianceAnswer>(() => `${base()}/compliance?asOf=${useComplianceStore().asOf}`, (a) => (compliance.value = a));
  const loadRecord = loader<SchoolRecordView>(() => `${base()}/record`, (a) => (record.value = a));
  const loadHistory = loader<{ history: RecordHistoryEntry[] }>(() => `${base()}/record/history?limit=50`, (a) => (history.value = a.history));
  const loadDrills = loader<{ drills: DrillView[] }>(() => `${base()}/drills`, (a) => (drills.value = a.drills));
  const loadInspections = loader<{ inspections: InspectionView[] }>(() => `${base()}/inspections`, (a) => (inspections.value = a.inspections));
  const loadSelfChecks = loader<{ selfChecks: SelfCheckView[] }>(() => `${base()}/self-checks`, (a) => (selfChecks.value = a.selfChecks));
  const loadHazards = loader<{ hazards: HazardListItem[] }>(
    () => `/api/v1/hazards?state=all&limit=200&schoolId=${encodeURIComponent(schoolId.value ?? '')}`,
    (a) => (hazards.value = a.hazards),
  );
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
  async function saveRecord(body: Record<string, unknown>): Promise<WriteResult<SchoolRecordView>> {
    if (!schoolId.value) return NOT_SENT;
    const result = await sendJson<SchoolRecordView>('PUT', `${base()}/record`, body);
    if (result.ok) {
      record.value = result.data;
      await guarded([loadHistory(), loadCompliance()]);
    }
    return result;
  }

  /** Records a drill, an inspection or a self-check; the list and the items are fetched again. */
  async function addRoutine(kind: RoutineKind, body: Record<string, unknown>): Promise<WriteResult<unknown>> {
    if (!schoolId.value) return NOT_SENT;
    const result = await sendJson<unknown>('POST', `${base()}/${kind}`, body);
    if (result.ok) await guarded([routineLoaders[kind](), loadCompliance()]);
    return result;
  }

  return {
    schoolId, compliance, record, history, drills, inspections, selfChecks, hazards, error, open, reloadCompliance, reloadHazards, saveRecord, addRoutine,
  };
});
