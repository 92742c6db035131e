import { describe, expect, it } from 'vitest';
import { answerChartRequest, drawChartSvg } from '../../client/chart-svg.js';
import type { ChartOption } from '../../client/composables/useEChart.js';

const bars = (values: number[], names: string[]): ChartOption => ({
  animation: false,
  title: { text: '各区县报警数' },
  xAxis: { type: 'category', data: names },
  yAxis: { type: 'value', max: 10 },
  series: [{ type: 'bar', data: values, label: { show: true, position: 'top' } }],
});

/** The bars of a drawn chart: ECharts draws each as a path with the series' colour. */
const barCount = (svg: string, colour: string): number => svg.split(`fill="${colour}"`).length - 1;

describe(drawChartSvg.name, () => {
  it('draws a chart the size of its box, with its texts and one bar a value', () => {
    const option: ChartOption = { ...bars([3, 5, 0], ['新华', '卫东', '湛河']), color: ['#3d8bff'] };
    const svg = drawChartSvg(option, 640, 240);
    expect(svg).toMatch(/^<svg width="640" height="240"/);
    expect(svg).toContain('viewBox="0 0 640 240"');
    for (const text of ['各区县报警数', '新华', '卫东', '湛河']) expect(svg).toContain(`>${text}<`);
    expect(barCount(svg, '#3d8bff')).toBe(3);
    expect(barCount(drawChartSvg({ ...option, xAxis: { type: 'category', data: ['a', 'b', 'c', 'd'] }, series: [{ type: 'bar', data: [3, 5, 4, 1] }] }, 640, 240), '#3d8bff')).toBe(4);
  });

  it('writes text as text: a name with markup in it is not markup in the picture', () => {
    const svg = drawChartSvg(bars([1], ['<img src=x onerror=alert(1)>']), 400, 200);
    expect(svg).not.toContain('<img');
    expect(svg).toContain('&lt;img');
  });
});

describe(answerChartRequest.name, () => {
  it('answers a request with its id and picture', () => {
    const answer = answerChartRequest({ id: 7, width: 300, height: 120, option: bars([2], ['叶县']) });
    expect(answer.id).toBe(7);
    expect('svg' in answer && answer.svg).toContain('>叶县<');
  });

  it('refuses what is not a chart request, and a box larger than a 4K wall, without throwing', () => {
    for (const bad of [null, 'svg', { id: 1, width: 0, height: 100, option: {} }, { id: 2, width: 300, height: 9000, option: {} }, { id: 3, width: 300, height: 100 }]) {
      const answer = answerChartRequest(bad);
      expect('error' in answer).toBe(true);
    }
  });

  it('answers an option ECharts cannot draw with its reason, under the request’s id', () => {
    const answer = answerChartRequest({ id: 4, width: 300, height: 100, option: { series: [{ type: 'bar', xAxisIndex: 3, data: [1] }] } });
    expect(answer.id).toBe(4);
    expect('error' in answer && answer.error.length).toBeGreaterThan(0);
  });
});
