import { PLAN_MAX_AGE_DAYS } from '../../domain/school-plan.js';
import { daysBetween, shanghaiDate } from '../../time.js';
import type { ComplianceInput, ComplianceOptions, PlanSave, SemesterRule } from './types.js';
import type { Verdict } from './technical.js';

/** A dated period, local dates inclusive. */
export interface Period {
  start: string;
  end: string;
}

/**
 * The term a date falls in, or — in a holiday between terms — the term just ended.
 * Terms may cross the new year (09-01 to 01-31).
 */
export function semesterOf(date: string, semesters: readonly SemesterRule[]): Period & { running: boolean } {
  const year = Number(date.slice(0, 4));
  const candidates: Period[] = [];
  for (const y of [year - 1, year]) {
    for (const s of semesters) {
      const crosses = s.end < s.start;
      candidates.push({ start: `${y}-${s.start}`, end: `${crosses ? y + 1 : y}-${s.end}` });
    }
  }
  const current = candidates.find((p) => p.start <= date && date <= p.end);
  if (current) return { ...current, running: true };
  const ended = candidates.filter((p) => p.end < date).sort((a, b) => b.end.localeCompare(a.end))[0];
  return { ...(ended ?? { start: date, end: date }), running: false };
}

function inPeriod(date: string, period: Period, asOf: string): boolean {
  return date >= period.start && date <= period.end && date <= asOf;
}

/** ≥ 1 emergency drill per school per term. */
export function drillRule(input: ComplianceInput, options: ComplianceOptions): Verdict {
  const term = semesterOf(options.asOf, options.semesters);
  const held = input.drills.filter((d) => inPeriod(d.date, term, options.asOf)).length;
  const span = `${term.start}至${term.end}`;
  if (held >= 1) return { status: 'pass', reason: { zh: `本学期（${span}）已演练${held}次`, en: `${held} drill(s) this term (${term.start} to ${term.end})` } };
  return {
    status: term.running ? 'pending' : 'fail',
    reason: term.running
      ? { zh: `本学期（${span}）尚未开展应急演练`, en: `no drill yet this term (${term.start} to ${term.end})` }
      : { zh: `上学期（${span}）未开展应急演练`, en: `no drill in the term ${term.start} to ${term.end}` },
  };
}

/** ≥ 2 safety inspections per school per term by the city/county education and police departments. */
export function inspectionsRule(input: ComplianceInput, options: ComplianceOptions): Verdict {
  const term = semesterOf(options.asOf, options.semesters);
  const done = input.inspections.filter((i) => inPeriod(i.date, term, options.asOf)).length;
  if (done >= 2) return { status: 'pass', reason: { zh: `本学期已检查${done}次`, en: `${done} inspections this term` } };
  return {
    status: term.running ? 'pending' : 'fail',
    reason: { zh: `本学期检查${done}次，应不少于2次`, en: `${done} inspection(s) this term; at least 2 are required` },
  };
}

/** A hazard self-check every month: judged on the last full month, and passing early once this month's is done. */
export function selfCheckRule(input: ComplianceInput, options: ComplianceOptions): Verdict {
  const month = options.asOf.slice(0, 7);
  const [y, m] = month.split('-').map(Number) as [number, number];
  const previous = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
  const months = new Set(input.selfChecks.filter((c) => c.date <= options.asOf).map((c) => c.date.slice(0, 7)));
  if (!months.has(previous)) return { status: 'fail', reason: { zh: `${previous}月未开展隐患自查`, en: `no hazard self-check in ${previous}` } };
  if (!months.has(month)) return { status: 'pending', reason: { zh: `${previous}月已自查，本月尚未自查`, en: `${previous} done; this month not yet` } };
  return { status: 'pass', reason: { zh: '每月隐患自查已落实', en: 'monthly self-check done' } };
}

/**
 * 一校一案 (seed 二(三)1, with the principal as first responsible, 二(一)1): the school has an
 * emergency plan saved on or before the date, and saved again within {@link PLAN_MAX_AGE_DAYS}
 * days of it. Versions saved after the date do not count (the plan as it stood then).
 */
export function emergencyPlanRule(input: Pick<ComplianceInput, 'plans'>, options: Pick<ComplianceOptions, 'asOf'>): Verdict {
  // Stored instants are UTC ISO text: compared with the end of the local day as text, no date per version.
  const end = new Date(Date.parse(`${options.asOf}T23:59:59.999+08:00`)).toISOString();
  let latest: PlanSave | null = null;
  for (const save of input.plans) if (save.savedAt <= end && (!latest || save.version > latest.version)) latest = save;
  if (!latest) return { status: 'fail', reason: { zh: '无应急预案（一校一案）', en: 'no emergency plan (one plan per school)' } };
  const date = shanghaiDate(latest.savedAt);
  const age = daysBetween(date, options.asOf);
  if (age > PLAN_MAX_AGE_DAYS) {
    return {
      status: 'fail',
      reason: { zh: `应急预案${date}后未更新，已${age}天（超过一年）`, en: `emergency plan not updated since ${date}: ${age} days (over a year)` },
    };
  }
  return { status: 'pass', reason: { zh: `应急预案第${latest.version}版，${date}更新`, en: `emergency plan version ${latest.version}, updated ${date}` } };
}
