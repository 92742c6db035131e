import { ref } from 'vue';
import { useI18n } from 'vue-i18n';
import type { SchoolPlanView } from '../../shared/domain/school-plan.js';
import type { WriteResult } from '../api.js';
import { useRefusalText } from './useRefusalText.js';

/**
 * One part of the plan editor's save: its note, whether it is saving, what the last save said
 * ("saved as version 3", or the server's refusal) and the server's words per field
 * (`people.principal.phone`, `plan.steps.sos` …) for the fields to show.
 */
export function usePlanSave(versionOf: (view: SchoolPlanView) => number | undefined) {
  const { t } = useI18n();
  const refusals = useRefusalText();
  const note = ref('');
  const saving = ref(false);
  const outcome = ref<{ kind: 'saved' | 'refused'; text: string } | null>(null);
  const errors = ref<Record<string, string>>({});

  async function run(save: (note: string) => Promise<WriteResult<SchoolPlanView>>): Promise<void> {
    saving.value = true;
    const result = await save(note.value).finally(() => (saving.value = false));
    if (result.ok) {
      errors.value = {};
      note.value = '';
      outcome.value = { kind: 'saved', text: t('planEditor.saved', { version: versionOf(result.data) ?? 0 }) };
    } else if (result.status !== 0) {
      errors.value = refusals.fields(result);
      // Words the form places beside their fields are counted here, never repeated with their paths.
      const placed = Object.keys(result.fields).length;
      outcome.value = { kind: 'refused', text: placed > 0 ? t('desk.recordRefusedFields', { count: placed }) : refusals.text(result) };
    }
  }

  function clear(): void {
    errors.value = {};
    outcome.value = null;
    note.value = '';
  }

  return { note, saving, outcome, errors, run, clear };
}
