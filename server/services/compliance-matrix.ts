import { addDays } from '../../shared/time.js';
import { DISTRICTS, findDistrict, SCHOOL_SETTINGS, SCHOOL_STAGES, type DistrictCode, type School } from '../../shared/domain/index.js';
import type { ComplianceCell, ComplianceFilters, ComplianceMatrix, ComplianceRow } from '../../shared/compliance.js';
import { COMPLIANCE_RULES, type ComplianceResult, type ComplianceRuleId } from '../../shared/rules/compliance/index.js';

/** Verdicts of every school as of one date, by school id. */
export type Verdicts = ReadonlyMap<string, readonly ComplianceResult[]>;

/** The schools a filter keeps. */
export function filterSchools(schools: readonly School[], filters: ComplianceFilters): School[] {
  return schools.filter(
    (s) => (!filters.stage || s.stage === filters.stage) && (!filters.setting || s.setting === filters.setting) && (!filters.districtCode || s.districtCode === filters.districtCode),
  );
}

function emptyCells(): Record<ComplianceRuleId, ComplianceCell> {
  return Object.fromEntries(COMPLIANCE_RULES.map((rule) => [rule, { applicable: 0, pass: 0, fail: 0, pending: 0, notDue: 0, rate: null }])) as Record<ComplianceRuleId, ComplianceCell>;
}

function emptyRow(districtCode: DistrictCode | null, name: string): ComplianceRow {
  return {
    districtCode,
    name,
    schools: 0,
    byStage: Object.fromEntries(SCHOOL_STAGES.map((s) => [s, 0])) as ComplianceRow['byStage'],
    bySetting: Object.fromEntries(SCHOOL_SETTINGS.map((s) => [s, 0])) as ComplianceRow['bySetting'],
    cells: emptyCells(),
  };
}

function addSchool(row: ComplianceRow, school: School, results: readonly ComplianceResult[]): void {
  row.schools++;
  row.byStage[school.stage]++;
  row.bySetting[school.setting]++;
  for (const result of results) {
    const cell = row.cells[result.rule];
    if (result.status === 'not_applicable') continue;
    cell.applicable++;
    if (result.status === 'pass') cell.pass++;
    else if (result.status === 'fail') cell.fail++;
    else if (result.status === 'pending') cell.pending++;
    else cell.notDue++;
  }
}

function finish(row: ComplianceRow): ComplianceRow {
  for (const cell of Object.values(row.cells)) {
    const judged = cell.pass + cell.fail;
    cell.rate = judged === 0 ? null : cell.pass / judged;
  }
  return row;
}

/** District × requirement counts and rates for the schools a filter keeps, and the city total. */
export function buildMatrix(schools: readonly School[], verdicts: Verdicts, asOf: string, filters: ComplianceFilters): ComplianceMatrix {
  const districts = filters.districtCode ? DISTRICTS.filter((d) => d.code === filters.districtCode) : DISTRICTS;
  const rows = new Map<DistrictCode, ComplianceRow>(districts.map((d) => [d.code, emptyRow(d.code, d.name)]));
  // Narrowed to one district (a county-level person, or a chosen filter), the total is that district's, and says so.
  const only = filters.districtCode ? findDistrict(filters.districtCode) : undefined;
  const total = emptyRow(null, only ? `${only.name}合计` : '全市合计');
  for (const school of filterSchools(schools, filters)) {
    const results = verdicts.get(school.id) ?? [];
    const row = rows.get(school.districtCode);
    if (row) addSchool(row, school, results);
    addSchool(total, school, results);
  }
  return { asOf, filters, rules: COMPLIANCE_RULES, rows: [...rows.values()].map(finish), total: finish(total) };
}

/** The as-of dates of a trend: each month's (or week's) end within [from, to], and `to` itself. */
export function trendDates(from: string, to: string, step: 'month' | 'week'): string[] {
  const dates: string[] = [];
  if (step === 'week') {
    for (let date = to; date >= from; date = addDays(date, -7)) dates.unshift(date);
    return dates;
  }
  let year = Number(from.slice(0, 4));
  let month = Number(from.slice(5, 7));
  for (;;) {
    const end = new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
    if (end >= to) break;
    if (end >= from) dates.push(end);
    month++;
    if (month > 12) {
      month = 1;
      year++;
    }
  }
  dates.push(to);
  return dates;
}
