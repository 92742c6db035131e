import type { Alarm } from '../../shared/domain/alarm.js';
import { ALARM_TYPES, type AlarmType } from '../../shared/domain/alarm.js';
import type { ReportFigures, ReportPeriod, ReportRiskRow, ReportScope, StepFigures } from '../../shared/report.js';
import { alarmLoad, percentile } from '../../shared/rules/alarm-load.js';
import { QUICK_RESPONSE_PRIORITIES, fallbackSetting, metInTime, responseTarget, type ResponseStep, type ResponseTargets } from '../../shared/rules/response.js';
import { isOverdue, type HazardState } from '../../shared/rules/hazard.js';
import { shanghaiDate, shanghaiParts } from '../../shared/time.js';
import type { SchoolSetting } from '../../shared/domain/entities.js';

/**
 * The periodic report's figures from what was read for its period and scope (report-gather.ts).
 * Pure: the alarm figures come from the same rules the screens and `GET /alarms/stats` use
 * (shared/rules/alarm-load.ts for the ISA-18.2 floods and the mean/p90, shared/rules/response.ts
 * for each alarm's 1-3-5 target), so the report and the API agree by construction.
 */
export interface ReportSources {
  period: ReportPeriod;
  scope: ReportScope;
  now: number;
  targets: ResponseTargets;
  /** Alarms received in the period within the scope (drills included: they are left out here). */
  alarms: Alarm[];
  /** Each alarm's school's setting (city/town/rural): the 1-3-5 on-scene target is by setting. */
  settings: Record<string, SchoolSetting>;
  cameras: number;
  faults: { openedAt: string; closedAt: string | null; deadlineAt: string }[];
  guards: { posts: number; checkIns: number };
  hazards: { registeredAt: string; closedAt: string | null; deadline: string | null; state: HazardState }[];
  compliance: { asOf: string; items: number; met: number };
  drills: { recorded: number; live: { drillId: string; schoolId: string; schoolName: string; endedAt: string; total: number; maxTotal: number }[] };
  topRisk: ReportRiskRow[];
}

function share(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;
}

/** Nearest-rank percentile, to tenths of a second (the rule of alarm-load.ts); null when there are none. */
function tenths(sorted: number[], p: number): number | null {
  return sorted.length === 0 ? null : Math.round(percentile(sorted, p) * 10) / 10;
}

const ACTION: Record<ResponseStep, string> = { acknowledge: 'ack', onScene: 'arrive' };

/** A 1-3-5 step over the P1/P2 alarms: percentiles and the share within each alarm's own target. */
export function stepFigures(alarms: Alarm[], targets: ResponseTargets, settingOf: (alarm: Alarm) => SchoolSetting, step: ResponseStep, mean: number | null): StepFigures {
  const seconds: number[] = [];
  let met = 0;
  for (const alarm of alarms) {
    if (!QUICK_RESPONSE_PRIORITIES.includes(alarm.priority)) continue;
    const done = alarm.transitions.find((t) => t.action === ACTION[step]);
    if (!done) continue;
    const elapsed = (Date.parse(done.at) - Date.parse(alarm.receivedAt)) / 1000;
    seconds.push(elapsed);
    const target = responseTarget(targets, alarm.priority, step, settingOf(alarm));
    if (target === null || metInTime(elapsed, target)) met++;
  }
  seconds.sort((a, b) => a - b);
  return { count: seconds.length, p50Seconds: tenths(seconds, 50), p90Seconds: tenths(seconds, 90), meanSeconds: mean, met, attainment: share(met, seconds.length) };
}

function within(iso: string | null, from: number, to: number): boolean {
  if (!iso) return false;
  const at = Date.parse(iso);
  return at >= from && at < to;
}

export function reportFigures(src: ReportSources): ReportFigures {
  const from = Date.parse(src.period.from);
  const to = Date.parse(src.period.to);
  const settingOf = (alarm: Alarm): SchoolSetting => src.settings[alarm.schoolId] ?? fallbackSetting(alarm.districtCode);
  const load = alarmLoad({ alarms: src.alarms, from: src.period.from, to: src.period.to, operators: 1, targets: src.targets, settingOf });
  const real = src.alarms.filter((a) => !a.drill && within(a.receivedAt, from, to));

  const byType = Object.fromEntries(ALARM_TYPES.map((t) => [t, 0])) as Record<AlarmType, number>;
  const byHour = Array.from({ length: 24 }, () => 0);
  const byDistrict = new Map<string, number>();
  for (const alarm of real) {
    byType[alarm.type]++;
    byHour[Math.floor(shanghaiParts(Date.parse(alarm.receivedAt)).minuteOfDay / 60)]!++;
    byDistrict.set(alarm.districtCode, (byDistrict.get(alarm.districtCode) ?? 0) + 1);
  }
  const falseAlarms = real.filter((a) => a.state === 'false_alarm').length;

  // Camera availability: the outage hours of faults overlapping the period, against every camera's hours.
  let outageMs = 0;
  let lateRestores = 0;
  for (const fault of src.faults) {
    const start = Math.max(from, Date.parse(fault.openedAt));
    const end = Math.min(to, fault.closedAt ? Date.parse(fault.closedAt) : Math.min(to, src.now));
    if (end > start) outageMs += end - start;
    const restored = fault.closedAt ? Date.parse(fault.closedAt) : Infinity;
    if (Date.parse(fault.deadlineAt) < Math.min(to, restored) && Date.parse(fault.deadlineAt) >= from) lateRestores++;
  }
  const cameraMs = src.cameras * (to - from);

  const drillScores = src.drills.live.map((d) => (d.maxTotal > 0 ? (100 * d.total) / d.maxTotal : 0));
  return {
    period: src.period,
    scope: src.scope,
    generatedAt: new Date(src.now).toISOString(),
    alarms: {
      total: real.length,
      byType,
      byDistrict: [...byDistrict].sort(([a], [b]) => a.localeCompare(b)).map(([districtCode, alarms]) => ({ districtCode, alarms })),
      byHour,
      falseAlarms,
      falseAlarmRate: share(falseAlarms, real.length),
    },
    response: {
      acknowledge: stepFigures(real, src.targets, settingOf, 'acknowledge', load.toAcknowledge.meanSeconds),
      onScene: stepFigures(real, src.targets, settingOf, 'onScene', load.toOnScene.meanSeconds),
    },
    floods: load.floods,
    cameras: {
      cameras: src.cameras,
      faults: src.faults.length,
      outageHours: Math.round((outageMs / 3600_000) * 10) / 10,
      availability: cameraMs === 0 ? null : Math.round((1 - outageMs / cameraMs) * 10_000) / 10_000,
      lateRestores,
    },
    guards: { posts: src.guards.posts, checkIns: src.guards.checkIns, absences: byType.post_absent },
    hazards: {
      opened: src.hazards.filter((h) => within(h.registeredAt, from, to)).length,
      closed: src.hazards.filter((h) => within(h.closedAt, from, to)).length,
      // 超期 by the hazard rule, on the period's last day (its state as it stands now).
      overdue: src.hazards.filter((h) => isOverdue(h, shanghaiDate(to - 1))).length,
      open: src.hazards.filter((h) => Date.parse(h.registeredAt) < to && (!h.closedAt || Date.parse(h.closedAt) >= to)).length,
    },
    compliance: { ...src.compliance, share: share(src.compliance.met, src.compliance.items) },
    drills: {
      recorded: src.drills.recorded,
      live: src.drills.live.length,
      averageScore: drillScores.length === 0 ? null : Math.round((drillScores.reduce((s, v) => s + v, 0) / drillScores.length) * 10) / 10,
      rows: src.drills.live,
    },
    topRisk: src.topRisk,
  };
}
