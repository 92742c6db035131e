import L from 'leaflet';

/**
 * Leaflet clips and simplifies every outline again, and writes its SVG path again, at the end of
 * every pan (the ten outlines hold 16,000 points: 15–30 ms of a pan's last task, issue 17 item 4).
 * Unclipped (the polygon made with `noClip`), an outline's path depends only on its projection,
 * which changes with the zoom or a reset of the view (`_project`): the path is made after a
 * projection and kept until the next.
 */
export function pathOncePerProjection(layer: L.Layer): void {
  if (!(layer instanceof L.Polygon)) return;
  const path = layer as unknown as { _project: () => void; _update: () => void };
  const project = path._project.bind(layer);
  const update = path._update.bind(layer);
  let projected = false;
  path._project = () => {
    project();
    projected = true;
  };
  path._update = () => {
    if (!projected) return;
    projected = false;
    update();
  };
}
