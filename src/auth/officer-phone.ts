/**
 * An officer's own phone number (users.phone, migration 005): the console's "answer" on a caller
 * waiting for an officer rings it. E.164 (+84…) or a SIP URI, like TWILIO_HANDOFF_DIAL; NULL = the
 * phone channel's fallback. Set with `npm run user -- add … --phone` or `npm run user -- phone`.
 */
import type { Pool } from 'pg';
import { audit } from './audit';
import { UserError } from './users';

const PHONE = /^(?:\+[1-9]\d{5,14}|sips?:\S+)$/;

/** The number as stored (spaces, dots and dashes of a typed number removed); UserError when invalid. */
export function normalizeOfficerPhone(value: string): string {
  const phone = /^sips?:/i.test(value.trim()) ? value.trim() : value.replace(/[\s.()-]/g, '');
  if (!PHONE.test(phone)) throw new UserError('phone: an E.164 number (+84…) or a SIP URI (sip:…)');
  return phone;
}

/** Sets (or with null removes) the officer's number; UserError for an unknown username. */
export async function setOfficerPhone(
  pool: Pool,
  username: string,
  phone: string | null,
  actor = 'system',
): Promise<void> {
  const value = phone === null ? null : normalizeOfficerPhone(phone);
  const { rowCount } = await pool.query('UPDATE users SET phone = $2 WHERE username = $1', [username, value]);
  if (!rowCount) throw new UserError(`user "${username}" does not exist`);
  await audit(pool, { actor, action: 'user.phone', subject: username, details: { set: value !== null } });
}

/** The officer's number, if one is set. */
export async function officerPhone(pool: Pool, userId: number): Promise<string | undefined> {
  const { rows } = await pool.query<{ phone: string | null }>('SELECT phone FROM users WHERE id = $1', [
    userId,
  ]);
  return rows[0]?.phone ?? undefined;
}
