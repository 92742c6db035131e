// @vitest-environment happy-dom
import L from 'leaflet';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { keepLayersInStep } from '../../client/composables/useLeafletMap.js';

/** A real Leaflet map in a 600×400 box (happy-dom lays nothing out: the box's size is given; Leaflet animates only where it finds 3D transforms). */
function mapInBox(inStep: boolean): L.Map {
  (L.Browser as { any3d: boolean }).any3d = true;
  const element = document.createElement('div');
  Object.defineProperty(element, 'clientWidth', { value: 600 });
  Object.defineProperty(element, 'clientHeight', { value: 400 });
  document.body.append(element);
  const map = L.map(element, { zoomSnap: 0.1 });
  // As useLeafletMap does: before the map has a view.
  if (inStep) keepLayersInStep(map);
  return map.setView([33.74, 113.19], 17.9, { animate: false });
}

/** Where the marker is drawn in the map's box, and where the view says it is. */
function drawnAndExpected(map: L.Map, marker: L.Marker): { drawn: L.Point; expected: L.Point } {
  const drawn = L.DomUtil.getPosition(marker.getElement()!).add(L.DomUtil.getPosition(map.getPane('mapPane')!));
  return { drawn, expected: map.latLngToContainerPoint(marker.getLatLng()).round() };
}

/**
 * Flies to `target` at the zoom the map is at while the page is too busy for frames: the clock
 * jumps past the flight's end between its first frame and the next, as on a loaded machine.
 */
async function starvedFlight(map: L.Map, target: L.LatLngExpression): Promise<void> {
  const start = Date.now();
  let calls = 0;
  vi.spyOn(Date, 'now').mockImplementation(() => (calls++ === 0 ? start : start + 5_000));
  const ended = new Promise((resolve) => map.once('moveend', resolve));
  map.flyTo(target, map.getZoom(), { duration: 1.2 });
  await ended;
}

describe('map flights (useLeafletMap keepLayersInStep)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    document.body.replaceChildren();
  });

  it('a same-zoom flight whose frames came late leaves Leaflet\'s markers behind (the Leaflet bug keepLayersInStep works round)', async () => {
    const map = mapInBox(false);
    const target = map.containerPointToLatLng([500, 80]);
    const marker = L.marker(target).addTo(map);
    await starvedFlight(map, target);
    const { drawn, expected } = drawnAndExpected(map, marker);
    // Leaflet alone: the marker stays where the school was before the flight, 200 px right and 120 px up of where it is now.
    expect(expected.distanceTo(L.point(300, 200))).toBeLessThan(2);
    expect(drawn.distanceTo(expected)).toBeGreaterThan(100);
  });

  it('after a flight every marker is where the view says, whatever the frames did', async () => {
    const map = mapInBox(true);
    const target = map.containerPointToLatLng([500, 80]);
    const marker = L.marker(target).addTo(map);
    const other = L.marker(map.containerPointToLatLng([120, 300])).addTo(map);
    await starvedFlight(map, target);
    for (const each of [marker, other]) {
      const { drawn, expected } = drawnAndExpected(map, each);
      expect(drawn.distanceTo(expected)).toBeLessThan(1);
    }
    expect(drawnAndExpected(map, marker).expected.distanceTo(L.point(300, 200))).toBeLessThan(2);
  });

  it('a pan, which keeps the pixel origin, does not reset the view', () => {
    const map = mapInBox(true);
    const resets = vi.fn();
    map.on('viewreset', resets);
    map.panBy([40, 0], { animate: false });
    map.panBy([0, -30], { animate: false });
    expect(resets).not.toHaveBeenCalled();
  });
});
