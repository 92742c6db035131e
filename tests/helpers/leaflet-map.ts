import L from 'leaflet';

/**
 * A Leaflet map on a 1920×1080 element in happy-dom (which lays nothing out: the size is given),
 * at `center` and `zoom`, without animations, for the map layers' unit tests.
 */
export function mapAt(center: L.LatLngExpression, zoom: number, options: L.MapOptions = {}): L.Map {
  const element = document.createElement('div');
  Object.defineProperty(element, 'clientWidth', { value: 1920, configurable: true });
  Object.defineProperty(element, 'clientHeight', { value: 1080, configurable: true });
  document.body.append(element);
  return L.map(element, { zoomSnap: 0.1, fadeAnimation: false, zoomAnimation: false, ...options }).setView(center, zoom, { animate: false });
}
