import { DISTRICTS } from '../domain/districts.js';
import { INSPECTION_DEPARTMENTS, type InspectionCampaign, type InspectionDuty, type InspectionLevel } from '../inspections.js';

/** 二(五)2: "每学期至少开展两次": campaigns a department holds per term at each level. */
export const INSPECTIONS_PER_TERM = 2;

/**
 * 二(五)2 (市、县教体、公安部门每学期至少开展两次校园及周边地区安全检查和督导，并及时在市、县范围通报检查情况):
 * for each department at the city and in each district of `districtCodes` (null: all ten), the
 * campaigns it started in the term up to `asOf` and how many of them have their circular. `ok`
 * when at least two were held and every one held has its circular; while the term runs a duty
 * not yet met is `pending`; once it has ended, `short` (fewer than two) or `no_circular`.
 */
export function inspectionDuties(input: {
  campaigns: readonly InspectionCampaign[];
  term: { start: string; end: string; running: boolean };
  asOf: string;
  /** The levels to judge: the city (when `city`) and these districts. */
  city: boolean;
  districtCodes: readonly string[] | null;
}): InspectionDuty[] {
  const { term, asOf } = input;
  const inTerm = input.campaigns.filter((c) => c.startDate >= term.start && c.startDate <= term.end && c.startDate <= asOf);
  const levels: { level: InspectionLevel; districtCode: string | null }[] = [
    ...(input.city ? [{ level: 'city' as const, districtCode: null }] : []),
    ...DISTRICTS.filter((d) => !input.districtCodes || input.districtCodes.includes(d.code)).map((d) => ({ level: 'county' as const, districtCode: d.code })),
  ];
  const duties: InspectionDuty[] = [];
  for (const department of INSPECTION_DEPARTMENTS) {
    for (const { level, districtCode } of levels) {
      const own = inTerm.filter((c) => c.department === department && c.level === level && c.districtCode === districtCode);
      const held = own.length;
      const circulated = own.filter((c) => c.circular !== null && c.circular.publishedAt <= asOf).length;
      const met = held >= INSPECTIONS_PER_TERM && circulated === held;
      const status = met ? 'ok' : term.running ? 'pending' : held < INSPECTIONS_PER_TERM ? 'short' : 'no_circular';
      duties.push({ department, level, districtCode, held, circulated, status });
    }
  }
  return duties;
}
