// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { analyticsQuery, defaultAnalyticsForm } from '../../client/stores/analytics.js';

describe(analyticsQuery.name, () => {
  it('asks for the last 30 days everywhere by default', () => {
    expect(analyticsQuery(defaultAnalyticsForm())).toEqual({ preset: '30d' });
  });

  it('sends a preset, or a custom range only with both days; a district and a type when chosen', () => {
    expect(analyticsQuery({ ...defaultAnalyticsForm(), preset: 'term', districtCode: '410402', type: 'camera_fault' })).toEqual({ preset: 'term', districtCode: '410402', type: 'camera_fault' });
    expect(analyticsQuery({ ...defaultAnalyticsForm(), preset: 'custom', from: '2026-03-01', to: '2026-03-31' })).toEqual({ from: '2026-03-01', to: '2026-03-31' });
    expect(analyticsQuery({ ...defaultAnalyticsForm(), preset: 'custom', from: '2026-03-01' })).toEqual({});
    expect(analyticsQuery({ ...defaultAnalyticsForm(), districtCode: '999999' })).toEqual({ preset: '30d' });
  });
});
