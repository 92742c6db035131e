// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { queueCanvasJob } from '../../client/components/map/canvasTurns.js';

/**
 * The canvas layers' turns (client/components/map/canvasTurns.ts): one canvas's work a frame, so a
 * frame's commit copies one changed canvas, not four (issue 17 item 4).
 */
describe('the canvas layers take turns, one a frame', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame', 'cancelAnimationFrame', 'performance'] });
  });
  afterEach(() => {
    vi.runOnlyPendingTimers();
    vi.useRealTimers();
  });

  it('runs one job after each frame, in the order asked; asking again replaces a job and keeps its place', () => {
    const ran: string[] = [];
    const [schools, posts, police] = [{}, {}, {}];
    queueCanvasJob(schools, () => ran.push('schools'));
    queueCanvasJob(posts, () => ran.push('posts: old'));
    queueCanvasJob(police, () => ran.push('police'));
    queueCanvasJob(posts, () => ran.push('posts: new'));
    expect(ran).toEqual([]);
    vi.advanceTimersByTime(17);
    expect(ran).toEqual(['schools']);
    vi.advanceTimersByTime(17);
    expect(ran).toEqual(['schools', 'posts: new']);
    vi.advanceTimersByTime(17);
    expect(ran).toEqual(['schools', 'posts: new', 'police']);
    vi.advanceTimersByTime(200);
    expect(ran).toHaveLength(3);
  });

  it('a job may ask for another turn for itself: it comes after the others waiting', () => {
    const ran: string[] = [];
    const [layer, other] = [{}, {}];
    queueCanvasJob(layer, () => {
      ran.push('grid');
      queueCanvasJob(layer, () => ran.push('paint'));
    });
    queueCanvasJob(other, () => ran.push('other'));
    vi.advanceTimersByTime(17 * 3);
    expect(ran).toEqual(['grid', 'other', 'paint']);
  });

  it('a failing job does not stop the turns of the others', () => {
    const ran: string[] = [];
    queueCanvasJob({}, () => {
      throw new Error('a broken layer');
    });
    queueCanvasJob({}, () => ran.push('next'));
    expect(() => vi.advanceTimersByTime(17)).toThrow('a broken layer');
    vi.advanceTimersByTime(17);
    expect(ran).toEqual(['next']);
  });

  it('without frames (a hidden tab) the turns still come, one each 100 ms', () => {
    vi.useRealTimers();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const frames = vi.spyOn(globalThis, 'requestAnimationFrame').mockImplementation(() => 0);
    const ran: number[] = [];
    queueCanvasJob({}, () => ran.push(1));
    queueCanvasJob({}, () => ran.push(2));
    vi.advanceTimersByTime(99);
    expect(ran).toEqual([]);
    vi.advanceTimersByTime(2);
    expect(ran).toEqual([1]);
    vi.advanceTimersByTime(101);
    expect(ran).toEqual([1, 2]);
    frames.mockRestore();
  });
});
