/**
 * Writes one `audit_log` row for a handoff change, on the client of the transaction making the change
 * (both commit or neither). The actor is the officer's username (looked up by users.id), or 'system'.
 */
import type { ClientBase } from 'pg';

export interface AuditEntry {
  /** users.id of the officer; omitted for the system (the bot, the IVR). */
  agentId?: number;
  action: string;
  handoffId: number;
  details: Record<string, unknown>;
}

export async function writeAudit(client: ClientBase, entry: AuditEntry): Promise<void> {
  await client.query(
    `INSERT INTO audit_log (actor, action, subject, details)
     VALUES (CASE WHEN $1::bigint IS NULL THEN 'system'
                  ELSE COALESCE((SELECT username FROM users WHERE id = $1::bigint), 'user:' || $1::text) END,
             $2, $3, $4)`,
    [entry.agentId ?? null, entry.action, `handoff:${entry.handoffId}`, JSON.stringify(entry.details)],
  );
}
