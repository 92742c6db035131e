import { DISTRICTS } from '../../shared/domain/districts.js';
import type { School } from '../../shared/domain/index.js';
import { INSPECTION_DEPARTMENTS, type InspectionCampaign, type InspectionDepartment, type InspectionFinding } from '../../shared/inspections.js';
import type { SemesterRule } from '../../shared/rules/compliance/types.js';
import { addDays, daysBetween } from '../../shared/time.js';
import { termsBetween } from './compliance.js';
import { createRandom, type Random } from './random.js';

/** Terms of inspection history before the reference date's own. */
const PAST_TERMS = 4;

const TITLES: Record<InspectionDepartment, string[]> = {
  education: ['开学安全检查', '校园安全专项督导', '校园及周边安全隐患排查', '期末安全检查', '安全防范“三防”建设督导'],
  police: ['校园周边治安秩序专项检查', '护学岗及校园安保检查', '校园安防设施联网检查', '校园周边交通秩序整治检查'],
};
const FINDINGS: Record<InspectionDepartment, string[]> = {
  education: ['安全管理制度未上墙', '应急预案未按期修订', '安全教育台账不全', '门卫来访登记不规范', '消防器材过期', '隐患自查记录缺失', '专职保安员配备不足'],
  police: ['校门口未设置防冲撞设施', '一键报警与公安机关联网不通', '监控存储不足30天', '护学岗人员未按时到岗', '校园周边流动摊贩聚集', '监控室无专人值守'],
};

/** Pick `n` distinct items (partial Fisher–Yates on a copy). */
function sample<T>(items: readonly T[], n: number, random: Random): T[] {
  const copy = [...items];
  const count = Math.min(n, copy.length);
  for (let i = 0; i < count; i++) {
    const j = random.int(i, copy.length - 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, count);
}

/**
 * The city's and counties' inspection campaigns (二(五)2) of the last terms up to `referenceDate`:
 * each department at the city and in each district holds its two campaigns most terms (now and
 * then one, or a circular late or missing), inspects a share of its schools, finds a few problems
 * and circulates them within about two weeks. Deterministic for a seed.
 */
export function generateInspectionCampaigns(input: { schools: readonly School[]; seed: number; referenceDate: string; semesters: readonly SemesterRule[] }): InspectionCampaign[] {
  const random = createRandom(input.seed ^ 0x0015_1ca5);
  const ref = input.referenceDate;
  const terms = termsBetween(addDays(ref, -183 * (PAST_TERMS + 1)), ref, input.semesters).filter((t) => t.start <= ref).slice(-(PAST_TERMS + 1));
  const byDistrict = new Map(DISTRICTS.map((d) => [d.code as string, input.schools.filter((s) => s.districtCode === d.code)]));
  const campaigns: InspectionCampaign[] = [];
  const levels = [{ level: 'city' as const, districtCode: null }, ...DISTRICTS.map((d) => ({ level: 'county' as const, districtCode: d.code as string }))];
  for (const term of terms) {
    const length = daysBetween(term.start, term.end);
    for (const department of INSPECTION_DEPARTMENTS) {
      for (const { level, districtCode } of levels) {
        const pool = districtCode ? (byDistrict.get(districtCode) ?? []) : input.schools;
        if (pool.length === 0) continue;
        const held = random.chance(0.1) ? 1 : 2;
        for (let n = 0; n < held; n++) {
          // The first early in the term, the second in its second half.
          const startDate = addDays(term.start, random.int(n === 0 ? 7 : Math.floor(length / 2), n === 0 ? Math.floor(length / 3) : length - 20));
          if (startDate > ref) continue;
          const endDate = addDays(startDate, random.int(2, 10));
          const inspected = sample(pool, level === 'city' ? random.int(20, 40) : Math.max(3, Math.round(pool.length * random.float(0.15, 0.3))), random).map((s) => s.id).sort();
          const findings: InspectionFinding[] = inspected.filter(() => random.chance(0.25)).map((schoolId) => ({ schoolId, text: random.pick(FINDINGS[department]) }));
          const publishedAt = random.chance(0.92) ? addDays(endDate, random.int(3, 15)) : null;
          const recordedBy = department === 'education' ? '教体局安全科' : '公安局治安支队';
          const id = `INSP-${term.start.slice(0, 7)}-${department.slice(0, 3).toUpperCase()}-${districtCode ?? 'CITY'}-${n + 1}`;
          campaigns.push({
            id, department, level, districtCode, term: { start: term.start, end: term.end },
            title: `${random.pick(TITLES[department])}`, startDate, endDate: endDate > ref ? ref : endDate, schoolIds: inspected, findings,
            recordedBy, recordedAt: `${endDate > ref ? ref : endDate}T09:00:00.000Z`,
            circular: publishedAt && publishedAt <= ref
              ? { publishedAt, publishedBy: recordedBy, text: circularText(department, inspected.length, findings.length), findings }
              : null,
          });
        }
      }
    }
  }
  return campaigns;
}

function circularText(department: InspectionDepartment, schools: number, findings: number): string {
  const who = department === 'education' ? '教体部门' : '公安部门';
  return `${who}对${schools}所学校及其周边开展了安全检查和督导，共发现问题${findings}条，现将检查情况通报如下。请各有关学校对照问题清单，限期整改到位，并将整改情况报属地教体部门。`;
}
