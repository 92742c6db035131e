import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AdminUser } from '../../shared/admin.js';
import type { Role, SessionUser } from '../../shared/auth.js';
import type { Database } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { UserRepository, type SessionFilter, type UserRow } from '../db/user.repository.js';
import { ViewerLinkRepository } from '../db/viewer-link.repository.js';
import type { Actor } from '../services/actor.js';
import type { Clock } from '../clock.js';
import { actedBy, type AuditEntry, type AuditService } from './audit.service.js';
import { refusal, type RefusalWords } from '../../shared/refusal.js';
import { memoryThrottles, type ThrottleKey, type ThrottleStore, type ThrottleStoreFactory } from './throttle-store.js';
import { hashPassword, verifyPassword } from './password.js';

/** Sign-in throttling and session lifetimes; configuration may override them. */
export interface AuthRules {
  /** Failed sign-ins per (account, address) pair before each further one doubles the wait. */
  freeFailures: number;
  /** Failed sign-ins per address across all accounts before the address waits (looser: a school's NAT). */
  addressFreeFailures: number;
  /** The first wait after the free failures (seconds); each further failure doubles it. */
  firstDelaySeconds: number;
  /** The longest wait a throttled sign-in or password change is told (seconds). */
  maxDelaySeconds: number;
  /** A session ends after this long without use (a 12-hour shift plus hand-over). */
  idleHours: number;
  /** A kiosk (viewer link) session ends after this long without use. */
  kioskIdleDays: number;
}

/** 5 s, 10 s, 20 s … up to 15 minutes: a person who mistyped barely waits, a guesser gets a few tries an hour. */
export const DEFAULT_AUTH_RULES: AuthRules = { freeFailures: 5, addressFreeFailures: 30, firstDelaySeconds: 5, maxDelaySeconds: 900, idleHours: 14, kioskIdleDays: 90 };

/** Wrong current passwords per account before each further password change waits longer. */
const FREE_PASSWORD_CHANGE_FAILURES = 5;

/** A failure counted on a key is forgotten after an hour without attempts. */
const FORGET_AFTER_SECONDS = 3600;

/** The throttle keys of a sign-in: (account name, address), and the address across names. */
function signInKeys(username: string, address: string | null): [ThrottleKey, ThrottleKey] {
  const from = address ?? '-';
  return [{ throttle: 'pair', key: `${username.toLowerCase()}\n${from}` }, { throttle: 'address', key: from }];
}

/** A sign-in's outcome. `throttled`: too many failures from this address (for this account or overall): wait `retryAfterSeconds`. */
export type LoginResult =
  | { ok: true; user: SessionUser; token: string }
  | { ok: false; reason: 'invalid' | 'disabled'; words: RefusalWords }
  | { ok: false; reason: 'throttled'; words: RefusalWords; retryAfterSeconds: number };

/** A password change's outcome. */
export type PasswordChangeResult =
  | { ok: true }
  | { ok: false; reason: 'wrong'; words: RefusalWords }
  | { ok: false; reason: 'throttled'; words: RefusalWords; retryAfterSeconds: number };

/** A wait in words: seconds under a minute, whole minutes (rounded up) above. */
function waitText(seconds: number): { zh: string; en: string } {
  if (seconds < 60) return { zh: `${seconds} 秒`, en: `${seconds} second${seconds === 1 ? '' : 's'}` };
  const minutes = Math.ceil(seconds / 60);
  return { zh: `${minutes} 分钟`, en: `${minutes} minute${minutes === 1 ? '' : 's'}` };
}

const WRONG_CREDENTIALS = refusal('用户名或密码错误', 'wrong username or password');

function toSessionUser(row: UserRow): SessionUser {
  return { id: Number(row.id), username: row.username, displayName: row.display_name, role: row.role, districtCode: row.district_code, schoolId: row.school_id, unitId: row.unit_id };
}

function toAdminUser(row: UserRow): AdminUser {
  return { ...toSessionUser(row), disabled: Boolean(row.disabled), lockedUntil: row.locked_until, createdAt: row.created_at, passwordChangedAt: row.password_changed_at };
}

/** The person a kiosk session stands for: a viewer named after its link, with the link's district (id is minus the link's). */
export function kioskUser(link: { id: number; name: string; district_code: string | null }): SessionUser {
  return { id: -Number(link.id), username: `kiosk-${Number(link.id)}`, displayName: link.name, role: 'viewer', districtCode: link.district_code, schoolId: null, unitId: null };
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** A password hash of nothing, verified on unknown usernames so a probe cannot time the difference. */
let decoyHash: Promise<string> | null = null;

/** The answer for a sign-in that must wait: the same for every account name, known or not. */
function throttled(retryAfterSeconds: number): LoginResult {
  const wait = waitText(retryAfterSeconds);
  return { ok: false, reason: 'throttled', retryAfterSeconds, words: refusal(`登录尝试过多：请 ${wait.zh}后再试`, `too many sign-in attempts: try again in ${wait.en}`) };
}

/** People: accounts, throttled sign-in, sessions, password change. */
export class AuthService {
  private readonly endedListeners = new Set<(keys: string[]) => void>();
  /**
   * Failed sign-ins per (account name, address) — what slows a guesser without locking the account
   * out for its owner elsewhere —, per address across account names (a guesser spraying names), and
   * wrong current passwords per account at a password change: in this node's memory, or shared by
   * the nodes through Redis (REDIS_URL).
   */
  private readonly throttles: ThrottleStore;
  private readonly users: UserRepository;
  private readonly links: ViewerLinkRepository;

  /**
   * `audit`: sign-ins, sign-outs and password changes are written to it, each beside the write it
   * describes (in one transaction); without it (unit tests of the rules) nothing is audited.
   */
  constructor(private readonly deps: { db: Kysely<Database>; clock: Clock; rules?: AuthRules; audit?: AuditService; throttles?: ThrottleStoreFactory }) {
    this.users = new UserRepository(deps.db);
    this.links = new ViewerLinkRepository(deps.db);
    const rules = this.rules;
    const rule = (freeFailures: number) => ({ freeFailures, firstDelaySeconds: rules.firstDelaySeconds, maxDelaySeconds: rules.maxDelaySeconds, forgetAfterSeconds: Math.max(FORGET_AFTER_SECONDS, rules.maxDelaySeconds) });
    this.throttles = (deps.throttles ?? memoryThrottles)({ pair: rule(rules.freeFailures), address: rule(rules.addressFreeFailures), password: rule(FREE_PASSWORD_CHANGE_FAILURES) });
    // Made now, so even the first probe of an unknown name runs one hash, like a known one.
    decoyHash ??= hashPassword('decoy-password');
  }

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
  private async endSessions(where: SessionFilter): Promise<void> {
    this.ended(await this.users.endSessions(where));
  }

  /** Appends an audit entry (in `db`, a write's transaction, when given). */
  private async note(entry: AuditEntry | null, db: Kysely<Database> = this.deps.db): Promise<void> {
    if (entry && this.deps.audit) await this.deps.audit.append(entry, db);
  }

  private get rules(): AuthRules {
    return this.deps.rules ?? DEFAULT_AUTH_RULES;
  }

  private nowIso(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }

  /** Creates an account; the username must be free. `audit` words the entry written with it. */
  async createUser(
    input: { username: string; displayName: string; password: string; role: Role; districtCode?: string | null; schoolId?: string | null; unitId?: string | null },
    audit?: (created: AdminUser) => AuditEntry,
  ): Promise<AdminUser> {
    const now = this.nowIso();
    const passwordHash = await hashPassword(input.password);
    const row = await inTransaction(this.deps, async (trx) => {
      const created = await this.users.insert(
        { username: input.username, displayName: input.displayName, passwordHash, role: input.role, districtCode: input.districtCode ?? null, schoolId: input.schoolId ?? null, unitId: input.unitId ?? null, createdAt: now },
        trx,
      );
      await this.note(audit?.(toAdminUser(created)) ?? null, trx);
      return created;
    });
    return toAdminUser(row);
  }

  /**
   * Creates many accounts that share one password (the demo mode's responders, one per police
   * post): hashed once — scrypt costs ~100 ms, and a city has ~180 units — and written in one
   * transaction. Accounts whose username exists are left as they are; returns the usernames made.
   */
  async createUsersSharingPassword(inputs: readonly { username: string; displayName: string; role: Role; districtCode: string | null; schoolId: string | null; unitId: string | null }[], password: string): Promise<string[]> {
    const existing = new Set((await this.users.all()).map((u) => u.username));
    const fresh = inputs.filter((input) => !existing.has(input.username));
    if (fresh.length === 0) return [];
    const passwordHash = await hashPassword(password);
    const now = this.nowIso();
    await inTransaction(this.deps, async (trx) => {
      for (const input of fresh) await this.users.insert({ ...input, passwordHash, createdAt: now }, trx);
    });
    return fresh.map((input) => input.username);
  }

  async hasUser(username: string): Promise<boolean> {
    return (await this.users.byUsername(username)) !== undefined;
  }

  /** Whole seconds before a sign-in for `username` from `address` may be tried (0: now). */
  loginWait(username: string, address: string | null): Promise<number> {
    return this.throttles.wait(signInKeys(username, address), this.deps.clock.now());
  }

  /**
   * Checks a username and password. Failures slow down the next attempt from the same address for
   * the same account name (and, more loosely, for any name): doubling waits after a few free ones,
   * never a lock the account's owner meets elsewhere. The answer — words, and roughly the time
   * (the hash runs for unknown names too) — is the same for known and unknown names; a disabled
   * account says so only to the right password. A throttled attempt runs no hash. Every attempt
   * is audited (`auth.login`, with the new session; `auth.login_failed` with its reason).
   */
  async login(username: string, password: string, address: string | null): Promise<LoginResult> {
    const result = await this.attempt(username, password, address);
    if (!result.ok) await this.note({ actor: username, action: 'auth.login_failed', address, details: { reason: result.reason } });
    return result;
  }

  private async attempt(username: string, password: string, address: string | null): Promise<LoginResult> {
    const now = this.deps.clock.now();
    const [pair, from] = signInKeys(username, address);
    const wait = await this.throttles.begin([pair, from], now);
    if (wait > 0) return throttled(wait);
    const row = await this.users.byUsername(username);
    if (!row) {
      await verifyPassword(password, await (decoyHash ??= hashPassword('decoy-password')));
      return { ok: false, reason: 'invalid', words: WRONG_CREDENTIALS };
    }
    if (!(await verifyPassword(password, row.password_hash))) return { ok: false, reason: 'invalid', words: WRONG_CREDENTIALS };
    if (row.disabled) return { ok: false, reason: 'disabled', words: refusal('该账号已停用', 'this account is disabled') };
    // Two keys, one round trip: the Redis client sends commands of the same tick together.
    await Promise.all([this.throttles.clear(pair), this.throttles.refund(from)]);
    const nowIso = new Date(now).toISOString();
    const token = randomBytes(32).toString('base64url');
    await inTransaction(this.deps, async (trx) => {
      await this.users.insertSession({ tokenHash: sha256(token), userId: Number(row.id), at: nowIso, expiresAt: this.expiry(now), address }, trx);
      await this.note({ actor: username, action: 'auth.login', address }, trx);
    });
    return { ok: true, user: toSessionUser(row), token };
  }

  private expiry(now: number, kiosk = false): string {
    return new Date(now + (kiosk ? this.rules.kioskIdleDays * 24 : this.rules.idleHours) * 3600_000).toISOString();
  }

  /** The user behind a session token, sliding its idle expiry; null when unknown, expired, disabled or its viewer link revoked. */
  async session(token: string): Promise<SessionUser | null> {
    const now = this.deps.clock.now();
    const hash = sha256(token);
    const session = await this.users.session(hash);
    if (!session || Date.parse(session.expires_at) <= now) return null;
    let user: SessionUser;
    if (session.viewer_link_id !== null) {
      const link = await this.links.get(session.viewer_link_id);
      if (!link || link.revoked_at) return null;
      user = kioskUser(link);
    } else {
      const row = await this.users.byId(session.user_id);
      if (!row || row.disabled) return null;
      user = toSessionUser(row);
    }
    // Slide the expiry at most once a minute, not on every request.
    if (now - Date.parse(session.last_seen_at) > 60_000) {
      await this.users.touchSession(hash, new Date(now).toISOString(), this.expiry(now, session.viewer_link_id !== null));
    }
    return user;
  }

  /** Starts a kiosk session for a viewer link (checked by the caller); returns its token. */
  async startKioskSession(linkId: number, address: string | null): Promise<string> {
    const now = this.deps.clock.now();
    const token = randomBytes(32).toString('base64url');
    const nowIso = new Date(now).toISOString();
    await this.users.insertSession({ tokenHash: sha256(token), userId: 0, viewerLinkId: linkId, at: nowIso, expiresAt: this.expiry(now, true), address });
    return token;
  }

  /** Ends every session of a viewer link (it was revoked). */
  async endViewerLinkSessions(linkId: number): Promise<void> {
    await this.endSessions({ viewerLinkId: linkId });
  }

  /** Ends a session; `by` (the person signing out) is audited. */
  async logout(token: string, by?: Actor): Promise<void> {
    await this.endSessions({ key: sha256(token) });
    if (by) await this.note(actedBy(by, 'auth.logout', null));
  }

  /**
   * Changes a password after checking the current one; ends the user's other sessions. Wrong
   * current passwords slow the account's next change down (doubling waits after a few): a stolen
   * session cannot run the hash without end to guess the password. Audited: the change with the
   * write, a refusal with its reason.
   */
  async changePassword(by: Actor, currentPassword: string, newPassword: string, keepToken: string): Promise<PasswordChangeResult> {
    const result = await this.passwordChange(by, currentPassword, newPassword);
    if (!result.ok) await this.note(actedBy(by, 'auth.password_change_failed', null, { reason: result.reason }));
    else await this.endSessions({ userId: by.user.id, keep: sha256(keepToken) });
    return result;
  }

  private async passwordChange(by: Actor, currentPassword: string, newPassword: string): Promise<PasswordChangeResult> {
    const userId = by.user.id;
    const now = this.deps.clock.now();
    const key: ThrottleKey = { throttle: 'password', key: String(userId) };
    const wait = await this.throttles.begin([key], now);
    if (wait > 0) {
      const text = waitText(wait);
      return { ok: false, reason: 'throttled', retryAfterSeconds: wait, words: refusal(`密码修改尝试过多：请 ${text.zh}后再试`, `too many password change attempts: try again in ${text.en}`) };
    }
    const row = await this.users.byId(userId);
    if (!row || !(await verifyPassword(currentPassword, row.password_hash))) return { ok: false, reason: 'wrong', words: refusal('当前密码错误', 'the current password is wrong') };
    await this.throttles.clear(key);
    const passwordHash = await hashPassword(newPassword);
    await inTransaction(this.deps, async (trx) => {
      await this.users.setPassword(userId, passwordHash, this.nowIso(), false, trx);
      await this.note(actedBy(by, 'auth.password_changed', null), trx);
    });
    return { ok: true };
  }

  /** Every account, by username. */
  async listUsers(): Promise<AdminUser[]> {
    return (await this.users.all()).map(toAdminUser);
  }

  async user(id: number): Promise<AdminUser | null> {
    const row = await this.users.byId(id);
    return row ? toAdminUser(row) : null;
  }

  /**
   * Changes an account's name, role, scope or disabled flag. A change of role, scope or a disable
   * ends the account's sessions (a socket must not keep a wider view than its person now has).
   * `audit` words the entry written with the change (none when it returns null).
   */
  async updateUser(
    id: number,
    changes: { displayName?: string; role?: Role; districtCode?: string | null; schoolId?: string | null; unitId?: string | null; disabled?: boolean },
    audit?: (before: AdminUser, after: AdminUser) => AuditEntry | null,
  ): Promise<AdminUser | null> {
    const updated = await inTransaction(this.deps, async (trx) => {
      const before = await this.users.byId(id, trx);
      if (!before) return null;
      const set: Partial<Omit<UserRow, 'id'>> = {};
      if (changes.displayName !== undefined) set.display_name = changes.displayName;
      if (changes.role !== undefined) set.role = changes.role;
      if (changes.districtCode !== undefined) set.district_code = changes.districtCode;
      if (changes.schoolId !== undefined) set.school_id = changes.schoolId;
      if (changes.unitId !== undefined) set.unit_id = changes.unitId;
      if (changes.disabled !== undefined) set.disabled = changes.disabled ? 1 : 0;
      const row = await this.users.update(id, set, trx);
      await this.note(audit?.(toAdminUser(before), toAdminUser(row)) ?? null, trx);
      return { before, row };
    });
    if (!updated) return null;
    const { before, row } = updated;
    const narrowed = row.role !== before.role || row.district_code !== before.district_code || row.school_id !== before.school_id || row.unit_id !== before.unit_id;
    if (row.disabled || narrowed) await this.endSessions({ userId: id });
    return toAdminUser(row);
  }

  /**
   * An administrator sets a new password: the account's sign-in waits are lifted and every session
   * of the account ends. `audit` words the entry written with it.
   */
  async resetPassword(id: number, password: string, audit?: (user: AdminUser) => AuditEntry): Promise<boolean> {
    const account = await this.users.byId(id);
    if (account) {
      await this.throttles.clearPrefix('pair', `${account.username.toLowerCase()}\n`);
      await this.throttles.clear({ throttle: 'password', key: String(id) });
    }
    const passwordHash = await hashPassword(password);
    const done = await inTransaction(this.deps, async (trx) => {
      if (!(await this.users.setPassword(id, passwordHash, this.nowIso(), true, trx))) return false;
      const row = await this.users.byId(id, trx);
      if (row) await this.note(audit?.(toAdminUser(row)) ?? null, trx);
      return true;
    });
    if (!done) return false;
    await this.endSessions({ userId: id });
    return true;
  }
}
