import type { DatasetCompliance, SeededCameraFault } from '../../shared/dataset.js';
import { DISTRICTS, type Device, type School } from '../../shared/domain/index.js';
import { EQUIPMENT_ITEMS, type InspectionRecord, type SchoolSecurityRecord } from '../../shared/domain/security-record.js';
import type { DrillView, InspectionView, RecordChange, RecordHistoryEntry, SelfCheckView } from '../../shared/compliance.js';
import type { SemesterRule } from '../../shared/rules/compliance/types.js';
import type { Hazard, HazardSeverity, HazardSource, HazardTransition } from '../../shared/rules/hazard.js';
import { createRandom, type Random } from './random.js';
import { DAY_MS } from '../../shared/time.js';

/**
 * The compliance side of the seeded city, as of a reference date: for every school a security
 * record with believable gaps, the improvements that led to it (record history), two years of
 * drills, inspections and monthly self-checks, the hazards they found with their progress, and
 * some past camera outages. Drawn from its own random stream, so the registry does not change.
 */

// Day arithmetic on `YYYY-MM-DD` runs some 200,000 times per city: both directions are memoised.
const dayNumbers = new Map<string, number>();
const dayDates = new Map<number, string>();
function dayOf(date: string): number {
  let day = dayNumbers.get(date);
  if (day === undefined) dayNumbers.set(date, (day = Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS)));
  return day;
}
function dateOf(day: number): string {
  let date = dayDates.get(day);
  if (date === undefined) dayDates.set(day, (date = new Date(day * DAY_MS).toISOString().slice(0, 10)));
  return date;
}
function addDays(date: string, days: number): string {
  return dateOf(dayOf(date) + days);
}
function daysBetween(from: string, to: string): number {
  return dayOf(to) - dayOf(from);
}
/** An ISO instant on a local (UTC+8) date, between 08:00 and 18:00. */
function instantOn(date: string, random: Random): string {
  const minutes = random.int(8 * 60, 18 * 60);
  return new Date(Date.parse(`${date}T00:00:00+08:00`) + minutes * 60_000).toISOString();
}

export interface Term {
  start: string;
  end: string;
}

/** The terms that overlap [from, to], oldest first. */
export function termsBetween(from: string, to: string, semesters: readonly SemesterRule[]): Term[] {
  const terms: Term[] = [];
  for (let year = Number(from.slice(0, 4)) - 1; year <= Number(to.slice(0, 4)); year++) {
    for (const s of semesters) {
      const term = { start: `${year}-${s.start}`, end: `${s.end < s.start ? year + 1 : year}-${s.end}` };
      if (term.start <= to && term.end >= from) terms.push(term);
    }
  }
  return terms.sort((a, b) => a.start.localeCompare(b.start));
}

/** How dependable a school is with its routines. */
type Diligence = 'good' | 'fair' | 'poor';
const DRILL_MISSED: Record<Diligence, number> = { good: 0.03, fair: 0.15, poor: 0.45 };
const SELF_CHECK_MISSED: Record<Diligence, number> = { good: 0.01, fair: 0.07, poor: 0.3 };

const DRILL_SCENARIOS = ['消防疏散演练', '防暴恐演练', '防地震疏散演练', '防踩踏演练', '校园防欺凌应急演练', '食物中毒应急演练', '防溺水应急演练'];
const HAZARDS: Record<HazardSource, string[]> = {
  self_check: ['灭火器过期未更换', '消防通道堆放杂物', '疏散指示标志损坏', '楼道电动车充电', '配电箱未上锁', '宿舍私拉乱接电线', '护栏松动', '食堂燃气软管老化', '围墙局部破损', '监控摄像机画面模糊'],
  inspection: ['门卫室防卫器械不全', '来访登记不规范', '一键报警装置按钮失灵', '危化品台账不全', '监控存储不足30天', '夜间值班记录缺失', '校门口减速带损坏', '应急照明灯不亮', '消防栓水压不足', '实验室通风不良'],
  police: ['校门口上下学时段车辆乱停', '周边流动摊贩聚集', '护学岗人员未按时到岗', '校园周边治安监控盲区', '校门口无隔离护栏'],
};
const ROLES = ['总务处', '安保科', '后勤处', '政教处'];

/** The compliance data this file makes (the people and plans come from plans.ts). */
type SeededCompliance = Omit<DatasetCompliance, 'schoolPeople' | 'emergencyPlans'>;

/** Inputs of {@link generateCompliance}. */
export interface ComplianceSeedInput {
  schools: School[];
  devices: Device[];
  seed: number;
  /** Local date the seed stands at ("now" of the seeded city). */
  referenceDate: string;
  semesters: readonly SemesterRule[];
}

/** Months of routine history before the reference date. */
const HISTORY_MONTHS = 24;

/** Generates the compliance data and the devices to drop (a few missing intrusion sensors). */
export function generateCompliance(input: ComplianceSeedInput): SeededCompliance & { droppedDevices: Set<string> } {
  const random = createRandom((input.seed ^ 0x5eed) >>> 0);
  const ref = input.referenceDate;
  const historyStart = `${Number(ref.slice(0, 4)) - HISTORY_MONTHS / 12}${ref.slice(4, 8)}01`;
  const terms = termsBetween(historyStart, ref, input.semesters);
  const clerks = new Map(DISTRICTS.map((d) => [d.code, `${d.name}教体局 ${random.faker.person.lastName()}${random.faker.person.firstName()}`]));

  const out: SeededCompliance & { droppedDevices: Set<string> } = {
    referenceDate: ref,
    securityRecords: [],
    recordHistory: [],
    drills: [],
    inspections: [],
    selfChecks: [],
    hazards: [],
    cameraFaults: [],
    droppedDevices: new Set(),
  };
  const cameraIds = new Map<string, string[]>();
  for (const device of input.devices) {
    if (device.kind === 'camera' && device.schoolId) cameraIds.set(device.schoolId, [...(cameraIds.get(device.schoolId) ?? []), device.id]);
  }

  // First what does not depend on the date (records, missing sensors), so the same seed gives the
  // same records and devices whatever the reference date; then the dated history.
  // The 附件3 fields of issue 15 from a stream of their own: every other seeded value stays as it was.
  const annex3 = createRandom((input.seed ^ 0xa3a3) >>> 0);
  for (const school of input.schools) {
    out.securityRecords.push({ ...securityRecord(school, random), ...annex3Fields(school, annex3) });
    const secondary = school.stage === 'junior' || school.stage === 'senior' || school.stage === 'nine_year';
    if (secondary && random.chance(0.05)) out.droppedDevices.add(`INT-${school.id}-3`);
  }
  input.schools.forEach((school, index) => {
    const officer = `${random.faker.person.lastName()}${random.faker.person.firstName()}`;
    const record = out.securityRecords[index]!;
    out.recordHistory.push(...improvements(school, record, random, { from: historyStart, to: addDays(ref, -7), actor: clerks.get(school.districtCode)! }));

    const diligence = random.weighted<Diligence>({ good: 0.78, fair: 0.17, poor: 0.05 });
    const routines = schoolRoutines(school, { terms, ref, historyStart, diligence, officer, random });
    out.drills.push(...routines.drills);
    out.inspections.push(...routines.inspections);
    out.selfChecks.push(...routines.selfChecks);

    const found: { source: HazardSource; sourceId: string | null; date: string }[] = [
      ...routines.selfChecks.filter(() => random.chance(0.02)).map((c) => ({ source: 'self_check' as const, sourceId: c.id, date: c.date })),
      ...routines.inspections.filter(() => random.chance(0.12)).map((i) => ({ source: 'inspection' as const, sourceId: i.id, date: i.date })),
      ...terms.filter(() => random.chance(0.03)).map((t) => ({ source: 'police' as const, sourceId: null, date: randomDate(t.start, minDate(t.end, ref), random) })),
    ];
    found.sort((a, b) => a.date.localeCompare(b.date));
    found.forEach((f, i) => {
      out.hazards.push(hazard(school, `HZ-${school.id}-${String(i + 1).padStart(2, '0')}`, f, { ref, officer, clerk: clerks.get(school.districtCode)!, random }));
    });
    out.cameraFaults.push(...cameraOutages(school, cameraIds.get(school.id) ?? [], ref, random));
  });
  return out;
}

function minDate(a: string, b: string): string {
  return a < b ? a : b;
}
function randomDate(from: string, to: string, random: Random): string {
  return addDays(from, random.int(0, Math.max(0, daysBetween(from, to))));
}

/** 附件3 一(一), 二(一), 二(二): a police camera outside the gate, the system's person and plan, qualified staff. */
function annex3Fields(school: School, random: Random): Pick<SchoolSecurityRecord, 'gatePoliceCamera' | 'systemManager' | 'systemEmergencyPlan' | 'controlRoomQualified'> {
  const rural = school.setting === 'rural';
  return {
    gatePoliceCamera: !random.chance(school.setting === 'city' ? 0.04 : rural ? 0.3 : 0.12),
    systemManager: !random.chance(rural ? 0.1 : 0.03),
    systemEmergencyPlan: !random.chance(rural ? 0.15 : 0.05),
    controlRoomQualified: !random.chance(rural ? 0.2 : 0.06),
  };
}

/** A record with the gaps a real city has: more of them at rural kindergartens. */
function securityRecord(school: School, random: Random): Omit<SchoolSecurityRecord, 'gatePoliceCamera' | 'systemManager' | 'systemEmergencyPlan' | 'controlRoomQualified'> {
  const ruralKindergarten = school.stage === 'kindergarten' && school.setting === 'rural';
  const people = school.students + school.staff;
  const guardsOnDuty = Math.min(school.guards, people > 1000 ? 2 : 1);
  const onDuty = Math.max(1, guardsOnDuty);
  const equipment = Object.fromEntries(EQUIPMENT_ITEMS.map((item) => [item, item === 'restraintForks' ? 2 : onDuty])) as SchoolSecurityRecord['equipment'];
  if (random.chance(ruralKindergarten ? 0.2 : 0.09)) {
    for (let n = random.int(1, 3); n > 0; n--) {
      const item = random.pick(EQUIPMENT_ITEMS);
      equipment[item] = Math.max(0, equipment[item] - 1);
    }
  }
  const controlRoom = !random.chance(ruralKindergarten ? 0.15 : 0.02);
  const required = school.counterTerror ? 90 : 30;
  const retentionShort = random.chance(0.08);
  const retentionDays = retentionShort
    ? random.pick(school.counterTerror ? [30, 45, 60] : [7, 15, 20])
    : random.pick(school.counterTerror ? [90, 90, 180] : [30, 30, 30, 45, 60, 90].filter((d) => d >= required));
  return {
    schoolId: school.id,
    guardsOnDuty,
    equipment,
    gateCameraNightCapable: !random.chance(ruralKindergarten ? 0.1 : 0.03),
    sosLinkedToPolice: !random.chance(0.03),
    videoLinkedToPolice: !random.chance(ruralKindergarten ? 0.12 : 0.04),
    alarmLinkedToPolice: !random.chance(0.03),
    controlRoom,
    controlRoomStaffed: controlRoom && !random.chance(ruralKindergarten ? 0.25 : 0.05),
    retentionDays,
    closedCampus: !random.chance(school.stage === 'kindergarten' ? (school.setting === 'rural' ? 0.1 : 0.05) : 0.02),
    antiRamBarriers: !random.chance(school.setting === 'city' ? 0.06 : school.setting === 'town' ? 0.12 : ruralKindergarten ? 0.75 : 0.5),
  };
}

/** Past edits that brought the school to where its record stands now, so the trend rises over time. */
function improvements(school: School, record: SchoolSecurityRecord, random: Random, span: { from: string; to: string; actor: string }): Omit<RecordHistoryEntry, 'id'>[] {
  const entries: Omit<RecordHistoryEntry, 'id'>[] = [];
  const add = (changes: RecordChange[], note: string) => {
    const date = randomDate(span.from, span.to, random);
    entries.push({ schoolId: school.id, at: instantOn(date, random), actor: span.actor, note, changes });
  };
  if (record.antiRamBarriers && random.chance(0.35)) add([{ field: 'antiRamBarriers', from: false, to: true }], '校门口加装防冲撞隔离桩');
  const required = school.counterTerror ? 90 : 30;
  if (record.retentionDays >= required && random.chance(0.15)) {
    add([{ field: 'retentionDays', from: school.counterTerror ? 30 : 15, to: record.retentionDays }], '监控存储扩容');
  }
  if (record.controlRoomStaffed && random.chance(0.08)) add([{ field: 'controlRoomStaffed', from: false, to: true }], '监控室落实专人值班');
  if (school.guards >= 1 && random.chance(0.1)) add([{ field: 'guards', from: school.guards - 1, to: school.guards }], '新聘专职保安员');
  if (record.closedCampus && school.stage === 'kindergarten' && random.chance(0.1)) add([{ field: 'closedCampus', from: false, to: true }], '实行封闭化管理');
  if (random.chance(0.05)) {
    const item = random.pick(EQUIPMENT_ITEMS);
    if (record.equipment[item] >= 1) add([{ field: `equipment.${item}`, from: record.equipment[item] - 1, to: record.equipment[item] }], '补齐防卫器械');
  }
  return entries.sort((a, b) => a.at.localeCompare(b.at));
}

interface RoutineContext {
  terms: Term[];
  ref: string;
  historyStart: string;
  diligence: Diligence;
  officer: string;
  random: Random;
}

/** Drills early in most terms, two inspections a term (one early, one later; fewer at remote schools), a self-check most months. */
function schoolRoutines(school: School, ctx: RoutineContext): { drills: DrillView[]; inspections: InspectionView[]; selfChecks: SelfCheckView[] } {
  const { random, ref } = ctx;
  const drills: DrillView[] = [];
  const inspections: InspectionView[] = [];
  const selfChecks: SelfCheckView[] = [];
  const recorded = (date: string) => ({ recordedBy: ctx.officer, recordedAt: `${date}T10:00:00.000Z` });
  for (const term of ctx.terms) {
    const length = daysBetween(term.start, term.end);
    if (!random.chance(DRILL_MISSED[ctx.diligence])) {
      const count = random.chance(0.25) ? 2 : 1;
      for (let i = 0; i < count; i++) {
        const date = random.chance(0.75) ? addDays(term.start, random.int(3, 42)) : addDays(term.start, random.int(0, length));
        if (date <= ref && date >= ctx.historyStart) {
          drills.push({ id: `DR-${school.id}-${String(drills.length + 1).padStart(3, '0')}`, schoolId: school.id, date, scenario: random.pick(DRILL_SCENARIOS), ...recorded(date) });
        }
      }
    }
    const remote = school.setting === 'rural' ? 0.08 : 0;
    const planned = { none: 0, one: 1, two: 2, three: 3 }[random.weighted({ none: 0.02 + remote / 4, one: 0.06 + remote, two: 0.8, three: 0.12 })];
    const dates = [addDays(term.start, random.int(5, 35)), addDays(term.start, random.int(Math.floor(length / 2), length - 5)), addDays(term.start, random.int(40, length - 10))];
    dates.slice(0, planned).sort().forEach((date) => {
      if (date > ref || date < ctx.historyStart) return;
      const by = random.pick<InspectionRecord['by']>(['county_education', 'county_education', 'county_police', 'county_police', 'city_education', 'city_police']);
      inspections.push({ id: `IN-${school.id}-${String(inspections.length + 1).padStart(3, '0')}`, schoolId: school.id, date, by, note: null, ...recorded(date) });
    });
  }
  for (let month = ctx.historyStart.slice(0, 7); month <= ref.slice(0, 7); month = addDays(`${month}-28`, 7).slice(0, 7)) {
    if (random.chance(SELF_CHECK_MISSED[ctx.diligence])) continue;
    const date = `${month}-${String(random.chance(0.7) ? random.int(1, 10) : random.int(1, 28)).padStart(2, '0')}`;
    if (date > ref) continue;
    selfChecks.push({ id: `SC-${school.id}-${String(selfChecks.length + 1).padStart(3, '0')}`, schoolId: school.id, date, note: null, ...recorded(date) });
  }
  return { drills, inspections, selfChecks };
}

/** A hazard found on a date and worked on as people do: most on time, some late, a few rejected once, recent ones still open. */
function hazard(
  school: School,
  id: string,
  found: { source: HazardSource; sourceId: string | null; date: string },
  ctx: { ref: string; officer: string; clerk: string; random: Random },
): Hazard {
  const { random, ref } = ctx;
  const severity: HazardSeverity = random.chance(0.08) ? 'major' : 'general';
  const registeredAt = instantOn(found.date, random);
  const steps: HazardTransition[] = [{ action: 'register', from: null, to: 'registered', actor: found.source === 'self_check' ? ctx.officer : ctx.clerk, at: registeredAt, note: null, assignee: null, deadline: null }];
  const assignee = `${random.pick(ROLES)} ${random.faker.person.lastName()}${random.faker.person.firstName()}`;
  const dispatchedOn = addDays(found.date, random.int(0, 2));
  const deadline = addDays(dispatchedOn, severity === 'major' ? random.pick([30, 60]) : random.pick([7, 15, 30]));
  const stale = daysBetween(found.date, ref) > 90;
  const outcome = random.weighted({ onTime: 0.8, late: 0.12, never: stale ? 0.01 : 0.1 });
  const plan: { on: string; step: Omit<HazardTransition, 'at' | 'from' | 'to'> & { to: HazardTransition['to'] } }[] = [
    { on: dispatchedOn, step: { action: 'dispatch', to: 'dispatched', actor: ctx.clerk, note: null, assignee, deadline } },
  ];
  if (outcome !== 'never') {
    let rectifiedOn = outcome === 'onTime' ? randomDate(addDays(dispatchedOn, 1), deadline, random) : addDays(deadline, random.int(1, 20));
    plan.push({ on: rectifiedOn, step: { action: 'rectify', to: 'rectified', actor: assignee, note: '已整改', assignee: null, deadline: null } });
    if (random.chance(0.06)) {
      const rejectedOn = addDays(rectifiedOn, random.int(1, 3));
      plan.push({ on: rejectedOn, step: { action: 'reject', to: 'dispatched', actor: ctx.clerk, note: '整改不到位，重新整改', assignee: null, deadline: null } });
      rectifiedOn = addDays(rejectedOn, random.int(2, 7));
      plan.push({ on: rectifiedOn, step: { action: 'rectify', to: 'rectified', actor: assignee, note: '已重新整改', assignee: null, deadline: null } });
    }
    const verifiedOn = addDays(rectifiedOn, random.int(1, 5));
    plan.push({ on: verifiedOn, step: { action: 'verify', to: 'verified', actor: ctx.clerk, note: '验收合格', assignee: null, deadline: null } });
    plan.push({ on: addDays(verifiedOn, random.int(0, 2)), step: { action: 'close', to: 'closed', actor: ctx.clerk, note: '销号', assignee: null, deadline: null } });
  }
  let last = registeredAt;
  for (const { on, step } of plan) {
    // Steps on the reference date itself are left for "today" to take.
    if (on >= ref) break;
    const at = instantOn(on, random);
    last = at > last ? at : new Date(Date.parse(last) + 60_000).toISOString();
    steps.push({ ...step, from: steps[steps.length - 1]!.to, at: last });
  }
  const state = steps[steps.length - 1]!.to;
  const rectify = [...steps].reverse().find((s) => s.action === 'rectify' || s.action === 'reject');
  return {
    id,
    schoolId: school.id,
    districtCode: school.districtCode,
    source: found.source,
    sourceId: found.sourceId,
    severity,
    description: random.pick(HAZARDS[found.source]),
    foundOn: found.date,
    state,
    assignee: steps.length > 1 ? assignee : null,
    deadline: steps.length > 1 ? deadline : null,
    registeredAt,
    updatedAt: last,
    rectifiedAt: rectify?.action === 'rectify' ? rectify.at : null,
    closedAt: state === 'closed' ? last : null,
    version: steps.length,
    transitions: steps,
  };
}

/** Past camera outages of the last four months, closed: most within the 24 h restore deadline, some not. */
function cameraOutages(school: School, cameras: string[], ref: string, random: Random): SeededCameraFault[] {
  if (cameras.length === 0 || !random.chance(0.25)) return [];
  const faults: SeededCameraFault[] = [];
  for (let n = random.int(1, 3); n > 0; n--) {
    const openedAt = instantOn(addDays(ref, -random.int(5, 120)), random);
    const hours = random.chance(0.85) ? random.float(0.2, 20) : random.float(26, 96);
    const outageSeconds = Math.round(hours * 3600);
    faults.push({
      deviceId: random.pick(cameras),
      schoolId: school.id,
      districtCode: school.districtCode,
      reason: random.pick(['offline', 'offline', 'video_loss', 'storage']),
      openedAt,
      deadlineAt: new Date(Date.parse(openedAt) + DAY_MS).toISOString(),
      closedAt: new Date(Date.parse(openedAt) + outageSeconds * 1000).toISOString(),
      outageSeconds,
    });
  }
  return faults.sort((a, b) => a.openedAt.localeCompare(b.openedAt));
}
