import { describe, expect, it } from 'vitest';
import { boxesIntersect, layoutLabels, nearestPointOnBox, type Box, type LabelRequest } from '../../client/label-layout.js';
import { shortSchoolName } from '../../client/school-names.js';

/** A small deterministic pseudo-random sequence (mulberry32), so the dense sets are the same on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` labels of school-name width anchored inside a `spread`-pixel square around (cx, cy). */
function denseLabels(count: number, seed: number, cx = 300, cy = 220, spread = 120): LabelRequest[] {
  const next = random(seed);
  return Array.from({ length: count }, (_, i) => ({
    id: `S${String(i).padStart(4, '0')}`,
    x: cx + (next() - 0.5) * spread,
    y: cy + (next() - 0.5) * spread,
    width: 90 + Math.round(next() * 120),
    height: 28,
    priority: i,
  }));
}

function noneIntersect(boxes: readonly Box[]): boolean {
  for (let i = 0; i < boxes.length; i += 1) for (let j = i + 1; j < boxes.length; j += 1) if (boxesIntersect(boxes[i]!, boxes[j]!)) return false;
  return true;
}

const PANEL = { width: 600, height: 440 };

describe(layoutLabels.name, () => {
  it('places no two labels over each other, however dense the anchors', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { placed, unplaced } = layoutLabels(denseLabels(60, seed), PANEL);
      expect(placed.length + unplaced.length).toBe(60);
      expect(placed.length).toBeGreaterThan(8);
      expect(noneIntersect(placed)).toBe(true);
    }
  });

  it('keeps every label inside the panel, also for anchors at its edges and corners', () => {
    const edges: LabelRequest[] = [
      { id: 'top-left', x: 2, y: 2, width: 200, height: 28, priority: 1 },
      { id: 'bottom-right', x: 598, y: 438, width: 200, height: 28, priority: 1 },
      { id: 'right', x: 590, y: 200, width: 240, height: 28, priority: 1 },
      { id: 'bottom', x: 300, y: 439, width: 240, height: 28, priority: 1 },
    ];
    const { placed, unplaced } = layoutLabels([...edges, ...denseLabels(40, 9, 560, 400, 80)], PANEL);
    expect(unplaced).not.toContain('top-left');
    for (const box of placed) {
      expect(box.left).toBeGreaterThanOrEqual(0);
      expect(box.top).toBeGreaterThanOrEqual(0);
      expect(box.left + box.width).toBeLessThanOrEqual(PANEL.width);
      expect(box.top + box.height).toBeLessThanOrEqual(PANEL.height);
    }
  });

  it('keeps the margin asked for along the edge', () => {
    const { placed } = layoutLabels([{ id: 'A', x: 590, y: 5, width: 120, height: 28, priority: 1 }], { ...PANEL, margin: 10 });
    expect(placed[0]!.top).toBeGreaterThanOrEqual(10);
    expect(placed[0]!.left + placed[0]!.width).toBeLessThanOrEqual(PANEL.width - 10);
  });

  it('leaves out a label that does not fit rather than overlapping (a label wider than the panel)', () => {
    const { placed, unplaced } = layoutLabels([{ id: 'wide', x: 300, y: 200, width: 700, height: 28, priority: 1 }], PANEL);
    expect(placed).toEqual([]);
    expect(unplaced).toEqual(['wide']);
  });

  it('puts a lone label beside its ring, to the right, with no leader line', () => {
    const { placed } = layoutLabels([{ id: 'A', x: 100, y: 100, width: 120, height: 28, priority: 1 }], { ...PANEL, anchorRadius: 24, gap: 4 });
    expect(placed).toEqual([{ id: 'A', left: 128, top: 86, width: 120, height: 28, displaced: false }]);
  });

  it('gives the best position to the highest priority, whatever the input order', () => {
    const a: LabelRequest = { id: 'low', x: 100, y: 100, width: 120, height: 28, priority: 5 };
    const b: LabelRequest = { id: 'high', x: 104, y: 100, width: 120, height: 28, priority: 1 };
    for (const input of [[a, b], [b, a]]) {
      const { placed } = layoutLabels(input, PANEL);
      expect(placed.map((p) => p.id)).toEqual(['high', 'low']);
      expect(placed[0]?.displaced).toBe(false);
    }
  });

  it('keeps the most important labels when not all fit', () => {
    const labels = denseLabels(200, 7, 300, 220, 40);
    const { placed, unplaced } = layoutLabels(labels, { width: 400, height: 300 });
    expect(unplaced.length).toBeGreaterThan(0);
    // The first few by priority always find a place; the left-out ones are the least important.
    expect(placed.slice(0, 3).map((p) => p.id)).toEqual(['S0000', 'S0001', 'S0002']);
    expect(unplaced.some((id) => Number(id.slice(1)) < 3)).toBe(false);
  });

  it('is deterministic: the same input gives the same layout, in any input order', () => {
    const labels = denseLabels(80, 3);
    const first = layoutLabels(labels, PANEL);
    expect(layoutLabels(labels, PANEL)).toEqual(first);
    expect(layoutLabels([...labels].reverse(), PANEL)).toEqual(first);
  });

  it('keeps labels off the obstacles (rings, panels over the map)', () => {
    const legend: Box = { left: 0, top: 240, width: 360, height: 200 };
    const rings: Box[] = denseLabels(30, 11).map((l) => ({ left: l.x - 22, top: l.y - 22, width: 44, height: 44 }));
    const { placed } = layoutLabels(denseLabels(30, 11), { ...PANEL, obstacles: [legend, ...rings] });
    for (const box of placed) {
      expect(boxesIntersect(box, legend)).toBe(false);
      for (const ring of rings) expect(boxesIntersect(box, ring)).toBe(false);
    }
  });

  it('marks a label placed away from its ring as displaced (it gets a leader line)', () => {
    const { placed } = layoutLabels(denseLabels(20, 5), PANEL);
    expect(placed.some((p) => p.displaced)).toBe(true);
    expect(placed.some((p) => !p.displaced)).toBe(true);
  });

  it('lays out 500 anchors in a few milliseconds', () => {
    const labels = denseLabels(500, 13, 960, 540, 1600);
    layoutLabels(labels, { width: 1920, height: 1080 });
    // The best of ten runs: the machine may be busy with other work, the layout itself is what is measured.
    let best = Infinity;
    for (let i = 0; i < 10; i += 1) {
      const started = performance.now();
      layoutLabels(labels, { width: 1920, height: 1080 });
      best = Math.min(best, performance.now() - started);
    }
    expect(best).toBeLessThan(10);
  });
});

describe(nearestPointOnBox.name, () => {
  it('answers the box point nearest to the anchor', () => {
    const box = { left: 10, top: 10, width: 20, height: 10 };
    expect(nearestPointOnBox(box, 0, 0)).toEqual({ x: 10, y: 10 });
    expect(nearestPointOnBox(box, 15, 40)).toEqual({ x: 15, y: 20 });
    expect(nearestPointOnBox(box, 50, 15)).toEqual({ x: 30, y: 15 });
  });
});

describe(shortSchoolName.name, () => {
  it('drops the city and district the name starts with, and keeps a name that has neither', () => {
    expect(shortSchoolName('平顶山市新华区东环路幼儿园', '410402')).toBe('东环路幼儿园');
    expect(shortSchoolName('平顶山市舞钢市第一中学', '410481')).toBe('第一中学');
    expect(shortSchoolName('舞钢市第二小学', '410481')).toBe('第二小学');
    expect(shortSchoolName('鲁山县第一中学', '410423')).toBe('第一中学');
    expect(shortSchoolName('实验小学', '410402')).toBe('实验小学');
  });

  it('keeps 市 on a city-level school, so it never reads as the district school of the same name', () => {
    expect(shortSchoolName('平顶山市第二初级中学', '410402')).toBe('市第二初级中学');
    expect(shortSchoolName('平顶山市新华区第二初级中学', '410402')).toBe('第二初级中学');
  });
});
