import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { SchoolPlanHistory, SchoolPlanView } from '../../shared/domain/school-plan.js';
import { failureWords, getRoute, sendRoute, type WriteResult } from '../api.js';
import type { RefusalLike } from '../refusal-text.js';

/**
 * One school's people and emergency plan on the desk (预案, 一校一案): the current versions, their
 * history, and the saves (each a new version over the one the editor started from).
 */
export const useSchoolPlanStore = defineStore('schoolPlan', () => {
  const schoolId = ref<string | null>(null);
  const view = shallowRef<SchoolPlanView | null>(null);
  const history = shallowRef<SchoolPlanHistory | null>(null);
  const error = shallowRef<RefusalLike | null>(null);
  let generation = 0;

  async function load(): Promise<void> {
    const id = schoolId.value;
    if (!id) return;
    const mine = generation;
    try {
      const [current, versions] = await Promise.all([getRoute('plans.get', { params: { id } }), getRoute('plans.history', { params: { id }, query: {} })]);
      if (mine !== generation) return;
      view.value = current;
      history.value = versions;
      error.value = null;
    } catch (failure) {
      if (mine === generation) error.value = failureWords(failure);
    }
  }

  async function open(id: string): Promise<void> {
    generation++;
    schoolId.value = id;
    view.value = null;
    history.value = null;
    await load();
  }

  async function after(result: WriteResult<SchoolPlanView>): Promise<WriteResult<SchoolPlanView>> {
    if (result.ok) {
      view.value = result.data;
      await load();
    }
    return result;
  }

  /** Saves the people as a new version (the body as the form holds it; the server judges it). */
  async function savePeople(people: unknown, note: string): Promise<WriteResult<SchoolPlanView>> {
    const id = schoolId.value!;
    const body = { people, baseVersion: view.value?.people?.version ?? null, note } as Parameters<typeof sendRoute<'plans.savePeople'>>[1]['body'];
    return after(await sendRoute('plans.savePeople', { params: { id }, body }));
  }

  /** Saves the plan as a new version. */
  async function savePlan(plan: unknown, note: string): Promise<WriteResult<SchoolPlanView>> {
    const id = schoolId.value!;
    const body = { plan, baseVersion: view.value?.plan?.version ?? null, note } as Parameters<typeof sendRoute<'plans.savePlan'>>[1]['body'];
    return after(await sendRoute('plans.savePlan', { params: { id }, body }));
  }

  return { schoolId, view, history, error, open, load, savePeople, savePlan };
});
