/**
 * Officer accounts: create and find users (roles ⊆ agent, supervisor, editor, admin) and check a login
 * with lockout: 5 failed attempts in a row lock the account for 15 minutes (failed_logins, locked_until);
 * a success resets the count. Every success, failure and lockout is written to audit_log, without the
 * password. The clock is injectable for tests.
 */
import type { Pool } from 'pg';
import { audit } from './audit';
import { hashPassword, verifyPassword } from './passwords';

export const ROLES = ['agent', 'supervisor', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const MAX_FAILED_LOGINS = 5;
export const LOCK_MS = 15 * 60 * 1000;
export const MIN_PASSWORD_LENGTH = 10;
const USERNAME = /^[a-z0-9][a-z0-9._@-]{1,63}$/i;

export interface User {
  id: string;
  username: string;
  roles: Role[];
  failedLogins: number;
  lockedUntil: Date | null;
  createdAt: Date;
}

/** Bad input for an account (existing user, unknown role, weak password…): the message is safe to show. */
export class UserError extends Error {}

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

interface UserRow {
  id: string;
  username: string;
  password_hash: string;
  roles: string[];
  failed_logins: number;
  locked_until: Date | null;
  created_at: Date;
}

const toUser = (row: UserRow): User => ({
  id: row.id,
  username: row.username,
  roles: row.roles.filter(isRole),
  failedLogins: row.failed_logins,
  lockedUntil: row.locked_until,
  createdAt: row.created_at,
});

/** Throws UserError when the username, password or roles are not acceptable. */
export function validateNewUser(input: { username: string; password: string; roles: string[] }): void {
  if (!USERNAME.test(input.username)) {
    throw new UserError(
      'username: 2–64 letters, digits, ".", "_", "-" or "@", starting with a letter or digit',
    );
  }
  if (input.roles.length === 0) throw new UserError(`at least one role is needed (${ROLES.join(', ')})`);
  const unknown = input.roles.filter((r) => !isRole(r));
  if (unknown.length > 0)
    throw new UserError(`unknown role: ${unknown.join(', ')} (known: ${ROLES.join(', ')})`);
  if ([...input.password].length < MIN_PASSWORD_LENGTH) {
    throw new UserError(`password too weak: at least ${MIN_PASSWORD_LENGTH} characters`);
  }
}

export async function createUser(
  pool: Pool,
  input: { username: string; password: string; roles: string[] },
  actor = 'system',
): Promise<User> {
  validateNewUser(input);
  const roles = [...new Set(input.roles)];
  const hash = await hashPassword(input.password);
  try {
    const { rows } = await pool.query<UserRow>(
      'INSERT INTO users (username, password_hash, roles) VALUES ($1, $2, $3) RETURNING *',
      [input.username, hash, roles],
    );
    await audit(pool, { actor, action: 'user.create', subject: input.username, details: { roles } });
    return toUser(rows[0]!);
  } catch (err) {
    if ((err as { code?: string }).code === '23505')
      throw new UserError(`user "${input.username}" already exists`);
    throw err;
  }
}

export async function findUser(pool: Pool, username: string): Promise<User | undefined> {
  const { rows } = await pool.query<UserRow>('SELECT * FROM users WHERE username = $1', [username]);
  return rows[0] && toUser(rows[0]);
}

export type LoginResult =
  | { ok: true; user: User }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; lockedUntil: Date };

export interface LoginOptions {
  now?: () => Date;
  /** Recorded in the audit log (e.g. the client's IP). */
  ip?: string;
}

// Compared against for unknown usernames, so they take as long as known ones.
let dummyHash: Promise<string> | undefined;

/**
 * Checks a username and password. The user's row is locked (SELECT … FOR UPDATE) while checking, so
 * concurrent attempts are all counted.
 */
export async function verifyLogin(
  pool: Pool,
  username: string,
  password: string,
  options: LoginOptions = {},
): Promise<LoginResult> {
  const now = (options.now ?? (() => new Date()))();
  const details = options.ip ? { ip: options.ip } : {};
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<UserRow>('SELECT * FROM users WHERE username = $1 FOR UPDATE', [
      username,
    ]);
    const row = rows[0];
    let result: LoginResult;
    if (!row) {
      await verifyPassword(password, await (dummyHash ??= hashPassword('not a password of anyone')));
      await audit(client, {
        actor: username,
        action: 'login.failure',
        subject: username,
        details: { ...details, reason: 'unknown user' },
        at: now,
      });
      result = { ok: false, reason: 'invalid' };
    } else if (row.locked_until && row.locked_until > now) {
      await audit(client, {
        actor: username,
        action: 'login.refused',
        subject: username,
        details: { ...details, reason: 'locked', lockedUntil: row.locked_until.toISOString() },
        at: now,
      });
      result = { ok: false, reason: 'locked', lockedUntil: row.locked_until };
    } else if (await verifyPassword(password, row.password_hash)) {
      const { rows: updated } = await client.query<UserRow>(
        'UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1 RETURNING *',
        [row.id],
      );
      await audit(client, { actor: username, action: 'login.success', subject: username, details, at: now });
      result = { ok: true, user: toUser(updated[0]!) };
    } else {
      const failed = row.failed_logins + 1;
      if (failed >= MAX_FAILED_LOGINS) {
        // Locked: the count starts again once the lock has expired.
        const lockedUntil = new Date(now.getTime() + LOCK_MS);
        await client.query('UPDATE users SET failed_logins = 0, locked_until = $2 WHERE id = $1', [
          row.id,
          lockedUntil,
        ]);
        await audit(client, {
          actor: username,
          action: 'login.lockout',
          subject: username,
          details: { ...details, failedLogins: failed, lockedUntil: lockedUntil.toISOString() },
          at: now,
        });
        result = { ok: false, reason: 'locked', lockedUntil };
      } else {
        await client.query('UPDATE users SET failed_logins = $2 WHERE id = $1', [row.id, failed]);
        await audit(client, {
          actor: username,
          action: 'login.failure',
          subject: username,
          details: { ...details, reason: 'wrong password', failedLogins: failed },
          at: now,
        });
        result = { ok: false, reason: 'invalid' };
      }
    }
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
