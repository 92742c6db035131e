/**
 * Map label placement without overlap: each label is tried at candidate positions around its
 * anchor (beside the ring first, then further out on a leader line), most important label
 * first, and takes the first position that stays inside the panel and touches no placed label
 * and no obstacle (the rings themselves, panels over the map). A label with no free position is
 * left out rather than drawn over another one: a covered label would select the wrong school.
 *
 * Pure and deterministic (same input, same layout): the caller measures the boxes and draws.
 * A uniform grid keeps each collision test to the few boxes nearby, so hundreds of labels lay
 * out in a few milliseconds.
 */

/** A box in panel pixels. */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** A label to place: its anchor point (the ring's centre) and its measured size. */
export interface LabelRequest {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Lower goes first (gets the best position). Ties are broken by id. */
  priority: number;
}

/** Where a label goes; `displaced` labels sit away from their ring and need a leader line. */
export interface LabelPlacement extends Box {
  id: string;
  displaced: boolean;
}

export interface LabelLayoutOptions {
  /** The panel the labels must stay inside: (0, 0) to (width, height). */
  width: number;
  height: number;
  /** Free space kept between boxes. */
  gap?: number;
  /** Free space kept to the panel's edge (a frame drawn round the map); `gap` unless given. */
  margin?: number;
  /** Distance from the anchor to the nearest label edge when beside the ring (the ring's radius). */
  anchorRadius?: number;
  /** Boxes no label may touch: the rings' cores, controls and panels drawn over the map. */
  obstacles?: readonly Box[];
  /** How many rings of leader-line positions to try beyond the one beside the anchor. */
  leaderSteps?: number;
}

export interface LabelLayout {
  placed: LabelPlacement[];
  /** Ids with no free position, in priority order. */
  unplaced: string[];
}

const CELL = 64;

/** Whether two boxes overlap (touching edges do not count). */
export function boxesIntersect(a: Box, b: Box): boolean {
  return a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;
}

/** Boxes bucketed by grid cell: a query looks only at the cells a box covers. */
class BoxGrid<T extends Box = Box> {
  private readonly cells = new Map<number, T[]>();

  add(box: T): void {
    const x1 = Math.floor((box.left + box.width) / CELL);
    const y1 = Math.floor((box.top + box.height) / CELL);
    for (let x = Math.floor(box.left / CELL); x <= x1; x += 1) {
      for (let y = Math.floor(box.top / CELL); y <= y1; y += 1) {
        const key = cellKey(x, y);
        const cell = this.cells.get(key);
        if (cell) cell.push(box);
        else this.cells.set(key, [box]);
      }
    }
  }

  /** Whether `box`, grown by `gap` on every side, touches a box in the grid (hot loop: no allocation). */
  hits(box: Box, gap: number): boolean {
    const left = box.left - gap;
    const top = box.top - gap;
    const right = box.left + box.width + gap;
    const bottom = box.top + box.height + gap;
    return this.some(left, top, right, bottom, (other) => left < other.left + other.width && other.left < right && top < other.top + other.height && other.top < bottom);
  }

  /** Whether `test` holds for a box in the cells the rectangle covers. */
  some(left: number, top: number, right: number, bottom: number, test: (box: T) => boolean): boolean {
    const x1 = Math.floor(right / CELL);
    const y1 = Math.floor(bottom / CELL);
    for (let x = Math.floor(left / CELL); x <= x1; x += 1) {
      for (let y = Math.floor(top / CELL); y <= y1; y += 1) {
        const cell = this.cells.get(cellKey(x, y));
        if (cell?.some(test)) return true;
      }
    }
    return false;
  }
}

/** One number per cell; offset so cells left of or above the panel (obstacles over its edge) get keys of their own. */
function cellKey(x: number, y: number): number {
  return (x + 1024) * 4096 + (y + 1024);
}

/** Unit directions in the order tried: right of the ring first (reading order), then left, above, below, corners. */
const NEAR: readonly (readonly [number, number])[] = [
  [1, 0], [-1, 0], [0, -1], [0, 1], [1, -1], [-1, -1], [1, 1], [-1, 1],
];
/** Further out, 16 directions so a crowded ring still finds a gap on some side. */
const FAR: readonly (readonly [number, number])[] = Array.from({ length: 16 }, (_, i) => {
  const angle = (i * Math.PI) / 8;
  return [Math.round(Math.cos(angle) * 1000) / 1000, Math.round(-Math.sin(angle) * 1000) / 1000] as const;
});

/** The box of `label` pushed `distance` from its anchor in direction (dx, dy): the nearest edge or corner faces the anchor. */
function candidate(label: LabelRequest, dx: number, dy: number, distance: number): Box {
  const cx = label.x + dx * distance;
  const cy = label.y + dy * distance;
  const left = dx > 0.01 ? cx : dx < -0.01 ? cx - label.width : cx - label.width / 2;
  const top = dy > 0.01 ? cy : dy < -0.01 ? cy - label.height : cy - label.height / 2;
  return { left, top, width: label.width, height: label.height };
}

function inside(box: Box, options: LabelLayoutOptions, margin: number): boolean {
  return box.left >= margin && box.top >= margin && box.left + box.width <= options.width - margin && box.top + box.height <= options.height - margin;
}

/** A leader line: from the anchor to the label's nearest point. */
interface Segment {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Whether the segment passes through `box` grown by `gap` (Liang–Barsky clipping). */
export function segmentHitsBox(segment: Segment, box: Box, gap: number): boolean {
  const dx = segment.x1 - segment.x0;
  const dy = segment.y1 - segment.y0;
  let enter = 0;
  let exit = 1;
  const edges: [number, number][] = [
    [-dx, segment.x0 - (box.left - gap)],
    [dx, box.left + box.width + gap - segment.x0],
    [-dy, segment.y0 - (box.top - gap)],
    [dy, box.top + box.height + gap - segment.y0],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return false;
      continue;
    }
    const t = q / p;
    if (p < 0) enter = Math.max(enter, t);
    else exit = Math.min(exit, t);
    if (enter > exit) return false;
  }
  return true;
}

/** What is placed so far: every box (for overlap), labels alone and leader lines (so lines do not cross labels). */
interface Placed {
  boxes: BoxGrid;
  labels: BoxGrid;
  /** Each leader line filed under its bounding box. */
  leaders: BoxGrid<Box & { segment: Segment }>;
}

/** Places `labels` (see the module comment); the result lists placed labels in priority order. */
export function layoutLabels(labels: readonly LabelRequest[], options: LabelLayoutOptions): LabelLayout {
  const gap = options.gap ?? 4;
  const radius = options.anchorRadius ?? 24;
  const steps = options.leaderSteps ?? 3;
  const state: Placed = { boxes: new BoxGrid(), labels: new BoxGrid(), leaders: new BoxGrid() };
  for (const obstacle of options.obstacles ?? []) state.boxes.add(obstacle);
  const ordered = [...labels].sort((a, b) => a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const placed: LabelPlacement[] = [];
  const unplaced: string[] = [];
  for (const label of ordered) {
    const found = place(label, options, state, gap, radius, steps);
    if (!found) {
      unplaced.push(label.id);
      continue;
    }
    state.boxes.add(found.box);
    state.labels.add(found.box);
    if (found.leader) state.leaders.add({ ...segmentBounds(found.leader), segment: found.leader });
    placed.push({ id: label.id, ...found.box, displaced: found.leader !== null });
  }
  return { placed, unplaced };
}

function segmentBounds(segment: Segment): Box {
  const left = Math.min(segment.x0, segment.x1);
  const top = Math.min(segment.y0, segment.y1);
  return { left, top, width: Math.abs(segment.x1 - segment.x0), height: Math.abs(segment.y1 - segment.y0) };
}

function leaderTo(label: LabelRequest, box: Box): Segment {
  const end = nearestPointOnBox(box, label.x, label.y);
  return { x0: label.x, y0: label.y, x1: end.x, y1: end.y };
}

/** Whether a leader line would cross a placed label (lines under labels make both hard to read). */
function leaderBlocked(leader: Segment, state: Placed): boolean {
  const { left, top, width, height } = segmentBounds(leader);
  return state.labels.some(left - 1, top - 1, left + width + 1, top + height + 1, (box) => segmentHitsBox(leader, box, 1));
}

function place(label: LabelRequest, options: LabelLayoutOptions, state: Placed, gap: number, radius: number, steps: number): { box: Box; leader: Segment | null } | null {
  // The leader line reaches this far per step: about one label height, so labels stack up in rows.
  const step = label.height + 2 * gap;
  for (let ring = 0; ring <= steps; ring += 1) {
    const directions = ring === 0 ? NEAR : FAR;
    for (const [dx, dy] of directions) {
      const box = candidate(label, dx, dy, radius + gap + ring * step * (1 + Math.abs(dx)));
      if (!inside(box, options, options.margin ?? gap) || state.boxes.hits(box, gap)) continue;
      const right = box.left + box.width + gap;
      const bottom = box.top + box.height + gap;
      if (state.leaders.some(box.left - gap, box.top - gap, right, bottom, ({ segment }) => segmentHitsBox(segment, box, gap))) continue;
      const leader = ring > 0 ? leaderTo(label, box) : null;
      if (leader && leaderBlocked(leader, state)) continue;
      return { box, leader };
    }
  }
  return null;
}

/** The point of `box` nearest to (x, y): where a leader line from the anchor meets the label. */
export function nearestPointOnBox(box: Box, x: number, y: number): { x: number; y: number } {
  return { x: Math.min(Math.max(x, box.left), box.left + box.width), y: Math.min(Math.max(y, box.top), box.top + box.height) };
}
