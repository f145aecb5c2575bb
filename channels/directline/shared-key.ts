/**
 * The Direct Line token key every process of a deployment shares when DIRECTLINE_SECRET is unset: 32
 * random bytes kept in PostgreSQL (`app_secrets`, migration 004), created by whichever process comes
 * first (INSERT … ON CONFLICT DO NOTHING, then SELECT in a second statement, so a process that lost the
 * race reads the winner's key). Setting DIRECTLINE_SECRET makes this unnecessary.
 */
import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';

const NAME = 'directline_token_key';

export async function loadSharedTokenKey(pool: Pool): Promise<Buffer> {
  await pool.query(`INSERT INTO app_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [
    NAME,
    randomBytes(32).toString('base64'),
  ]);
  const { rows } = await pool.query<{ value: string }>('SELECT value FROM app_secrets WHERE name = $1', [
    NAME,
  ]);
  const value = rows[0]?.value;
  if (!value) throw new Error('the shared Direct Line token key is missing');
  return Buffer.from(value, 'base64');
}
