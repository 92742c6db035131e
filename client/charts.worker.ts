import { answerChartRequest } from './chart-svg.js';

/** Draws the page's worker charts (chart-svg.ts) off its thread and hands each back as SVG text. */
self.addEventListener('message', (event: MessageEvent<unknown>) => {
  self.postMessage(answerChartRequest(event.data));
});
