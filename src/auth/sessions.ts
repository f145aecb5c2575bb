/**
 * Officer sessions in the sessions table. The cookie carries a random 256-bit token; the table keeps only
 * its SHA-256 hash (a database leak gives no usable cookie). Sessions expire after 8 hours without use
 * (each verified request moves expires_at on) and carry their own CSRF token. The clock is injectable.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { isRole, type Role } from './users';

export const SESSION_IDLE_MS = 8 * 60 * 60 * 1000;

export interface SessionOptions {
  now?: () => Date;
}

export interface Session {
  userId: string;
  username: string;
  roles: Role[];
  csrfToken: string;
  expiresAt: Date;
}

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');
const clock = (options: SessionOptions) => (options.now ?? (() => new Date()))();

/** Starts a session; `token` goes into the cookie and is never stored. */
export async function createSession(
  pool: Pool,
  userId: string,
  options: SessionOptions = {},
): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const now = clock(options);
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_IDLE_MS);
  await pool.query(
    'INSERT INTO sessions (id, user_id, csrf_token, expires_at, created_at) VALUES ($1, $2, $3, $4, $5)',
    [hashToken(token), userId, csrfToken, expiresAt, now],
  );
  return { token, csrfToken, expiresAt };
}

/** The session of a cookie token, its idle expiry moved on; undefined when unknown or expired. */
export async function verifySession(
  pool: Pool,
  token: string,
  options: SessionOptions = {},
): Promise<Session | undefined> {
  if (!token || token.length > 200) return undefined;
  const now = clock(options);
  const { rows } = await pool.query<{
    user_id: string;
    username: string;
    roles: string[];
    csrf_token: string;
    expires_at: Date;
  }>(
    `UPDATE sessions s SET expires_at = $3
       FROM users u
      WHERE s.id = $1 AND s.expires_at > $2 AND u.id = s.user_id
      RETURNING s.user_id, u.username, u.roles, s.csrf_token, s.expires_at`,
    [hashToken(token), now, new Date(now.getTime() + SESSION_IDLE_MS)],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    userId: row.user_id,
    username: row.username,
    roles: row.roles.filter(isRole),
    csrfToken: row.csrf_token,
    expiresAt: row.expires_at,
  };
}

/** Ends a session (logout); true when there was one. */
export async function destroySession(pool: Pool, token: string): Promise<boolean> {
  const { rowCount } = await pool.query('DELETE FROM sessions WHERE id = $1', [hashToken(token)]);
  return (rowCount ?? 0) > 0;
}

/** Deletes expired sessions; returns how many. */
export async function purgeExpiredSessions(pool: Pool, options: SessionOptions = {}): Promise<number> {
  const { rowCount } = await pool.query('DELETE FROM sessions WHERE expires_at <= $1', [clock(options)]);
  return rowCount ?? 0;
}
