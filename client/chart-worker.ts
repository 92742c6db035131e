import type { ChartAnswer, ChartRequest } from './chart-request.js';
import type { ChartOption } from './composables/useEChart.js';

/** A chart's picture, and where it was drawn: in the chart worker, or on the page where none runs. */
export interface DrawnChart {
  svg: string;
  by: 'worker' | 'page';
}

interface Waiting {
  request: ChartRequest;
  resolve: (drawn: DrawnChart) => void;
  reject: (error: Error) => void;
}

/** The page's one chart worker: undefined until a chart asks, null where none can run. */
let worker: Worker | null | undefined;
let nextId = 0;
const waiting = new Map<number, Waiting>();

async function drawOnPage(request: ChartRequest): Promise<DrawnChart> {
  const { drawChartSvg } = await import('./chart-svg.js');
  return { svg: drawChartSvg(request.option, request.width, request.height), by: 'page' };
}

/** A worker that cannot start or dies: what it was asked, and every later chart, is drawn on the page. */
function giveUpOnWorker(reason: unknown): void {
  console.warn('charts: no worker, drawing them on the page', reason);
  worker?.terminate();
  worker = null;
  const left = [...waiting.values()];
  waiting.clear();
  for (const { request, resolve, reject } of left) drawOnPage(request).then(resolve, reject);
}

function chartWorker(): Worker | null {
  if (worker !== undefined) return worker;
  if (typeof Worker === 'undefined') return (worker = null);
  try {
    worker = new Worker(new URL('./charts.worker.ts', import.meta.url), { type: 'module' });
  } catch (error) {
    giveUpOnWorker(error);
    return null;
  }
  worker.addEventListener('message', (event: MessageEvent<ChartAnswer>) => {
    const answer = event.data;
    const asked = waiting.get(answer.id);
    if (!asked) return;
    waiting.delete(answer.id);
    if ('svg' in answer) asked.resolve({ svg: answer.svg, by: 'worker' });
    else asked.reject(new Error(answer.error));
  });
  worker.addEventListener('error', (event) => giveUpOnWorker(event.message));
  return worker;
}

/**
 * Draws a chart as SVG text (chart-svg.ts), in the chart worker so that ECharts' work stays off
 * the page's thread. `option` must be plain data: a function or a reactive proxy in it cannot be
 * sent to the worker, and the chart is then drawn on the page (with a warning to find it by).
 */
export function drawChart(option: ChartOption, width: number, height: number): Promise<DrawnChart> {
  const request: ChartRequest = { id: nextId++, option, width, height };
  const target = chartWorker();
  if (!target) return drawOnPage(request);
  return new Promise((resolve, reject) => {
    waiting.set(request.id, { request, resolve, reject });
    try {
      target.postMessage(request);
    } catch (error) {
      waiting.delete(request.id);
      console.warn('charts: an option the worker cannot take, drawn on the page', error);
      drawOnPage(request).then(resolve, reject);
    }
  });
}
