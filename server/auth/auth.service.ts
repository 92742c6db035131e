import { createHash, randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { AdminUser } from '../../shared/admin.js';
import type { Role, SessionUser } from '../../shared/auth.js';
import type { Database } from '../db/schema.js';
import type { Clock } from '../services/clock.js';
import { refusal, type RefusalWords } from '../../shared/refusal.js';
import { hashPassword, verifyPassword } from './password.js';

/** Lock-out and session lifetimes; configuration may override them. */
export interface AuthRules {
  maxFailedLogins: number;
  lockMinutes: number;
  /** A session ends after this long without use (a 12-hour shift plus hand-over). */
  idleHours: number;
  /** A kiosk (viewer link) session ends after this long without use. */
  kioskIdleDays: number;
}

export const DEFAULT_AUTH_RULES: AuthRules = { maxFailedLogins: 5, lockMinutes: 15, idleHours: 14, kioskIdleDays: 90 };


/** A sign-in's outcome. */
export type LoginResult =
  | { ok: true; user: SessionUser; token: string }
  | { ok: false; reason: 'invalid' | 'locked' | 'disabled'; words: RefusalWords; retryAfterSeconds?: number };

type UserRow = Selectable<Database['users']>;

function toSessionUser(row: UserRow): SessionUser {
  return { id: Number(row.id), username: row.username, displayName: row.display_name, role: row.role as Role, districtCode: row.district_code, schoolId: row.school_id };
}

function toAdminUser(row: UserRow): AdminUser {
  return { ...toSessionUser(row), disabled: Boolean(row.disabled), lockedUntil: row.locked_until, createdAt: row.created_at, passwordChangedAt: row.password_changed_at };
}

/** The person a kiosk session stands for: a viewer named after its link, with the link's district (id is minus the link's). */
export function kioskUser(link: { id: number; name: string; district_code: string | null }): SessionUser {
  return { id: -Number(link.id), username: `kiosk-${Number(link.id)}`, displayName: link.name, role: 'viewer', districtCode: link.district_code, schoolId: null };
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** A password hash of nothing, verified on unknown usernames so a probe cannot time the difference. */
let decoyHash: Promise<string> | null = null;

/** The answer for a locked account, with how long it stays locked ("for 15 minutes", "for 3 more minutes"). */
function lockedFor(retryAfterSeconds: number, still = false): LoginResult {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return { ok: false, reason: 'locked', retryAfterSeconds,
    words: refusal(
      `登录失败次数过多：账号${still ? '仍' : ''}锁定 ${minutes} 分钟`,
      `too many failed sign-ins: the account is locked for ${minutes} ${still ? 'more ' : ''}minute${minutes === 1 ? '' : 's'}`,
    ),
  };
}

/** People: accounts, sign-in with lock-out, sessions, password change. */
export class AuthService {
  private readonly endedListeners = new Set<(keys: string[]) => void>();

  constructor(private readonly deps: { db: Kysely<Database>; clock: Clock; rules?: AuthRules }) {}

  /**
   * A session's stable key (the SHA-256 of its token, as stored): what `onSessionsEnded` reports.
   * The socket layer keeps it per connection to disconnect the sockets of ended sessions.
   */
  sessionKey(token: string): string {
    return sha256(token);
  }

  /**
   * Called with the keys of sessions that ended: sign-out, password change or reset (the other
   * sessions), a disabled account or a changed role or scope, a revoked viewer link. Returns the
   * unsubscribe function.
   */
  onSessionsEnded(listener: (keys: string[]) => void): () => void {
    this.endedListeners.add(listener);
    return () => this.endedListeners.delete(listener);
  }

  private ended(keys: string[]): void {
    if (keys.length === 0) return;
    for (const listener of this.endedListeners) listener(keys);
  }

  /** Ends sessions matching a filter and reports their keys. */
  private async endSessions(where: { userId?: number; viewerLinkId?: number; keep?: string; key?: string }): Promise<void> {
    let q = this.deps.db.selectFrom('sessions').select('token_hash');
    if (where.userId !== undefined) q = q.where('user_id', '=', where.userId).where('viewer_link_id', 'is', null);
    if (where.viewerLinkId !== undefined) q = q.where('viewer_link_id', '=', where.viewerLinkId);
    if (where.key !== undefined) q = q.where('token_hash', '=', where.key);
    if (where.keep !== undefined) q = q.where('token_hash', '!=', where.keep);
    const keys = (await q.execute()).map((r) => r.token_hash);
    if (keys.length === 0) return;
    await this.deps.db.deleteFrom('sessions').where('token_hash', 'in', keys).execute();
    this.ended(keys);
  }

  private get rules(): AuthRules {
    return this.deps.rules ?? DEFAULT_AUTH_RULES;
  }

  private nowIso(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }

  /** Creates an account; the username must be free. */
  async createUser(input: { username: string; displayName: string; password: string; role: Role; districtCode?: string | null; schoolId?: string | null }): Promise<SessionUser> {
    const now = this.nowIso();
    const row = await this.deps.db
      .insertInto('users')
      .values({
        username: input.username,
        display_name: input.displayName,
        password_hash: await hashPassword(input.password),
        role: input.role,
        district_code: input.districtCode ?? null,
        school_id: input.schoolId ?? null,
        disabled: 0,
        failed_logins: 0,
        locked_until: null,
        created_at: now,
        password_changed_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toSessionUser(row);
  }

  async hasUser(username: string): Promise<boolean> {
    return (await this.deps.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst()) !== undefined;
  }

  /**
   * Checks a username and password. Repeated failures lock the account for a while; a locked
   * account is refused even with the right password, and says for how long.
   */
  async login(username: string, password: string, address: string | null): Promise<LoginResult> {
    const now = this.deps.clock.now();
    const row = await this.deps.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    if (!row) {
      await verifyPassword(password, await (decoyHash ??= hashPassword('decoy-password')));
      return { ok: false, reason: 'invalid', words: refusal('用户名或密码错误', 'wrong username or password') };
    }
    if (row.locked_until && Date.parse(row.locked_until) > now) {
      return lockedFor(Math.ceil((Date.parse(row.locked_until) - now) / 1000), true);
    }
    if (row.disabled) return { ok: false, reason: 'disabled', words: refusal('该账号已停用', 'this account is disabled') };
    if (!(await verifyPassword(password, row.password_hash))) {
      // Counted in the database in one statement: attempts sent in parallel each add one (a
      // read-then-write would let them all read the same count and never lock).
      const bumped = await this.deps.db
        .updateTable('users')
        .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
        .where('id', '=', row.id)
        .returning('failed_logins')
        .executeTakeFirst();
      if (Number(bumped?.failed_logins ?? 0) >= this.rules.maxFailedLogins) {
        await this.deps.db
          .updateTable('users')
          .set({ failed_logins: 0, locked_until: new Date(now + this.rules.lockMinutes * 60_000).toISOString() })
          .where('id', '=', row.id)
          .execute();
        return lockedFor(this.rules.lockMinutes * 60);
      }
      return { ok: false, reason: 'invalid', words: refusal('用户名或密码错误', 'wrong username or password') };
    }
    // The right password clears the count only if no parallel attempt locked the account since
    // it was read; otherwise the lock stands.
    const nowIso = new Date(now).toISOString();
    const cleared = await this.deps.db
      .updateTable('users')
      .set({ failed_logins: 0, locked_until: null })
      .where('id', '=', row.id)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', nowIso)]))
      .executeTakeFirst();
    if (Number(cleared.numUpdatedRows) === 0) {
      return lockedFor(this.rules.lockMinutes * 60);
    }
    const token = randomBytes(32).toString('base64url');
    await this.deps.db
      .insertInto('sessions')
      .values({ token_hash: sha256(token), user_id: Number(row.id), created_at: nowIso, last_seen_at: nowIso, expires_at: this.expiry(now), address })
      .execute();
    return { ok: true, user: toSessionUser(row), token };
  }

  private expiry(now: number, kiosk = false): string {
    return new Date(now + (kiosk ? this.rules.kioskIdleDays * 24 : this.rules.idleHours) * 3600_000).toISOString();
  }

  /** The user behind a session token, sliding its idle expiry; null when unknown, expired, disabled or its viewer link revoked. */
  async session(token: string): Promise<SessionUser | null> {
    const now = this.deps.clock.now();
    const hash = sha256(token);
    const session = await this.deps.db.selectFrom('sessions').selectAll().where('token_hash', '=', hash).executeTakeFirst();
    if (!session || Date.parse(session.expires_at) <= now) return null;
    let user: SessionUser;
    if (session.viewer_link_id !== null) {
      const link = await this.deps.db.selectFrom('viewer_links').selectAll().where('id', '=', session.viewer_link_id).executeTakeFirst();
      if (!link || link.revoked_at) return null;
      user = kioskUser(link);
    } else {
      const row = await this.deps.db.selectFrom('users').selectAll().where('id', '=', session.user_id).executeTakeFirst();
      if (!row || row.disabled) return null;
      user = toSessionUser(row);
    }
    // Slide the expiry at most once a minute, not on every request.
    if (now - Date.parse(session.last_seen_at) > 60_000) {
      await this.deps.db
        .updateTable('sessions')
        .set({ last_seen_at: new Date(now).toISOString(), expires_at: this.expiry(now, session.viewer_link_id !== null) })
        .where('token_hash', '=', hash)
        .execute();
    }
    return user;
  }

  /** Starts a kiosk session for a viewer link (checked by the caller); returns its token. */
  async startKioskSession(linkId: number, address: string | null): Promise<string> {
    const now = this.deps.clock.now();
    const token = randomBytes(32).toString('base64url');
    const nowIso = new Date(now).toISOString();
    await this.deps.db
      .insertInto('sessions')
      .values({ token_hash: sha256(token), user_id: 0, viewer_link_id: linkId, created_at: nowIso, last_seen_at: nowIso, expires_at: this.expiry(now, true), address })
      .execute();
    return token;
  }

  /** Ends every session of a viewer link (it was revoked). */
  async endViewerLinkSessions(linkId: number): Promise<void> {
    await this.endSessions({ viewerLinkId: linkId });
  }

  async logout(token: string): Promise<void> {
    await this.endSessions({ key: sha256(token) });
  }

  /** Changes a password after checking the current one; ends the user's other sessions. */
  async changePassword(userId: number, currentPassword: string, newPassword: string, keepToken: string): Promise<{ ok: true } | { ok: false; words: RefusalWords }> {
    const row = await this.deps.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
    if (!row || !(await verifyPassword(currentPassword, row.password_hash))) return { ok: false, words: refusal('当前密码错误', 'the current password is wrong') };
    await this.deps.db
      .updateTable('users')
      .set({ password_hash: await hashPassword(newPassword), password_changed_at: this.nowIso() })
      .where('id', '=', userId)
      .execute();
    await this.endSessions({ userId, keep: sha256(keepToken) });
    return { ok: true };
  }

  /** Every account, by username. */
  async listUsers(): Promise<AdminUser[]> {
    return (await this.deps.db.selectFrom('users').selectAll().orderBy('username').execute()).map(toAdminUser);
  }

  async user(id: number): Promise<AdminUser | null> {
    const row = await this.deps.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toAdminUser(row) : null;
  }

  /**
   * Changes an account's name, role, scope or disabled flag. A change of role, scope or a disable
   * ends the account's sessions (a socket must not keep a wider view than its person now has).
   */
  async updateUser(id: number, changes: { displayName?: string; role?: Role; districtCode?: string | null; schoolId?: string | null; disabled?: boolean }): Promise<AdminUser | null> {
    const before = await this.deps.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) return null;
    const set: Partial<Omit<UserRow, 'id'>> = {};
    if (changes.displayName !== undefined) set.display_name = changes.displayName;
    if (changes.role !== undefined) set.role = changes.role;
    if (changes.districtCode !== undefined) set.district_code = changes.districtCode;
    if (changes.schoolId !== undefined) set.school_id = changes.schoolId;
    if (changes.disabled !== undefined) set.disabled = changes.disabled ? 1 : 0;
    const row = await this.deps.db.updateTable('users').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    const narrowed = row.role !== before.role || row.district_code !== before.district_code || row.school_id !== before.school_id;
    if (row.disabled || narrowed) await this.endSessions({ userId: id });
    return toAdminUser(row);
  }

  /** An administrator sets a new password: the lock-out is lifted and every session of the account ends. */
  async resetPassword(id: number, password: string): Promise<boolean> {
    const result = await this.deps.db
      .updateTable('users')
      .set({ password_hash: await hashPassword(password), password_changed_at: this.nowIso(), failed_logins: 0, locked_until: null })
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    await this.endSessions({ userId: id });
    return true;
  }
}
