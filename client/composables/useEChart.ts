import { BarChart, LineChart, type BarSeriesOption, type LineSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  type GridComponentOption,
  type MarkLineComponentOption,
  type TitleComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import { init, use, type ComposeOption, type EChartsType } from 'echarts/core';
import { LabelLayout } from 'echarts/features';
import { CanvasRenderer } from 'echarts/renderers';
import { onMounted, onUnmounted, watch, type Ref } from 'vue';

use([BarChart, LineChart, GridComponent, MarkLineComponent, TitleComponent, TooltipComponent, LabelLayout, CanvasRenderer]);

/** The chart options this app composes from: bar and line charts with grids, tooltips, mark lines and titles. */
export type ChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | GridComponentOption | MarkLineComponentOption | TitleComponentOption | TooltipComponentOption
>;

/**
 * Draws `option` into `container` with ECharts once mounted, redraws when it changes, follows the
 * element's size, and disposes of the chart when the component goes away. For charts with tooltips,
 * on pages that are not live screens; the console's, /health's and the kiosk's charts are drawn in
 * the chart worker (useWorkerChart.ts), which also keeps them sharp in the kiosk's scaled stage.
 */
export function useEChart(container: Ref<HTMLElement | null>, option: Ref<ChartOption | null>): void {
  let chart: EChartsType | null = null;
  let resizeObserver: ResizeObserver | null = null;

  function draw(): void {
    if (chart && option.value) chart.setOption(option.value, { notMerge: true });
  }

  onMounted(() => {
    if (!container.value) return;
    chart = init(container.value, null, { renderer: 'canvas' });
    resizeObserver = new ResizeObserver(() => chart?.resize());
    resizeObserver.observe(container.value);
    draw();
  });
  watch(option, draw);
  onUnmounted(() => {
    resizeObserver?.disconnect();
    resizeObserver = null;
    chart?.dispose();
    chart = null;
  });
}
