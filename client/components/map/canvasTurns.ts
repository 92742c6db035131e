import { afterFrame } from '../../reactive-bulk.js';

/**
 * Canvas work that marks a bitmap changed (a new view applied, new points drawn), one job a frame,
 * each in a task after a frame: the frame's commit copies every changed canvas (in software
 * rendering a full-screen canvas is 20–70 ms to copy), so four layers changed in one frame made one
 * commit of 100–160 ms at a province's load and at the end of every pan (issue 17 item 4). One
 * canvas a frame keeps each commit to one copy; a pan's end finishes within four frames. Keyed by
 * who asked (a renderer, a layer): asking again before its turn replaces its job, keeping its place.
 */
const canvasJobs = new Map<object, () => void>();
let canvasTurnAsked = false;

function askCanvasTurn(): void {
  if (canvasTurnAsked) return;
  canvasTurnAsked = true;
  // After the frame: the job's drawing is committed by the next one, alone.
  afterFrame(runCanvasJob);
}

function runCanvasJob(): void {
  canvasTurnAsked = false;
  const next = canvasJobs.entries().next();
  if (next.done) return;
  const [owner, job] = next.value;
  canvasJobs.delete(owner);
  try {
    job();
  } finally {
    // A layer's failure does not stop the others' turns.
    if (canvasJobs.size > 0) askCanvasTurn();
  }
}

export function queueCanvasJob(owner: object, job: () => void): void {
  canvasJobs.set(owner, job);
  askCanvasTurn();
}

/** Whether a job of this owner is waiting for its turn. */
export function canvasJobWaiting(owner: object): boolean {
  return canvasJobs.has(owner);
}

/** Drops the job of this owner, if one is waiting (a layer removed). */
export function dropCanvasJob(owner: object): void {
  canvasJobs.delete(owner);
}
