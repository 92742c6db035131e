/** What `chartSvg` uses of an ECharts instance. */
export interface SsrChart {
  setOption(option: object, settings: { notMerge: boolean }): void;
  renderToSVGString(): string;
  dispose(): void;
}

/** ECharts' `init` (from echarts/core), handed in by the caller: shared/ imports no package. */
export type SsrInit = (dom: null, theme: null, settings: { renderer: 'svg'; ssr: true; width: number; height: number }) => SsrChart;

/**
 * One chart as an SVG document, by ECharts' server-side rendering (no DOM, no canvas): the
 * reports' charts on the server, the screens' charts in the page's chart worker. The caller has
 * registered what the option uses (`use([...])`, with the SVG renderer) with the `init` it gives.
 */
export function chartSvg(init: SsrInit, option: object, width: number, height: number): string {
  const chart = init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option, { notMerge: true });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
