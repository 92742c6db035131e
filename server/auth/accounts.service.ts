import type { AdminUser, UserCreate, UserUpdate } from '../../shared/admin.js';
import type { Role } from '../../shared/auth.js';
import type { LocalizedText } from '../../shared/domain/text.js';
import { refusal, say } from '../../shared/refusal.js';
import type { Actor } from '../services/actor.js';
import { refuse, type Outcome, type Refused } from '../services/outcome.js';
import type { RegistryService } from '../services/registry.service.js';
import { actedBy } from './audit.service.js';
import type { AuthService } from './auth.service.js';

/** Where an account may look, or why not (each field's words). */
type Place = { ok: true; districtCode: string | null; schoolId: string | null; unitId: string | null } | { ok: false; fields: Record<string, LocalizedText> };

/**
 * Where an account may look: a school user at its school (whose district follows), a responder
 * its unit (a police post, whose district follows), the administrator everywhere, everyone else
 * at the city (null) or one district.
 */
function placeOf(registry: RegistryService, role: Role, districtCode: string | null, schoolId: string | null, unitId: string | null): Place {
  if (role === 'responder') {
    if (schoolId) return { ok: false, fields: { schoolId: say('只有学校用户绑定学校', 'only a school user is bound to a school') } };
    if (!unitId) return { ok: false, fields: { unitId: say('出警单位人员须指定所属单位（警务室或岗亭）', 'a responder must name its unit (a police post)') } };
    const unit = registry.policePost(unitId);
    if (!unit) return { ok: false, fields: { unitId: say(`没有编号为 ${unitId} 的出警单位`, `no police post ${unitId}`) } };
    if (districtCode && districtCode !== unit.districtCode) return { ok: false, fields: { districtCode: say(`单位 ${unitId} 属于区县 ${unit.districtCode}`, `unit ${unitId} is in district ${unit.districtCode}`) } };
    return { ok: true, districtCode: unit.districtCode, schoolId: null, unitId: unit.id };
  }
  if (unitId) return { ok: false, fields: { unitId: say('只有出警单位人员绑定出警单位', 'only a responder is bound to a unit') } };
  if (role === 'school_user') {
    if (!schoolId) return { ok: false, fields: { schoolId: say('学校用户须指定所属学校', 'a school user must name its school') } };
    const school = registry.school(schoolId);
    if (!school) return { ok: false, fields: { schoolId: say(`没有编号为 ${schoolId} 的学校`, `no school ${schoolId}`) } };
    if (districtCode && districtCode !== school.districtCode) return { ok: false, fields: { districtCode: say(`学校 ${schoolId} 属于区县 ${school.districtCode}`, `school ${schoolId} is in district ${school.districtCode}`) } };
    return { ok: true, districtCode: school.districtCode, schoolId: school.id, unitId: null };
  }
  if (schoolId) return { ok: false, fields: { schoolId: say('只有学校用户绑定学校', 'only a school user is bound to a school') } };
  if (role === 'admin' && districtCode) return { ok: false, fields: { districtCode: say('管理员为市级账号，不绑定区县', 'the administrator is city-level') } };
  return { ok: true, districtCode, schoolId: null, unitId: null };
}

/** A wrong place as a 400: every field's reason in one sentence, and each field's own. */
function misplaced(fields: Record<string, LocalizedText>): Refused {
  const line = (language: keyof LocalizedText, separator: string) => Object.entries(fields).map(([k, v]) => `${k}${separator}${v[language]}`);
  return refuse(400, refusal(line('zh', '：').join('；'), line('en', ': ').join('; ')), fields);
}

/** What changed between two accounts, for the audit entry: `{ field: { from, to } }`. */
function changesOf(before: AdminUser, after: AdminUser): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of ['displayName', 'role', 'districtCode', 'schoolId', 'unitId', 'disabled'] as const) {
    if (before[key] !== after[key]) out[key] = { from: before[key], to: after[key] };
  }
  return out;
}

const noUser = (id: number) => refuse(404, refusal(`没有编号为 ${id} 的用户`, `no user ${id}`));

/**
 * People, as the administrator manages them (`/admin/users`): the rules of an account's place
 * (role, district, school), that nobody disables or demotes themselves, and the audit entry of
 * every change, written with it (AuthService keeps the accounts and their sessions).
 */
export class AccountService {
  constructor(private readonly deps: { auth: AuthService; registry: RegistryService }) {}

  list(): Promise<AdminUser[]> {
    return this.deps.auth.listUsers();
  }

  async create(input: UserCreate, by: Actor): Promise<Outcome<AdminUser>> {
    const place = placeOf(this.deps.registry, input.role, input.districtCode, input.schoolId, input.unitId);
    if (!place.ok) return misplaced(place.fields);
    if (await this.deps.auth.hasUser(input.username)) return refuse(409, refusal(`用户名 ${input.username} 已被占用`, `the username ${input.username} is taken`), { username: say('已被占用', 'taken') });
    const created = await this.deps.auth.createUser({ ...input, districtCode: place.districtCode, schoolId: place.schoolId, unitId: place.unitId }, (user) =>
      actedBy(by, 'user.create', `user:${user.username}`, { role: user.role, districtCode: user.districtCode, schoolId: user.schoolId, unitId: user.unitId, displayName: user.displayName }),
    );
    return { ok: true, data: created };
  }

  /**
   * Changes an account. Unnamed fields keep their value where it still fits: a school user's
   * district follows its school, the administrator is city-level, a school binding goes with the
   * school-user role.
   */
  async update(id: number, input: UserUpdate, by: Actor): Promise<Outcome<AdminUser>> {
    const before = await this.deps.auth.user(id);
    if (!before) return noUser(id);
    if (id === by.user.id && (input.disabled === true || (input.role !== undefined && input.role !== 'admin'))) {
      return refuse(409, refusal('不能停用自己或放弃自己的管理员角色：请另一位管理员操作', 'you cannot disable yourself or give up your own administrator role: ask another administrator'));
    }
    const role = input.role ?? before.role;
    const districtCode = input.districtCode !== undefined ? input.districtCode : role === 'school_user' || role === 'admin' || role === 'responder' ? null : before.districtCode;
    const schoolId = input.schoolId !== undefined ? input.schoolId : role === 'school_user' ? before.schoolId : null;
    const unitId = input.unitId !== undefined ? input.unitId : role === 'responder' ? before.unitId : null;
    const place = placeOf(this.deps.registry, role, districtCode, schoolId, unitId);
    if (!place.ok) return misplaced(place.fields);
    const after = await this.deps.auth.updateUser(id, { ...input, districtCode: place.districtCode, schoolId: place.schoolId, unitId: place.unitId }, (was, now) => {
      const changes = changesOf(was, now);
      return Object.keys(changes).length > 0 ? actedBy(by, 'user.update', `user:${now.username}`, { changes }) : null;
    });
    return after ? { ok: true, data: after } : noUser(id);
  }

  /** Sets a new password for an account (its sign-in waits lifted, its sessions ended). */
  async resetPassword(id: number, password: string, by: Actor): Promise<Outcome<null>> {
    const done = await this.deps.auth.resetPassword(id, password, (user) => actedBy(by, 'user.password_reset', `user:${user.username}`));
    return done ? { ok: true, data: null } : noUser(id);
  }
}
