import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, MarkLineComponent, TitleComponent } from 'echarts/components';
import { init, setPlatformAPI, use } from 'echarts/core';
import { LabelLayout } from 'echarts/features';
import { SVGRenderer } from 'echarts/renderers';
import { chartSvg } from '../shared/chart-svg.js';
import { chartRequestSchema, type ChartAnswer } from './chart-request.js';
import type { ChartOption } from './composables/useEChart.js';

use([BarChart, LineChart, GridComponent, MarkLineComponent, TitleComponent, LabelLayout, SVGRenderer]);

// In a worker there is no document: ECharts measures its labels' text on an offscreen canvas, with
// the same fonts as the page (without it, it guesses widths from a table of Latin letters).
if (typeof document === 'undefined' && typeof OffscreenCanvas !== 'undefined') {
  setPlatformAPI({ createCanvas: () => new OffscreenCanvas(1, 1) as unknown as HTMLCanvasElement });
}

/**
 * Draws a chart as an SVG document (ECharts' server-side rendering: no DOM, no canvas to commit),
 * so a chart's first draw — ECharts' cold start, 150–350 ms of script — runs in a worker rather
 * than on the page's thread, where it held up the console's alarms (docs/map-scale.md).
 * Charts drawn this way show no tooltips: the ones that need them keep `useEChart`.
 */
export function drawChartSvg(option: ChartOption, width: number, height: number): string {
  return chartSvg(init, option, width, height);
}

/** Answers one message to the chart worker; a malformed one gets an error, never a throw. */
export function answerChartRequest(data: unknown): ChartAnswer {
  const parsed = chartRequestSchema.safeParse(data);
  if (!parsed.success) return { id: -1, error: 'malformed chart request' };
  const { id, option, width, height } = parsed.data;
  try {
    return { id, svg: drawChartSvg(option as ChartOption, width, height) };
  } catch (error) {
    return { id, error: error instanceof Error ? error.message : String(error) };
  }
}
