/**
 * The supervisor's action on the queue: reassign an open handoff to a named officer, whoever holds it
 * and even while it is still queued (the officers' own transfer, HandoffQueue.transfer, is for the
 * holder only). One transaction like every queue change: the handoff row is locked first, then the
 * conversation row (the queue's lock order); a queued handoff becomes assigned (assigned_at = now, so it
 * counts as claimed in the figures) and its conversation goes to 'agent'; an assigned one changes holder
 * (assigned_at kept). The `audit_log` row (action 'handoff.reassign', actor the supervisor, details
 * from/to/previous status) and the NOTIFY ('claimed' for a queued one, 'transferred' otherwise) commit
 * with it.
 */
import type { Pool } from 'pg';
import { writeAudit } from '../handoff/audit';
import { publishHandoffEvent } from '../handoff/events';
import { toHandoff, type Handoff, type HandoffRow, type HandoffStatus } from '../handoff/handoff';
import { inTransaction } from '../handoff/transaction';

export type ReassignErrorCode = 'not_found' | 'closed' | 'same_officer' | 'unknown_officer';

export class ReassignError extends Error {
  override readonly name = 'ReassignError';
  constructor(
    readonly code: ReassignErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface Reassigned {
  handoff: Handoff;
  previousStatus: HandoffStatus;
  /** users.id of the previous holder; null when it was queued. */
  from: number | null;
}

export async function reassignHandoff(
  pool: Pool,
  handoffId: number,
  supervisorId: number,
  to: { id: number; username: string },
): Promise<Reassigned> {
  const toOfficerId = to.id;
  try {
    return await inTransaction(pool, async (client) => {
      const { rows: before } = await client.query<{
        status: HandoffStatus;
        assigned_to: string | null;
        username: string | null;
      }>(
        `SELECT h.status, h.assigned_to, u.username FROM handoffs h LEFT JOIN users u ON u.id = h.assigned_to
         WHERE h.id = $1 FOR UPDATE OF h`,
        [handoffId],
      );
      const prev = before[0];
      if (!prev) throw new ReassignError('not_found', `handoff ${handoffId} does not exist`);
      if (prev.status === 'closed') throw new ReassignError('closed', `handoff ${handoffId} is closed`);
      const from = prev.assigned_to === null ? null : Number(prev.assigned_to);
      if (prev.status === 'assigned' && from === toOfficerId) {
        throw new ReassignError('same_officer', `handoff ${handoffId} is already held by that officer`);
      }
      const { rows } = await client.query<HandoffRow>(
        `UPDATE handoffs SET status = 'assigned', assigned_to = $2, assigned_at = coalesce(assigned_at, now())
         WHERE id = $1 RETURNING *`,
        [handoffId, toOfficerId],
      );
      const handoff = toHandoff(rows[0]!);
      if (prev.status === 'queued') {
        await client.query(
          `UPDATE conversations SET state = 'agent', last_activity_at = now() WHERE id = $1`,
          [handoff.conversationId],
        );
      }
      await writeAudit(client, {
        agentId: supervisorId,
        action: 'handoff.reassign',
        handoffId,
        details: {
          conversationId: handoff.conversationId,
          previousStatus: prev.status,
          from: prev.username,
          fromId: from,
          to: to.username,
          toId: toOfficerId,
        },
      });
      await publishHandoffEvent(client, {
        type: prev.status === 'queued' ? 'claimed' : 'transferred',
        handoffId,
        conversationId: handoff.conversationId,
      });
      return { handoff, previousStatus: prev.status, from };
    });
  } catch (err) {
    // 23503: foreign key (the target is not in users)
    if ((err as { code?: string }).code === '23503') {
      throw new ReassignError('unknown_officer', `officer ${toOfficerId} does not exist`);
    }
    throw err;
  }
}
