import { describe, expect, it } from 'vitest';
import type { InspectionCampaign } from '../../shared/inspections.js';
import { inspectionDuties, INSPECTIONS_PER_TERM } from '../../shared/rules/inspection-duty.js';
import { generateDataset } from '../../mocks/dataset/index.js';

const SEED_LINE = '二(五)2 "市、县教体、公安部门每学期至少开展两次校园及周边地区安全检查和督导，并及时在市、县范围通报检查情况"';
const TERM = { start: '2026-09-01', end: '2027-01-31' };

let next = 0;
function campaign(overrides: Partial<InspectionCampaign> = {}, circularOn: string | null = '2026-10-20'): InspectionCampaign {
  return {
    id: `C${next++}`, department: 'education', level: 'county', districtCode: '410422', term: TERM, title: '开学安全检查', startDate: '2026-10-08', endDate: '2026-10-12',
    schoolIds: ['S0003'], findings: [], recordedBy: '教体局', recordedAt: '2026-10-12T01:00:00.000Z',
    circular: circularOn ? { publishedAt: circularOn, publishedBy: '教体局', text: '通报', findings: [] } : null, ...overrides,
  };
}
const duty = (campaigns: InspectionCampaign[], asOf: string, running: boolean) =>
  inspectionDuties({ campaigns, term: { ...TERM, running }, asOf, city: true, districtCodes: ['410422'] }).find((d) => d.department === 'education' && d.districtCode === '410422')!;

describe(`inspectionDuties — ${SEED_LINE}`, () => {
  it(`"每学期至少开展两次": ${INSPECTIONS_PER_TERM} campaigns with their circulars meet the duty, one does not once the term has ended`, () => {
    const two = [campaign(), campaign({ startDate: '2026-12-01', endDate: '2026-12-05' }, '2026-12-10')];
    expect(duty(two, '2027-02-01', false)).toMatchObject({ held: 2, circulated: 2, status: 'ok' });
    expect(duty(two.slice(0, 1), '2027-02-01', false)).toMatchObject({ held: 1, status: 'short' });
  });

  it('"并及时…通报检查情况": two held but one without its circular is no_circular after the term, pending while it runs', () => {
    const uncirculated = [campaign(), campaign({ startDate: '2026-12-01' }, null)];
    expect(duty(uncirculated, '2027-02-01', false)).toMatchObject({ held: 2, circulated: 1, status: 'no_circular' });
    expect(duty(uncirculated, '2026-12-20', true).status).toBe('pending');
  });

  it('counts a campaign in the term of its start date only, and a circular only from its date on', () => {
    const outside = campaign({ startDate: '2026-08-30' });
    expect(duty([outside], '2027-02-01', false).held).toBe(0);
    const later = campaign({}, '2026-11-05');
    expect(duty([later], '2026-11-04', true)).toMatchObject({ held: 1, circulated: 0 });
  });

  it('"市、县…": judges each department at the city and in every district separately, the police apart from education', () => {
    const duties = inspectionDuties({ campaigns: [campaign(), campaign({ level: 'city', districtCode: null, department: 'police' })], term: { ...TERM, running: true }, asOf: '2026-12-01', city: true, districtCodes: null });
    expect(duties).toHaveLength(2 * 11);
    expect(duties.filter((d) => d.held > 0).map((d) => [d.department, d.level, d.districtCode])).toEqual([['education', 'county', '410422'], ['police', 'city', null]]);
  });
});

describe('the seeded inspection campaigns', () => {
  it('give every department at the city and in each district campaigns in past terms, most with their circular, none after the reference date', () => {
    const { compliance } = generateDataset({ referenceDate: '2026-12-04' });
    const campaigns = compliance?.inspectionCampaigns ?? [];
    const past = campaigns.filter((c) => c.term.end < '2026-12-04');
    expect(new Set(past.map((c) => c.term.start)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(past.map((c) => `${c.department}:${c.districtCode ?? 'city'}`)).size).toBe(22);
    expect(campaigns.every((c) => c.startDate <= '2026-12-04' && (c.circular?.publishedAt ?? '') <= '2026-12-04')).toBe(true);
    const circulated = past.filter((c) => c.circular).length / past.length;
    expect(circulated).toBeGreaterThan(0.8);
    expect(circulated).toBeLessThan(1);
  }, 30_000);
});
