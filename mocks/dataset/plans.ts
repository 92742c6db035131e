import { findDistrict, type PolicePost, type School } from '../../shared/domain/index.js';
import type { AlarmType } from '../../shared/domain/alarm.js';
import type { DeputyContact, EmergencyPlan, EmergencyPlanVersion, NearestHospital, SchoolPeople, SchoolPeopleVersion } from '../../shared/domain/school-plan.js';
import { nearest } from '../../shared/geo.js';
import { addDays } from '../../shared/time.js';
import { DISTRICT_PLACES } from './places.js';
import { mobile } from './posts.js';
import { createRandom, type Random } from './random.js';

/**
 * Every school's people (校长, 保卫干部, 法制副校长 of the nearest police post) and emergency plan
 * (预案, 一校一案) with their saved versions, as of a reference date: most plans revised within
 * the year, about 4 % not touched for over a year and about 1 % never written, so the
 * compliance finding shows. Drawn from its own random stream: the registry does not change.
 */

/** Share of schools without any plan, and with a plan last saved over a year ago. */
const NO_PLAN = 0.01;
const STALE_PLAN = 0.04;

/** The city's hospitals for the city districts (synthetic addresses and numbers, like the rest of the dataset). */
const CITY_HOSPITALS = ['平顶山市第一人民医院', '平顶山市第二人民医院', '平顶山市中医医院', '平顶山市妇幼保健院'];

const STEPS: Record<AlarmType, readonly string[]> = {
  sos: [
    '门卫室确认报警位置和情况，立即拨打110并报告校长',
    '保卫干部带保安携防卫器械赶到现场，隔离可疑人员，控制事态',
    '校长（第一责任人）启动预案，通知法制副校长和辖区警务室',
    '班主任组织学生关门就地躲避，或按疏散路线撤到集合点',
    '清点人数，有伤员时送最近医院并拨打120',
    '配合警方处置，事后一小时内向教体局书面报告',
  ],
  intrusion: [
    '监控室调看报警点位视频，确认是否有人员闯入',
    '保安两人一组携器械前往报警区域核查，保持对讲联络',
    '确认闯入即拨打110，关闭校门，学生留在教室',
    '保护现场，不移动物品，等待警方到场移交',
    '记录处置经过，排查围墙、门窗等防范漏洞',
  ],
  camera_fault: ['监控室记录故障摄像机位置和时间', '通知维保单位，24小时内修复', '修复前安排保安加强该区域巡查'],
  post_absent: ['门卫室联系护学岗责任人和辖区警务室', '安排保安和值班教师到校门口临时疏导', '上下学时段结束前补齐人员并记录'],
  access_anomaly: ['监控室调看门禁点位视频', '保安到现场核查，关闭并检查门禁', '发现可疑人员立即报警并报告保卫干部'],
};
const OPTIONAL_TYPES = ['camera_fault', 'post_absent', 'access_anomaly'] as const;

const ASSEMBLY_POINTS = ['学校操场中央', '田径场北侧空地', '教学楼前广场', '篮球场', '校门内广场'];
const ROUTES = [
  '教学楼东楼梯 → 一楼东门 → 操场',
  '教学楼西楼梯 → 一楼西门 → 操场',
  '综合楼中间楼梯 → 南门 → 教学楼前广场',
  '实验楼北楼梯 → 北门 → 篮球场',
  '食堂南门 → 林荫道 → 操场',
];
const DORMITORY_ROUTE = '宿舍楼两侧楼梯 → 宿舍楼北门 → 操场北侧';
const DEPUTY_TITLES = ['副校长', '值班主任', '政教主任', '总务主任'];
const REVISION_NOTES = ['根据演练情况修订处置步骤', '年度修订', '更新疏散路线', '更新最近医院信息', '按上级检查意见修改'];

/** An ISO instant on a local (UTC+8) date, in office hours. */
function instantOn(date: string, random: Random): string {
  return new Date(Date.parse(`${date}T00:00:00+08:00`) + random.int(8 * 60, 18 * 60) * 60_000).toISOString();
}

function person(random: Random): { name: string; phone: string } {
  return { name: random.faker.person.fullName(), phone: mobile(random) };
}

function hospitalOf(school: School, random: Random): NearestHospital {
  const district = findDistrict(school.districtCode);
  const span = school.setting === 'city' ? [0.8, 6] : school.setting === 'town' ? [2, 12] : [6, 30];
  const distanceKm = Math.round(random.float(span[0]!, span[1]!) * 10) / 10;
  const county = district?.name ?? '平顶山市';
  const road = random.pick(DISTRICT_PLACES[school.districtCode].roads);
  const name = district?.urban ? random.pick(CITY_HOSPITALS) : random.chance(0.7) ? `${county}人民医院` : `${county}中医院`;
  const place = district?.urban ? `平顶山市${county}` : county;
  return { name, address: `${place}${road}${random.int(1, 300)}号`, phone: `0375-${random.int(2_000_000, 8_999_999)}`, distanceKm };
}

function planOf(school: School, random: Random): EmergencyPlan {
  const steps: EmergencyPlan['steps'] = { sos: [...STEPS.sos], intrusion: [...STEPS.intrusion] };
  for (const type of OPTIONAL_TYPES) if (random.chance(0.45)) steps[type] = [...STEPS[type]];
  const left = [...ROUTES];
  const routes = Array.from({ length: random.int(2, 3) }, () => left.splice(random.int(0, left.length - 1), 1)[0]!);
  if (school.boarding) routes.push(DORMITORY_ROUTE);
  return {
    steps,
    assemblyPoint: school.stage === 'kindergarten' ? '幼儿园户外活动场' : random.pick(ASSEMBLY_POINTS),
    evacuationRoutes: routes,
    nearestHospital: hospitalOf(school, random),
  };
}

/** An earlier edition: fewer optional types and one route fewer. */
function earlier(plan: EmergencyPlan): EmergencyPlan {
  const steps: EmergencyPlan['steps'] = { sos: plan.steps.sos!.slice(0, -1), intrusion: plan.steps.intrusion! };
  return { ...plan, steps, evacuationRoutes: plan.evacuationRoutes.length > 1 ? plan.evacuationRoutes.slice(0, -1) : plan.evacuationRoutes };
}

/** Inputs of {@link generatePlans}. */
export interface PlanSeedInput {
  schools: readonly School[];
  policePosts: readonly PolicePost[];
  seed: number;
  referenceDate: string;
}

/** The seeded people and plan versions of every school. */
export function generatePlans(input: PlanSeedInput): { schoolPeople: SchoolPeopleVersion[]; emergencyPlans: EmergencyPlanVersion[] } {
  const random = createRandom((input.seed ^ 0x9a14) >>> 0);
  const ref = input.referenceDate;
  const schoolPeople: SchoolPeopleVersion[] = [];
  const emergencyPlans: EmergencyPlanVersion[] = [];
  for (const school of input.schools) {
    const unit = nearest(school, input.policePosts, 1)[0]?.item;
    const deputies: DeputyContact[] = Array.from({ length: random.int(0, 2) }, (_, i) => ({ title: DEPUTY_TITLES[i] ?? '值班主任', ...person(random) }));
    const people: SchoolPeople = {
      principal: person(random),
      securityChief: person(random),
      policeVicePrincipal: { ...person(random), unitId: unit?.id ?? 'P001' },
      deputies,
    };
    const editor = people.securityChief.name;
    // The people: set up two or three years ago; a new principal since at about a third of schools.
    const firstPeople = addDays(ref, -random.int(400, 1000));
    schoolPeople.push({ schoolId: school.id, version: 1, savedAt: instantOn(firstPeople, random), savedBy: editor, note: '首次登记', people: random.chance(0.35) ? { ...people, principal: person(random) } : people });
    if (random.chance(0.35)) schoolPeople.push({ schoolId: school.id, version: 2, savedAt: instantOn(addDays(ref, -random.int(5, 380)), random), savedBy: editor, note: '校长变更', people });

    const kind = random.next();
    if (kind < NO_PLAN) continue;
    const plan = planOf(school, random);
    const latest = kind < NO_PLAN + STALE_PLAN ? addDays(ref, -random.int(380, 900)) : addDays(ref, -random.int(3, 350));
    const dates = [latest];
    for (let more = random.int(0, 3); more > 0; more--) dates.unshift(addDays(dates[0]!, -random.int(150, 400)));
    dates.forEach((date, i) => {
      const last = i === dates.length - 1;
      emergencyPlans.push({
        schoolId: school.id, version: i + 1, savedAt: instantOn(date, random), savedBy: editor,
        note: i === 0 ? '首次编制预案' : random.pick(REVISION_NOTES), plan: last ? plan : earlier(plan),
      });
    });
  }
  return { schoolPeople, emergencyPlans };
}
