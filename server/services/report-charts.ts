import * as echarts from 'echarts';
import { ALARM_TYPES } from '../../shared/domain/alarm.js';
import { findDistrict } from '../../shared/domain/index.js';
import type { ReportFigures } from '../../shared/report.js';
import { chartSvg } from '../../shared/chart-svg.js';

/**
 * The report's charts, rendered with ECharts' server-side SVG renderer (no DOM, no canvas). The PDF
 * rasterises each chart without its text (sharp/librsvg would look for a CJK font on the machine)
 * and draws the text itself with the shipped font at the positions ECharts gave it.
 */

/** One label of a chart: where ECharts put it, in the chart's own pixels. */
export interface ChartText {
  text: string;
  x: number;
  y: number;
  size: number;
  anchor: 'start' | 'middle' | 'end';
  fill: string;
}

export interface RenderedChart {
  title: string;
  width: number;
  height: number;
  /** The full SVG (with its text), as ECharts rendered it. */
  svg: string;
  /** The SVG without its text elements: the PDF rasterises this. */
  shapes: string;
  texts: ChartText[];
}

export const TYPE_NAMES: Record<(typeof ALARM_TYPES)[number], string> = {
  sos: '一键报警',
  intrusion: '入侵',
  camera_fault: '视频故障',
  post_absent: '护学岗缺岗',
  access_anomaly: '门禁异常',
};

const TEXT = /<text\b([^>]*)>([^<]*)<\/text>/g;

function attribute(attrs: string, name: string): string | undefined {
  return new RegExp(`\\b${name}="([^"]*)"`).exec(attrs)?.[1];
}

function unescape(text: string): string {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&amp;', '&');
}

/** The text elements of an ECharts SSR SVG (translate transforms only: the report's charts rotate no label). */
export function chartTexts(svg: string): ChartText[] {
  const texts: ChartText[] = [];
  for (const [, attrs = '', body = ''] of svg.matchAll(TEXT)) {
    const translate = /translate\(([-\d.]+)[ ,]([-\d.]+)\)/.exec(attribute(attrs, 'transform') ?? '');
    const x = Number(translate?.[1] ?? 0) + Number(attribute(attrs, 'x') ?? 0);
    const y = Number(translate?.[2] ?? 0) + Number(attribute(attrs, 'y') ?? 0);
    const size = Number(/font-size:([\d.]+)px/.exec(attribute(attrs, 'style') ?? '')?.[1] ?? 12);
    const anchor = attribute(attrs, 'text-anchor');
    texts.push({ text: unescape(body), x, y, size, anchor: anchor === 'middle' || anchor === 'end' ? anchor : 'start', fill: attribute(attrs, 'fill') ?? '#333' });
  }
  return texts;
}

/** A bar chart's option: the same dark-on-white palette for print. */
export function barOption(title: string, categories: string[], values: number[], colour: string): echarts.EChartsCoreOption {
  return {
    animation: false,
    backgroundColor: '#ffffff',
    title: { text: title, left: 8, top: 4, textStyle: { fontSize: 14, fontWeight: 'normal', color: '#1a1a1f' } },
    grid: { left: 44, right: 12, top: 40, bottom: 30 },
    xAxis: { type: 'category', data: categories, axisLabel: { fontSize: 11, color: '#444', interval: 0 } },
    yAxis: { type: 'value', minInterval: 1, axisLabel: { fontSize: 11, color: '#444' } },
    series: [{ type: 'bar', data: values, itemStyle: { color: colour }, label: { show: true, position: 'top', fontSize: 10, color: '#1a1a1f', formatter: (p: { value: unknown }) => (p.value ? String(p.value) : '') } }],
  };
}

/** Renders one option to SVG. */
export function renderChart(title: string, option: echarts.EChartsCoreOption, width: number, height: number): RenderedChart {
  const svg = chartSvg(echarts.init, option, width, height);
  return { title, width, height, svg, shapes: svg.replace(TEXT, ''), texts: chartTexts(svg) };
}

/** The report's charts: alarms by hour of day, by type, by district. */
export function reportCharts(figures: ReportFigures): RenderedChart[] {
  const hours = figures.alarms.byHour.map((_, h) => String(h));
  const districts = figures.alarms.byDistrict.map((d) => findDistrict(d.districtCode)?.name ?? d.districtCode);
  return [
    renderChart('按小时', barOption('报警按小时分布 Alarms by hour of day', hours, figures.alarms.byHour, '#c0392b'), 515, 170),
    renderChart('按类型', barOption('报警按类型 Alarms by type', ALARM_TYPES.map((t) => TYPE_NAMES[t]), ALARM_TYPES.map((t) => figures.alarms.byType[t]), '#d35400'), 515, 170),
    renderChart('按区县', barOption('报警按区县 Alarms by district', districts, figures.alarms.byDistrict.map((d) => d.alarms), '#2c6fbb'), 515, 180),
  ];
}
