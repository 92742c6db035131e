import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Role } from '../../shared/auth.js';
import type { Database } from './schema.js';

/** A stored account (with its password hash: never leaves the server). */
export type UserRow = Selectable<Database['users']>;

/** A stored session (the cookie holds the token, the table its SHA-256). */
export type SessionRow = Selectable<Database['sessions']>;

/** Which sessions to end: a person's own (not kiosk) sessions, a viewer link's, or one by key; `keep` spares one. */
export interface SessionFilter {
  userId?: number;
  viewerLinkId?: number;
  key?: string;
  keep?: string;
}

/** Accounts and their signed-in sessions. */
export class UserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  insert(user: { username: string; displayName: string; passwordHash: string; role: Role; districtCode: string | null; schoolId: string | null; unitId: string | null; createdAt: string }, db: Kysely<Database> = this.db): Promise<UserRow> {
    return db
      .insertInto('users')
      .values({
        username: user.username,
        display_name: user.displayName,
        password_hash: user.passwordHash,
        role: user.role,
        district_code: user.districtCode,
        school_id: user.schoolId,
        unit_id: user.unitId,
        disabled: 0,
        failed_logins: 0,
        locked_until: null,
        created_at: user.createdAt,
        password_changed_at: user.createdAt,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  byUsername(username: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  }

  byId(id: number, db: Kysely<Database> = this.db): Promise<UserRow | undefined> {
    return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Every account, by username. */
  all(): Promise<UserRow[]> {
    return this.db.selectFrom('users').selectAll().orderBy('username').execute();
  }

  /** Writes the given fields and returns the account as it now stands. */
  update(id: number, set: Omit<Updateable<Database['users']>, 'id'>, db: Kysely<Database> = this.db): Promise<UserRow> {
    return db.updateTable('users').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  }

  /** Sets a new password hash; `clearFailures` also lifts the stored sign-in failures. False when there is no such account. */
  async setPassword(id: number, passwordHash: string, at: string, clearFailures: boolean, db: Kysely<Database> = this.db): Promise<boolean> {
    const result = await db
      .updateTable('users')
      .set({ password_hash: passwordHash, password_changed_at: at, ...(clearFailures ? { failed_logins: 0, locked_until: null } : {}) })
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async insertSession(session: { tokenHash: string; userId: number; viewerLinkId?: number; at: string; expiresAt: string; address: string | null }, db: Kysely<Database> = this.db): Promise<void> {
    await db
      .insertInto('sessions')
      .values({
        token_hash: session.tokenHash,
        user_id: session.userId,
        ...(session.viewerLinkId !== undefined ? { viewer_link_id: session.viewerLinkId } : {}),
        created_at: session.at,
        last_seen_at: session.at,
        expires_at: session.expiresAt,
        address: session.address,
      })
      .execute();
  }

  session(tokenHash: string): Promise<SessionRow | undefined> {
    return this.db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }

  /** Slides a session's idle expiry. */
  async touchSession(tokenHash: string, lastSeenAt: string, expiresAt: string): Promise<void> {
    await this.db.updateTable('sessions').set({ last_seen_at: lastSeenAt, expires_at: expiresAt }).where('token_hash', '=', tokenHash).execute();
  }

  /** Deletes the sessions a filter names and returns their keys. */
  async endSessions(filter: SessionFilter): Promise<string[]> {
    let q = this.db.selectFrom('sessions').select('token_hash');
    if (filter.userId !== undefined) q = q.where('user_id', '=', filter.userId).where('viewer_link_id', 'is', null);
    if (filter.viewerLinkId !== undefined) q = q.where('viewer_link_id', '=', filter.viewerLinkId);
    if (filter.key !== undefined) q = q.where('token_hash', '=', filter.key);
    if (filter.keep !== undefined) q = q.where('token_hash', '!=', filter.keep);
    const keys = (await q.execute()).map((r) => r.token_hash);
    if (keys.length > 0) await this.db.deleteFrom('sessions').where('token_hash', 'in', keys).execute();
    return keys;
  }
}
