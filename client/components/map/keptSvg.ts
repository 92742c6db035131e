import L from 'leaflet';

/**
 * How far the district outlines reach past the view, in map sizes on each side: a pan of up to
 * this much keeps them as they are.
 */
export const OUTLINE_REACH = 0.5;

/** What the override reads of Leaflet's SVG renderer, beyond its public face. */
interface SvgInternals {
  _map: L.Map & { _animatingZoom?: boolean };
  _bounds?: L.Bounds;
  _zoom?: number;
  /** The pixel origin and the map's size when the outlines were last clipped. */
  _keptOrigin?: L.Point;
  _keptSize?: L.Point;
}

const svgUpdate = (L.SVG.prototype as unknown as { _update: (this: SvgInternals) => void })._update;

/** Whether the outlines clipped last still cover the view as it is now (same zoom, origin and size). */
function stillCovers(renderer: SvgInternals): boolean {
  const map = renderer._map;
  const bounds = renderer._bounds;
  if (!bounds || map._animatingZoom || renderer._zoom !== map.getZoom()) return false;
  if (!renderer._keptOrigin?.equals(map.getPixelOrigin()) || !renderer._keptSize?.equals(map.getSize())) return false;
  const view = L.bounds(map.containerPointToLayerPoint([0, 0]), map.containerPointToLayerPoint(map.getSize()));
  return bounds.contains(view);
}

/**
 * Leaflet's SVG renderer for the district outlines, kept through the pans that stay inside it
 * (issue 17 item 4). Leaflet clips and simplifies every outline (16,000 points) and rewrites
 * their paths at each pan's end, and Chromium paints them anew: at province scale the largest part
 * of a pan's script after the point layers kept their drawings. This renderer clips them half a map
 * past the view on each side (`OUTLINE_REACH`) and does nothing at a pan's end while the view is
 * still inside that, at the same zoom, pixel origin and map size: the outlines, fixed in layer
 * pixels, move with the map's pane as they are.
 */
export const KeptSvg = L.SVG.extend({
  options: { padding: OUTLINE_REACH },
  _update(this: SvgInternals) {
    if (stillCovers(this)) return;
    svgUpdate.call(this);
    this._keptOrigin = this._map.getPixelOrigin();
    this._keptSize = this._map.getSize();
  },
}) as unknown as new (options: L.RendererOptions) => L.SVG;
