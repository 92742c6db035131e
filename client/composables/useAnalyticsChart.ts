import { BarChart, HeatmapChart, type BarSeriesOption, type HeatmapSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  TooltipComponent,
  VisualMapComponent,
  type GridComponentOption,
  type TooltipComponentOption,
  type VisualMapComponentOption,
} from 'echarts/components';
import { init, use, type ComposeOption, type EChartsType } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { onMounted, onUnmounted, watch, type Ref } from 'vue';

use([BarChart, HeatmapChart, GridComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

/** The charts of the alarm analytics: bars and the hour × weekday heat map, with grids, tooltips and a visual map. */
export type AnalyticsChartOption = ComposeOption<BarSeriesOption | HeatmapSeriesOption | GridComponentOption | TooltipComponentOption | VisualMapComponentOption>;

/** What a click on a bar or a cell names: its series and its index in the series' data. */
export interface ChartClick {
  seriesIndex: number;
  dataIndex: number;
}

/**
 * Draws `option` into `container` once mounted, redraws when it changes, follows the element's
 * size, calls `onClick` with the clicked item (a drill-down), and disposes of the chart after.
 */
export function useAnalyticsChart(container: Ref<HTMLElement | null>, option: Ref<AnalyticsChartOption | null>, onClick?: (click: ChartClick) => void): void {
  let chart: EChartsType | null = null;
  let resizeObserver: ResizeObserver | null = null;

  function draw(): void {
    if (chart && option.value) chart.setOption(option.value, { notMerge: true });
  }

  onMounted(() => {
    if (!container.value) return;
    chart = init(container.value, null, { renderer: 'canvas' });
    if (onClick) chart.on('click', (params) => onClick({ seriesIndex: params.seriesIndex ?? 0, dataIndex: params.dataIndex }));
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
