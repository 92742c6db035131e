import { randomUUID } from 'node:crypto';
import type { SessionUser } from '../../shared/auth.js';
import { findDistrict } from '../../shared/domain/districts.js';
import type { CircularInput, InspectionCampaign, InspectionDepartment, InspectionInput, InspectionList } from '../../shared/inspections.js';
import { refusal, say } from '../../shared/refusal.js';
import { semesterOf } from '../../shared/rules/compliance/routines.js';
import type { SemesterRule } from '../../shared/rules/compliance/types.js';
import { inspectionDuties } from '../../shared/rules/inspection-duty.js';
import { shanghaiParts } from '../../shared/time.js';
import { actedBy, type AuditService } from '../auth/audit.service.js';
import { isoNow, type Clock } from '../clock.js';
import type { Store } from '../db/database.js';
import type { InspectionRepository } from '../db/inspection.repository.js';
import { inTransaction } from '../db/transaction.js';
import type { WriteQueue } from '../db/write-queue.js';
import type { Actor } from './actor.js';
import { ok, refuse, type Outcome, type Refused } from './outcome.js';
import type { RegistryService } from './registry.service.js';

interface InspectionServiceDeps {
  store: Store;
  writes: WriteQueue;
  repository: InspectionRepository;
  registry: RegistryService;
  clock: Clock;
  audit: AuditService;
  semesters: readonly SemesterRule[];
}

/** The department a role records for: the education bureau's staff 教体, the police 公安; the administrator either. */
const OWN_DEPARTMENT: Partial<Record<SessionUser['role'], InspectionDepartment>> = { education_staff: 'education', police_operator: 'police' };

const schoolUser = (): Refused => refuse(403, refusal('学校账号不能查看市、县检查督导记录', 'a school account cannot read the city and county inspections'));

/**
 * The city's and the counties' inspection campaigns and their circulars (二(五)2, issue 15): a
 * city-level person reads and records at the city and in any county; a county person reads the
 * city's campaigns and their own county's and records only in their own county; a person records
 * for their own department only. Every record and circular is on the audit log in its transaction.
 */
export class InspectionService {
  constructor(private readonly deps: InspectionServiceDeps) {}

  /** The term containing `date` (default today), its campaigns and duties within the person's scope. */
  async list(query: { term?: string | undefined; department?: InspectionDepartment | undefined; districtCode?: string | undefined }, user: SessionUser): Promise<Outcome<InspectionList>> {
    if (user.role === 'school_user') return schoolUser();
    if (user.districtCode && query.districtCode && query.districtCode !== user.districtCode) return this.outsideDistrict(user.districtCode);
    const today = shanghaiParts(this.deps.clock.now()).date;
    const found = semesterOf(query.term ?? today, this.deps.semesters);
    // Running: today lies within it (a past term asked for by a date in it has ended).
    const term = { start: found.start, end: found.end, running: found.start <= today && today <= found.end };
    const districts = query.districtCode ? [query.districtCode] : user.districtCode ? [user.districtCode] : null;
    const all = (await this.deps.repository.ofTerm(term.start)).filter((c) => c.level === 'city' || !districts || districts.includes(c.districtCode ?? ''));
    const duties = inspectionDuties({ campaigns: all, term, asOf: today, city: !query.districtCode, districtCodes: districts });
    const campaigns = all.filter((c) => !query.department || c.department === query.department);
    return ok({ term, campaigns, duties: duties.filter((d) => !query.department || d.department === query.department) });
  }

  /** One campaign: 404 unknown, 403 a county's outside the person's district (or a school account). */
  async get(id: string, user: SessionUser): Promise<Outcome<InspectionCampaign>> {
    if (user.role === 'school_user') return schoolUser();
    const campaign = await this.deps.repository.get(this.deps.store.db, id);
    if (!campaign) return this.unknown(id);
    if (user.districtCode && campaign.level === 'county' && campaign.districtCode !== user.districtCode) return this.outsideDistrict(user.districtCode);
    return ok(campaign);
  }

  /** Records a campaign of the person's own department, at a level within their scope, of known schools within it. */
  async create(input: InspectionInput, by: Actor): Promise<Outcome<InspectionCampaign>> {
    const refused = this.writeRefusal(by.user, input.department, input.level, input.districtCode);
    if (refused) return refused;
    const { registry } = this.deps;
    const unknown = input.schoolIds.filter((id) => !registry.school(id));
    if (unknown.length > 0) {
      const words = say(`没有这些编号的学校：${unknown.slice(0, 5).join('、')}`, `no such schools: ${unknown.slice(0, 5).join(', ')}`);
      return refuse(400, refusal(words.zh, words.en), { schoolIds: words });
    }
    if (input.level === 'county') {
      const elsewhere = input.schoolIds.filter((id) => registry.school(id)?.districtCode !== input.districtCode);
      if (elsewhere.length > 0) {
        const words = say(`县级检查只检查本县（市、区）的学校：${elsewhere.slice(0, 5).join('、')} 不在其内`, `a county inspection inspects its own district's schools: ${elsewhere.slice(0, 5).join(', ')} are not in it`);
        return refuse(400, refusal(words.zh, words.en), { schoolIds: words });
      }
    }
    const term = semesterOf(input.startDate, this.deps.semesters);
    const campaign: InspectionCampaign = {
      id: `INSP-${randomUUID()}`, department: input.department, level: input.level, districtCode: input.districtCode,
      term: { start: term.start, end: term.end }, title: input.title, startDate: input.startDate, endDate: input.endDate,
      schoolIds: [...new Set(input.schoolIds)], findings: input.findings.map((f) => ({ schoolId: f.schoolId, text: f.text })),
      recordedBy: by.user.displayName, recordedAt: isoNow(this.deps.clock), circular: null,
    };
    await this.deps.writes.run(() =>
      inTransaction(this.deps.store, async (trx) => {
        await this.deps.repository.add(trx, [campaign]);
        await this.deps.audit.append(actedBy(by, 'inspection.record', `inspection:${campaign.id}`, { department: campaign.department, level: campaign.level, districtCode: campaign.districtCode, schools: campaign.schoolIds.length }), trx);
      }),
    );
    return ok(campaign);
  }

  /** Publishes the circular of a campaign (once), freezing its findings per school; not before the campaign started. */
  async publishCircular(id: string, input: CircularInput, by: Actor): Promise<Outcome<InspectionCampaign>> {
    const { repository, store } = this.deps;
    const campaign = await repository.get(store.db, id);
    if (!campaign) return this.unknown(id);
    const refused = this.writeRefusal(by.user, campaign.department, campaign.level, campaign.districtCode);
    if (refused) return refused;
    if (input.publishedAt < campaign.startDate) {
      const words = say(`通报日期不能早于检查开始日期 ${campaign.startDate}`, `the circular cannot be dated before the inspection started (${campaign.startDate})`);
      return refuse(400, refusal(words.zh, words.en), { publishedAt: words });
    }
    if (input.publishedAt > shanghaiParts(this.deps.clock.now()).date) {
      const words = say('通报日期不能晚于今天', 'the circular cannot be dated after today');
      return refuse(400, refusal(words.zh, words.en), { publishedAt: words });
    }
    const circular = { publishedAt: input.publishedAt, publishedBy: by.user.displayName, text: input.text, findings: campaign.findings };
    const published = await this.deps.writes.run(() =>
      inTransaction(store, async (trx) => {
        if (!(await repository.publish(trx, id, circular))) return false;
        await this.deps.audit.append(actedBy(by, 'inspection.circular', `inspection:${id}`, { publishedAt: input.publishedAt }), trx);
        return true;
      }),
    );
    if (!published) return refuse(409, refusal('该检查已发布通报，不能重复发布', 'the circular of this inspection is already published'));
    return ok({ ...campaign, circular });
  }

  private writeRefusal(user: SessionUser, department: InspectionDepartment, level: 'city' | 'county', districtCode: string | null): Refused | null {
    const own = OWN_DEPARTMENT[user.role];
    if (user.role !== 'admin' && own !== department) {
      return refuse(403, refusal(own === 'education' ? '教体部门账号只能登记教体部门的检查' : '公安账号只能登记公安部门的检查', `you record your own department's inspections only (${own ?? 'none'})`));
    }
    if (user.districtCode && (level === 'city' || districtCode !== user.districtCode)) return this.outsideDistrict(user.districtCode);
    return null;
  }

  private outsideDistrict(code: string): Refused {
    const name = findDistrict(code);
    return refuse(403, refusal(`只能查看和登记${name?.name ?? code}的检查（及市级检查的查看）`, `outside your district (${name?.nameEn ?? code})`));
  }

  private unknown(id: string): Refused {
    return refuse(404, refusal(`没有编号为 ${id} 的检查记录`, `no inspection ${id}`));
  }
}
