// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { emptyHistoryFilters, historyQuery } from '../../client/stores/history.js';

describe(historyQuery.name, () => {
  it('asks for closed alarms only, paged by limit, with nothing else when the form is empty', () => {
    expect(historyQuery(emptyHistoryFilters(), 50)).toEqual({ state: 'closed', limit: 50 });
  });

  it('turns the form into the API filters; dates are whole Shanghai days, both inclusive', () => {
    const sut = historyQuery(
      { q: ' 东环路 ', type: 'sos', districtCode: '410402', drill: 'real', since: '2025-03-01', until: '2025-03-31' },
      100,
    );
    expect(sut).toEqual({
      state: 'closed',
      limit: 100,
      q: '东环路',
      type: 'sos',
      districtCode: '410402',
      drill: 'false',
      since: '2025-03-01T00:00:00+08:00',
      until: '2025-04-01T00:00:00+08:00',
    });
    expect(historyQuery({ ...emptyHistoryFilters(), drill: 'drill' }, 50).drill).toBe('true');
  });
});

describe('historyQuery with an analytics drill-down', () => {
  it('passes the device and the outcome a chart or a nuisance row set', () => {
    expect(historyQuery({ ...emptyHistoryFilters(), deviceId: 'CAM-S0002-01', outcome: 'false_alarm' }, 50)).toEqual({ state: 'closed', limit: 50, deviceId: 'CAM-S0002-01', outcome: 'false_alarm' });
  });

  it('passes a heat-map cell (Monday at midnight too) only with both days of the range', () => {
    const cell = { ...emptyHistoryFilters(), weekday: 1, hour: 0 };
    expect(historyQuery({ ...cell, since: '2026-03-01', until: '2026-03-31' }, 50)).toMatchObject({ weekday: 1, hour: 0 });
    expect(historyQuery(cell, 50)).toEqual({ state: 'closed', limit: 50 });
  });
});
