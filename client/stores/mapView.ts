import { defineStore } from 'pinia';
import { reactive, ref, watch } from 'vue';

/** Map layers a person can switch on and off. */
export const MAP_LAYERS = ['schools', 'policePosts', 'guardPosts', 'coverage', 'heat'] as const;
/** One switchable layer. */
export type MapLayerName = (typeof MAP_LAYERS)[number];

const STORAGE_KEY = 'xiaoan.mapLayers';

function rememberedLayers(): Record<MapLayerName, boolean> {
  // The risk heat starts off: it is a view to switch to, and it would tint every other layer.
  const visible: Record<MapLayerName, boolean> = { schools: true, policePosts: true, guardPosts: true, coverage: true, heat: false };
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Partial<Record<MapLayerName, unknown>>;
    for (const name of MAP_LAYERS) if (typeof stored[name] === 'boolean') visible[name] = stored[name];
  } catch {
    // Nothing remembered (or unreadable): all layers on but the heat.
  }
  return visible;
}

/** What the wall's map shows: visible layers (remembered per screen), the selected school, fly-to requests. */
export const useMapViewStore = defineStore('mapView', () => {
  const visibleLayers = reactive(rememberedLayers());
  const selectedSchoolId = ref<string | null>(null);
  /** Bumped on every request, so flying to the same school twice flies twice. */
  const focusRequest = ref<{ schoolId: string; serial: number } | null>(null);
  /** The alarm picked on the map (a ring or its label): the console selects it, the wall marks it in its list. */
  const selectedAlarmId = ref<string | null>(null);
  /** Bumped on every pick, so picking the same alarm again (after selecting another in the queue) selects it again. */
  const alarmRequest = ref<{ alarmId: string; serial: number } | null>(null);
  /** The 护学岗 layer draws only late and absent posts (too many in view, a province seen whole): the legend says so. */
  const denseRings = ref(false);

  watch(visibleLayers, (value) => {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(value));
    } catch {
      // The choice lasts for this page only.
    }
  });

  function toggleLayer(name: MapLayerName): void {
    visibleLayers[name] = !visibleLayers[name];
  }

  function selectSchool(schoolId: string | null): void {
    if (schoolId !== selectedSchoolId.value) selectedAlarmId.value = null;
    selectedSchoolId.value = schoolId;
  }

  /** Selects the school and asks the map to fly to it. */
  function focusSchool(schoolId: string): void {
    selectSchool(schoolId);
    focusRequest.value = { schoolId, serial: (focusRequest.value?.serial ?? 0) + 1 };
  }

  /** An alarm picked on the map: selects it and its school, and flies there. */
  function pickAlarm(alarmId: string, schoolId: string): void {
    focusSchool(schoolId);
    selectedAlarmId.value = alarmId;
    alarmRequest.value = { alarmId, serial: (alarmRequest.value?.serial ?? 0) + 1 };
  }

  return { visibleLayers, selectedSchoolId, focusRequest, selectedAlarmId, alarmRequest, denseRings, toggleLayer, selectSchool, focusSchool, pickAlarm };
});
