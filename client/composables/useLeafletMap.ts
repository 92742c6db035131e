import L from 'leaflet';
import { inject, onMounted, onUnmounted, provide, shallowRef, type InjectionKey, type Ref, type ShallowRef } from 'vue';

const MAP_KEY: InjectionKey<ShallowRef<L.Map | null>> = Symbol('leaflet-map');

/**
 * Creates a Leaflet map in `container` once it is mounted, keeps its size in step with the
 * element, and removes it (with every layer and listener) when the component goes away.
 * Provides the map to the renderless layer components below.
 */
export function useLeafletMap(container: Ref<HTMLElement | null>, options: L.MapOptions): ShallowRef<L.Map | null> {
  const map = shallowRef<L.Map | null>(null);
  let resizeObserver: ResizeObserver | null = null;
  provide(MAP_KEY, map);

  let creating: ReturnType<typeof setTimeout> | null = null;

  /**
   * In a task of its own after the component's mount: making the map measures its container (a
   * layout of the whole page, 50–70 ms on a wall) and the layer components below then mount; in
   * the mount's task they made one long task with the rest of the screen (issue 17 item 4).
   */
  onMounted(() => {
    creating = setTimeout(() => {
      creating = null;
      if (!container.value) return;
      const created = L.map(container.value, options);
      keepLayersInStep(created);
      resizeObserver = new ResizeObserver(() => created.invalidateSize({ pan: false }));
      resizeObserver.observe(container.value);
      map.value = created;
    }, 0);
  });

  // onUnmounted, not before: the layer components below take their layers off the map first.
  onUnmounted(() => {
    if (creating) clearTimeout(creating);
    creating = null;
    resizeObserver?.disconnect();
    resizeObserver = null;
    map.value?.remove();
    map.value = null;
  });

  return map;
}

/**
 * Puts every layer where the view says whenever a move ends with the layers placed for another
 * pixel origin. Leaflet places markers against the map's pixel origin and moves them only on
 * `zoom` and `viewreset`; a flight (`flyTo`, `flyToBounds`) shifts the pixel origin on every
 * frame, so one that ends at the zoom it started at, and whose frames in between came late (a
 * busy page), left the rings and their labels where they were before it: hundreds of pixels
 * from their schools. A `viewreset` then makes every layer place itself again.
 */
export function keepLayersInStep(map: L.Map): void {
  let placedFor: L.Point | null = null;
  map.on('zoom viewreset', () => {
    placedFor = map.getPixelOrigin();
  });
  map.on('moveend', () => {
    if (placedFor && !map.getPixelOrigin().equals(placedFor)) map.fire('viewreset');
  });
}

/** The map of the enclosing useLeafletMap; layer components render only once it exists. */
export function useMap(): L.Map {
  const map = inject(MAP_KEY, null)?.value;
  if (!map) throw new Error('useMap() needs a ready map: render layers inside <WallMap> once it is created');
  return map;
}

/** The enclosing useLeafletMap's map, null until created (for components that must not wait for it, such as the kiosk's map director). */
export function useMapRef(): ShallowRef<L.Map | null> | null {
  return inject(MAP_KEY, null);
}

/** A pane with its own z-index (Leaflet's overlay pane is 400, markers 600, popups 700). */
export function ensurePane(map: L.Map, name: string, zIndex: number): HTMLElement {
  const pane = map.getPane(name) ?? map.createPane(name);
  pane.style.zIndex = String(zIndex);
  return pane;
}
