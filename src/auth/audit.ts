/**
 * Writes one row of audit_log. Callers pass only what may be kept: never a password or a cookie.
 */
import type { Pool, PoolClient } from 'pg';

export type Queryable = Pick<Pool | PoolClient, 'query'>;

export async function audit(
  db: Queryable,
  entry: { actor: string; action: string; subject?: string; details?: Record<string, unknown>; at?: Date },
): Promise<void> {
  await db.query('INSERT INTO audit_log (at, actor, action, subject, details) VALUES ($1, $2, $3, $4, $5)', [
    entry.at ?? new Date(),
    entry.actor,
    entry.action,
    entry.subject ?? null,
    JSON.stringify(entry.details ?? {}),
  ]);
}
