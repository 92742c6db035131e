import { createHash, randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Role, SessionUser } from '../../shared/auth.js';
import type { Database } from '../db/schema.js';
import type { Clock } from '../services/clock.js';
import { hashPassword, verifyPassword } from './password.js';

/** Lock-out and session lifetimes; configuration may override them. */
export interface AuthRules {
  maxFailedLogins: number;
  lockMinutes: number;
  /** A session ends after this long without use (a 12-hour shift plus hand-over). */
  idleHours: number;
}

export const DEFAULT_AUTH_RULES: AuthRules = { maxFailedLogins: 5, lockMinutes: 15, idleHours: 14 };

/** A sign-in's outcome. */
export type LoginResult =
  | { ok: true; user: SessionUser; token: string }
  | { ok: false; reason: 'invalid' | 'locked' | 'disabled'; message: string; retryAfterSeconds?: number };

type UserRow = Selectable<Database['users']>;

function toSessionUser(row: UserRow): SessionUser {
  return { id: Number(row.id), username: row.username, displayName: row.display_name, role: row.role as Role, districtCode: row.district_code, schoolId: row.school_id };
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** A password hash of nothing, verified on unknown usernames so a probe cannot time the difference. */
let decoyHash: Promise<string> | null = null;

/** People: accounts, sign-in with lock-out, sessions, password change. */
export class AuthService {
  constructor(private readonly deps: { db: Kysely<Database>; clock: Clock; rules?: AuthRules }) {}

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
      return { ok: false, reason: 'invalid', message: 'wrong username or password' };
    }
    if (row.locked_until && Date.parse(row.locked_until) > now) {
      const retryAfterSeconds = Math.ceil((Date.parse(row.locked_until) - now) / 1000);
      return { ok: false, reason: 'locked', retryAfterSeconds, message: `too many failed sign-ins: the account is locked for ${Math.ceil(retryAfterSeconds / 60)} more minute(s)` };
    }
    if (row.disabled) return { ok: false, reason: 'disabled', message: 'this account is disabled' };
    if (!(await verifyPassword(password, row.password_hash))) {
      const failed = row.failed_logins + 1;
      const lock = failed >= this.rules.maxFailedLogins;
      await this.deps.db
        .updateTable('users')
        .set({ failed_logins: lock ? 0 : failed, locked_until: lock ? new Date(now + this.rules.lockMinutes * 60_000).toISOString() : row.locked_until })
        .where('id', '=', row.id)
        .execute();
      if (lock) {
        return { ok: false, reason: 'locked', retryAfterSeconds: this.rules.lockMinutes * 60, message: `too many failed sign-ins: the account is locked for ${this.rules.lockMinutes} minutes` };
      }
      return { ok: false, reason: 'invalid', message: 'wrong username or password' };
    }
    await this.deps.db.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', row.id).execute();
    const token = randomBytes(32).toString('base64url');
    const nowIso = new Date(now).toISOString();
    await this.deps.db
      .insertInto('sessions')
      .values({ token_hash: sha256(token), user_id: Number(row.id), created_at: nowIso, last_seen_at: nowIso, expires_at: this.expiry(now), address })
      .execute();
    return { ok: true, user: toSessionUser(row), token };
  }

  private expiry(now: number): string {
    return new Date(now + this.rules.idleHours * 3600_000).toISOString();
  }

  /** The user behind a session token, sliding its idle expiry; null when unknown, expired or disabled. */
  async session(token: string): Promise<SessionUser | null> {
    const now = this.deps.clock.now();
    const hash = sha256(token);
    const session = await this.deps.db.selectFrom('sessions').selectAll().where('token_hash', '=', hash).executeTakeFirst();
    if (!session || Date.parse(session.expires_at) <= now) return null;
    const user = await this.deps.db.selectFrom('users').selectAll().where('id', '=', session.user_id).executeTakeFirst();
    if (!user || user.disabled) return null;
    // Slide the expiry at most once a minute, not on every request.
    if (now - Date.parse(session.last_seen_at) > 60_000) {
      await this.deps.db.updateTable('sessions').set({ last_seen_at: new Date(now).toISOString(), expires_at: this.expiry(now) }).where('token_hash', '=', hash).execute();
    }
    return toSessionUser(user);
  }

  async logout(token: string): Promise<void> {
    await this.deps.db.deleteFrom('sessions').where('token_hash', '=', sha256(token)).execute();
  }

  /** Changes a password after checking the current one; ends the user's other sessions. */
  async changePassword(userId: number, currentPassword: string, newPassword: string, keepToken: string): Promise<{ ok: true } | { ok: false; message: string }> {
    const row = await this.deps.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
    if (!row || !(await verifyPassword(currentPassword, row.password_hash))) return { ok: false, message: 'the current password is wrong' };
    await this.deps.db
      .updateTable('users')
      .set({ password_hash: await hashPassword(newPassword), password_changed_at: this.nowIso() })
      .where('id', '=', userId)
      .execute();
    await this.deps.db.deleteFrom('sessions').where('user_id', '=', userId).where('token_hash', '!=', sha256(keepToken)).execute();
    return { ok: true };
  }
}
