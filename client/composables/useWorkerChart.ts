import { onMounted, onUnmounted, shallowRef, watch, type Ref } from 'vue';
import { MAX_CHART_SIDE } from '../chart-request.js';
import { drawChart } from '../chart-worker.js';
import type { ChartOption } from './useEChart.js';

/**
 * Shows `option` in `container` as an SVG picture drawn by the chart worker (chart-worker.ts):
 * redrawn when the option or the element's size changes, the picture before it kept until the new
 * one is ready. For charts without tooltips on screens that must never stall (the console, the
 * kiosk, /health). The container's `data-drawn-by` says where the picture was drawn.
 */
export function useWorkerChart(container: Ref<HTMLElement | null>, option: Ref<ChartOption | null>): void {
  const size = shallowRef<{ width: number; height: number } | null>(null);
  let observer: ResizeObserver | null = null;
  /** The latest draw asked for: an older answer that comes later is dropped. */
  let latest = 0;

  onMounted(() => {
    if (!container.value) return;
    observer = new ResizeObserver(([entry]) => {
      if (!entry) return;
      const width = Math.min(MAX_CHART_SIDE, Math.round(entry.contentRect.width));
      const height = Math.min(MAX_CHART_SIDE, Math.round(entry.contentRect.height));
      if (size.value?.width !== width || size.value.height !== height) size.value = { width, height };
    });
    observer.observe(container.value);
  });

  watch([option, size], ([chartOption, box]) => {
    if (!chartOption || !box || box.width <= 0 || box.height <= 0) return;
    const ticket = ++latest;
    drawChart(chartOption, box.width, box.height).then(
      (drawn) => {
        const element = container.value;
        if (ticket !== latest || !element) return;
        element.innerHTML = drawn.svg;
        element.dataset.drawnBy = drawn.by;
      },
      (error: unknown) => console.warn('chart: not drawn', error),
    );
  });

  onUnmounted(() => {
    observer?.disconnect();
    observer = null;
    latest++;
  });
}
