// @vitest-environment happy-dom
import type L from 'leaflet';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRingLabeller, type LabelledRing } from '../../client/components/map/ringLabels.js';
import { nextTask } from '../../client/reactive-bulk.js';

const WIDTH = 594;
const HEIGHT = 440;
/** The labeller's margin along the map's edge (ringLabels.ts EDGE). */
const EDGE = 10;

/**
 * Just enough of a Leaflet map for the labeller: events, a fixed size, and a view that is a
 * shift of the plane (a ring at [x, y] is drawn at (x + dx, y + dy)), moved by `pan`.
 */
class FakeMap {
  readonly container = document.createElement('div');
  private readonly handlers = new Map<string, Set<() => void>>();
  private dx = 0;
  private dy = 0;

  constructor() {
    document.body.append(this.container);
  }

  on(types: string, handler: () => void): this {
    for (const type of types.split(' ')) {
      const set = this.handlers.get(type) ?? new Set();
      set.add(handler);
      this.handlers.set(type, set);
    }
    return this;
  }

  off(types: string, handler: () => void): this {
    for (const type of types.split(' ')) this.handlers.get(type)?.delete(handler);
    return this;
  }

  fire(type: string): void {
    for (const handler of [...(this.handlers.get(type) ?? [])]) handler();
  }

  listening(): number {
    return [...this.handlers.values()].reduce((sum, set) => sum + set.size, 0);
  }

  getContainer(): HTMLElement {
    return this.container;
  }

  getSize(): { x: number; y: number } {
    return { x: WIDTH, y: HEIGHT };
  }

  latLngToContainerPoint(latLng: [number, number]): { x: number; y: number } {
    return { x: latLng[0] + this.dx, y: latLng[1] + this.dy };
  }

  /** Moves the view as one frame of a pan or flight does: the rings (and the labels on them) move, then `move` fires. */
  pan(dx: number, dy: number): void {
    this.dx += dx;
    this.dy += dy;
    this.fire('move');
  }
}

function ring(id: string, x: number, y: number, priority: number): LabelledRing {
  const label = document.createElement('span');
  Object.defineProperty(label, 'offsetWidth', { value: 128 });
  Object.defineProperty(label, 'offsetHeight', { value: 30 });
  return { id, latLng: [x, y] as L.LatLngExpression, label, leader: document.createElement('span'), priority };
}

/** Where `ring`'s shown label lies in the map's container now: its ring's current point plus the label's offset from it. */
function drawnBox(map: FakeMap, labelled: LabelledRing): { left: number; top: number; right: number; bottom: number } {
  const anchor = map.latLngToContainerPoint(labelled.latLng as [number, number]);
  const left = anchor.x + Number.parseFloat(labelled.label.style.left);
  const top = anchor.y + Number.parseFloat(labelled.label.style.top);
  return { left, top, right: left + labelled.label.offsetWidth, bottom: top + labelled.label.offsetHeight };
}

function shown(labelled: LabelledRing): boolean {
  return labelled.label.dataset.placed === 'true' && labelled.label.style.visibility !== 'hidden';
}

/** Every label shown lies inside the map, by the edge margin. */
function expectInside(map: FakeMap, rings: readonly LabelledRing[]): void {
  for (const labelled of rings.filter(shown)) {
    const box = drawnBox(map, labelled);
    expect(box.left, labelled.id).toBeGreaterThanOrEqual(EDGE);
    expect(box.top, labelled.id).toBeGreaterThanOrEqual(EDGE);
    expect(box.right, labelled.id).toBeLessThanOrEqual(WIDTH - EDGE);
    expect(box.bottom, labelled.id).toBeLessThanOrEqual(HEIGHT - EDGE);
  }
}

/** Lets queued microtasks run (the labeller's layout), and nothing else: no timer, no animation frame. */
async function sameTask(): Promise<void> {
  await Promise.resolve();
  await Promise.resolve();
}

describe('ring labels follow the map (ringLabels.ts)', () => {
  let frames: ReturnType<typeof vi.fn>;

  beforeEach(() => {
    // A busy or hidden page: the next animation frame does not come.
    frames = vi.fn(() => 1);
    vi.stubGlobal('requestAnimationFrame', frames);
  });

  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.replaceChildren();
  });

  it('lays the labels out in the task the map comes to rest in, without waiting for an animation frame', async () => {
    const map = new FakeMap();
    // A row of rings near the right edge, as around a school the console flies to.
    const rings = [ring('S1', 450, 200, 1), ring('S2', 520, 120, 2), ring('S3', 380, 330, 3)];
    let unplaced = -1;
    createRingLabeller(map as unknown as L.Map, () => rings, (count) => (unplaced = count));
    await sameTask();
    expect(map.container.dataset.labels).toBe('placed');
    expect(rings.filter(shown).length).toBe(3);
    expect(unplaced).toBe(0);
    expectInside(map, rings);

    // A flight that brings the rings 318 px left: while it lasts the labels travel with their rings.
    map.fire('movestart');
    map.fire('zoomstart');
    expect(map.container.dataset.labels).toBe('moving');
    for (let step = 0; step < 6; step += 1) map.pan(-53, 0);
    expect(map.container.dataset.labels).toBe('moving');
    map.fire('zoomend');
    map.fire('moveend');
    // Once the map is still, every label is laid out for the view it shows: none lies outside the map.
    await sameTask();
    expect(map.container.dataset.labels).toBe('placed');
    expectInside(map, rings);
    expect(rings.filter(shown).length).toBeGreaterThan(0);
    expect(frames).not.toHaveBeenCalled();
  });

  it('hides the label of a ring the map moved out of view', async () => {
    const map = new FakeMap();
    const rings = [ring('S1', 40, 200, 1), ring('S2', 300, 200, 2)];
    createRingLabeller(map as unknown as L.Map, () => rings, () => undefined);
    await sameTask();
    expect(rings.every(shown)).toBe(true);
    map.fire('movestart');
    map.pan(-200, 0);
    map.fire('moveend');
    await sameTask();
    expect(shown(rings[0]!)).toBe(false);
    expect(rings[0]!.label.style.visibility).toBe('hidden');
    expect(shown(rings[1]!)).toBe(true);
    expectInside(map, rings);
  });

  it('stays `moving` through a layout asked for during a flight (the rings changed), and is `placed` once it ends', async () => {
    const map = new FakeMap();
    const rings = [ring('S1', 300, 200, 1)];
    const labeller = createRingLabeller(map as unknown as L.Map, () => rings, () => undefined);
    await sameTask();
    map.fire('movestart');
    map.pan(-40, 10);
    rings.push(ring('S2', 200, 300, 2));
    labeller.schedule();
    await nextTask();
    await sameTask();
    // Laid out for this frame of the flight, but the flight goes on.
    expect(shown(rings[1]!)).toBe(true);
    expect(map.container.dataset.labels).toBe('moving');
    map.pan(-40, 10);
    expect(map.container.dataset.labels).toBe('moving');
    map.fire('moveend');
    await sameTask();
    expect(map.container.dataset.labels).toBe('placed');
    expectInside(map, rings);
  });

  it('lays out once for a burst of events and requests, and lets the map go on dispose', async () => {
    const map = new FakeMap();
    const rings = [ring('S1', 300, 200, 1)];
    let layouts = 0;
    const labeller = createRingLabeller(map as unknown as L.Map, () => rings, () => (layouts += 1));
    await sameTask();
    layouts = 0;
    map.fire('zoomend');
    map.fire('moveend');
    map.fire('resize');
    labeller.schedule();
    await sameTask();
    expect(layouts).toBe(1);
    // The request's own turn, a task later, finds the layout done.
    await nextTask();
    await sameTask();
    expect(layouts).toBe(1);
    labeller.dispose();
    expect(map.listening()).toBe(0);
    labeller.schedule();
    await nextTask();
    await sameTask();
    expect(layouts).toBe(1);
  });

  it('lays out a change of the rings in the next task, not in the one that made it, `moving` meanwhile', async () => {
    const map = new FakeMap();
    const rings = [ring('S1', 300, 200, 1)];
    let layouts = 0;
    const labeller = createRingLabeller(map as unknown as L.Map, () => rings, () => (layouts += 1));
    await sameTask();
    expect(map.container.dataset.labels).toBe('placed');
    rings.push(ring('S2', 200, 300, 2));
    labeller.schedule();
    labeller.schedule();
    await sameTask();
    expect(layouts).toBe(1);
    expect(shown(rings[1]!)).toBe(false);
    expect(map.container.dataset.labels).toBe('moving');
    await nextTask();
    await sameTask();
    expect(layouts).toBe(2);
    expect(shown(rings[1]!)).toBe(true);
    expect(map.container.dataset.labels).toBe('placed');
    expectInside(map, rings);
  });
});
