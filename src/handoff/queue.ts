/**
 * The handoff queue in PostgreSQL (`handoffs`, see src/db/migrations/001_initial.sql):
 * - `enqueue` upserts the conversation row, opens a handoff (state 'queued') and returns it with its
 *   position; while the conversation has an open handoff it returns that one instead (idempotent, also
 *   under concurrent calls: the unique index `handoffs_one_open` decides).
 * - `claimNext` takes the oldest queued handoff of the highest priority with `FOR UPDATE SKIP LOCKED`
 *   (concurrent officers never get the same one, nor wait on each other); `claim` takes a given one and
 *   fails with HandoffError('taken') if someone was faster. Both set the conversation to 'agent'.
 * - `transfer` (holder only), `close` (the holder, or any officer for a still-queued one; the
 *   conversation goes back to 'bot'), `closeBySystem` (whatever its state, audited as 'system': a
 *   caller who hung up while waiting), `list` for the console, `isHeldByAgent` so the bot stays silent.
 * Each change is one transaction with its `audit_log` row and its NOTIFY (events.ts).
 * Lock order is always handoff row, then conversation row, so concurrent changes cannot deadlock.
 * The wait estimate is the median wait (request → assignment) of the last 50 assignments of the past
 * 7 days; 3 minutes when there are none.
 */
import type { Pool, PoolClient } from 'pg';
import { maskPersonalData } from '../log';
import { writeAudit } from './audit';
import { publishHandoffEvent, type HandoffEventType } from './events';
import { HandoffError, toHandoff, type Handoff, type HandoffRow, type HandoffStatus } from './handoff';
import { inTransaction } from './transaction';

export const DEFAULT_WAIT_SECONDS = 180;

export interface EnqueueRequest {
  conversationId: string;
  channel: string;
  /** Higher is served first (e.g. 0 asked, 1 complaint); default 0. */
  priority?: number;
  /** Why: 'asked', 'failed_turns', 'complaint', 'own_file', 'ivr', … */
  reason: string;
  /** The citizen's channel id; stored masked. */
  userRef?: string;
}

export interface QueuePosition {
  /** 1 = next to be claimed; null once it is no longer queued. */
  position: number | null;
  /** Rough wait: the median recent wait. */
  estimatedWaitSeconds: number;
}

export interface EnqueueResult extends QueuePosition {
  handoff: Handoff;
  /** False when an open handoff already existed and is returned instead. */
  created: boolean;
}

export interface ListedHandoff extends Handoff {
  position: number | null;
  userRef: string | null;
  assignedToUsername: string | null;
}

const QUEUE_ORDER = 'priority DESC, requested_at, id';
const QUEUE_ORDER_H = 'h.priority DESC, h.requested_at, h.id';

export class HandoffQueue {
  constructor(private readonly pool: Pool) {}

  async enqueue(request: EnqueueRequest): Promise<EnqueueResult> {
    const { conversationId, channel, reason } = request;
    const priority = request.priority ?? 0;
    const userRef = request.userRef === undefined ? null : maskPersonalData(request.userRef);
    return inTransaction(this.pool, async (client) => {
      // DO NOTHING (not DO UPDATE): no lock on the conversation before the handoff row (lock order).
      await client.query(
        `INSERT INTO conversations (id, channel, user_ref) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`,
        [conversationId, channel, userRef],
      );
      const inserted = await client.query<HandoffRow>(
        `INSERT INTO handoffs (conversation_id, channel, priority, reason) VALUES ($1, $2, $3, $4)
         ON CONFLICT (conversation_id) WHERE status <> 'closed' DO NOTHING RETURNING *`,
        [conversationId, channel, priority, maskPersonalData(reason)],
      );
      let row = inserted.rows[0];
      const created = row !== undefined;
      if (row) {
        const handoff = toHandoff(row);
        await client.query(
          `UPDATE conversations SET state = 'queued', last_activity_at = now() WHERE id = $1`,
          [conversationId],
        );
        await writeAudit(client, {
          action: 'handoff.enqueue',
          handoffId: handoff.id,
          details: { conversationId, channel, priority, reason: maskPersonalData(reason) },
        });
        await publishHandoffEvent(client, { type: 'enqueued', handoffId: handoff.id, conversationId });
      } else {
        const open = await client.query<HandoffRow>(
          `SELECT * FROM handoffs WHERE conversation_id = $1 AND status <> 'closed'`,
          [conversationId],
        );
        row = open.rows[0];
        if (!row) throw new Error(`handoff of ${conversationId}: conflict without an open handoff`);
      }
      const handoff = toHandoff(row);
      return { handoff, created, ...(await this.positionWith(client, handoff.id)) };
    });
  }

  /** Position in the queue and the rough wait; HandoffError('not_found') for an unknown id. */
  async position(handoffId: number): Promise<QueuePosition> {
    const client = await this.pool.connect();
    try {
      return await this.positionWith(client, handoffId);
    } finally {
      client.release();
    }
  }

  /** The median wait of recent assignments, in seconds (DEFAULT_WAIT_SECONDS without any). */
  async estimateWaitSeconds(): Promise<number> {
    return this.estimateWith(this.pool);
  }

  private async estimateWith(db: Pool | PoolClient): Promise<number> {
    const { rows } = await db.query<{ median: number | null }>(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY wait) AS median
       FROM (SELECT extract(epoch FROM assigned_at - requested_at)::float8 AS wait FROM handoffs
             WHERE assigned_at IS NOT NULL AND assigned_at > now() - interval '7 days'
             ORDER BY assigned_at DESC LIMIT 50) recent`,
    );
    const median = rows[0]?.median;
    return median === null || median === undefined ? DEFAULT_WAIT_SECONDS : Math.round(median);
  }

  /** Claims the next handoff (highest priority, then oldest), optionally of some channels only; null if none. */
  async claimNext(agentId: number, options: { channels?: string[] } = {}): Promise<Handoff | null> {
    const channels = options.channels && options.channels.length > 0 ? options.channels : null;
    return this.change(agentId, 'claimed', 'handoff.claim', async (client) => {
      const { rows } = await client.query<HandoffRow>(
        `UPDATE handoffs h SET status = 'assigned', assigned_to = $1, assigned_at = now()
         WHERE h.id = (SELECT id FROM handoffs
                       WHERE status = 'queued' AND ($2::text[] IS NULL OR channel = ANY ($2::text[]))
                       ORDER BY ${QUEUE_ORDER} LIMIT 1 FOR UPDATE SKIP LOCKED)
           AND h.status = 'queued'
         RETURNING h.*`,
        [agentId, channels],
      );
      return rows[0] ? { row: rows[0], conversationState: 'agent', details: {} } : null;
    });
  }

  /** Claims this handoff; HandoffError 'taken' / 'closed' / 'not_found' when it is not queued. */
  async claim(handoffId: number, agentId: number): Promise<Handoff> {
    const handoff = await this.change(agentId, 'claimed', 'handoff.claim', async (client) => {
      const { rows } = await client.query<HandoffRow>(
        `UPDATE handoffs SET status = 'assigned', assigned_to = $2, assigned_at = now()
         WHERE id = $1 AND status = 'queued' RETURNING *`,
        [handoffId, agentId],
      );
      if (rows[0]) return { row: rows[0], conversationState: 'agent', details: {} };
      throw await this.whyNot(client, handoffId, 'queued');
    });
    return handoff!;
  }

  /** Hands an assigned handoff from its holder to another officer. */
  async transfer(handoffId: number, fromAgent: number, toAgent: number): Promise<Handoff> {
    const handoff = await this.change(fromAgent, 'transferred', 'handoff.transfer', async (client) => {
      const { rows } = await client.query<HandoffRow>(
        `UPDATE handoffs SET assigned_to = $3 WHERE id = $1 AND status = 'assigned' AND assigned_to = $2
         RETURNING *`,
        [handoffId, fromAgent, toAgent],
      );
      if (rows[0])
        return { row: rows[0], conversationState: null, details: { from: fromAgent, to: toAgent } };
      throw await this.whyNot(client, handoffId, 'holder', fromAgent);
    });
    return handoff!;
  }

  /** Closes it (its holder; any officer while still queued); the conversation goes back to the bot. */
  async close(handoffId: number, agentId: number, reason: string): Promise<Handoff> {
    const handoff = await this.change(agentId, 'closed', 'handoff.close', async (client) => {
      const { rows } = await client.query<HandoffRow>(
        `UPDATE handoffs SET status = 'closed', closed_at = now(), close_reason = $3
         WHERE id = $1 AND (status = 'queued' OR (status = 'assigned' AND assigned_to = $2)) RETURNING *`,
        [handoffId, agentId, reason],
      );
      if (rows[0]) return { row: rows[0], conversationState: 'bot', details: { reason } };
      throw await this.whyNot(client, handoffId, 'holder', agentId);
    });
    return handoff!;
  }

  /** Closes an open handoff without an officer (audit actor 'system'); null when it is already closed. */
  async closeBySystem(handoffId: number, reason: string): Promise<Handoff | null> {
    return this.change(null, 'closed', 'handoff.close', async (client) => {
      const { rows } = await client.query<HandoffRow>(
        `UPDATE handoffs SET status = 'closed', closed_at = now(), close_reason = $2
         WHERE id = $1 AND status <> 'closed' RETURNING *`,
        [handoffId, reason],
      );
      return rows[0] ? { row: rows[0], conversationState: 'bot', details: { reason } } : null;
    });
  }

  /** Handoffs of some statuses for the console: queued ones in claim order with their position. */
  async list(
    options: { status?: HandoffStatus | HandoffStatus[]; limit?: number } = {},
  ): Promise<ListedHandoff[]> {
    const statuses =
      options.status === undefined
        ? ['queued', 'assigned']
        : Array.isArray(options.status)
          ? options.status
          : [options.status];
    const { rows } = await this.pool.query<
      HandoffRow & { position: string | null; user_ref: string | null; username: string | null }
    >(
      `SELECT h.*, c.user_ref, u.username,
              CASE WHEN h.status = 'queued'
                   THEN row_number() OVER (PARTITION BY h.status = 'queued' ORDER BY ${QUEUE_ORDER_H})
              END AS position
       FROM handoffs h
       JOIN conversations c ON c.id = h.conversation_id
       LEFT JOIN users u ON u.id = h.assigned_to
       WHERE h.status = ANY ($1::text[])
       ORDER BY (h.status = 'queued') DESC, ${QUEUE_ORDER_H}
       LIMIT $2`,
      [statuses, options.limit ?? 200],
    );
    return rows.map((r) => ({
      ...toHandoff(r),
      position: r.position === null ? null : Number(r.position),
      userRef: r.user_ref,
      assignedToUsername: r.username,
    }));
  }

  /** True while an officer holds the conversation (the bot then stays silent to the citizen). */
  async isHeldByAgent(conversationId: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ held: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM handoffs WHERE conversation_id = $1 AND status = 'assigned') AS held`,
      [conversationId],
    );
    return rows[0]?.held ?? false;
  }

  /** One change: the update (which locks the handoff row), the conversation's state, audit, NOTIFY. */
  private async change(
    agentId: number | null,
    type: HandoffEventType,
    action: string,
    update: (client: PoolClient) => Promise<{
      row: HandoffRow;
      conversationState: 'bot' | 'agent' | null;
      details: Record<string, unknown>;
    } | null>,
  ): Promise<Handoff | null> {
    try {
      return await inTransaction(this.pool, async (client) => {
        const done = await update(client);
        if (!done) return null;
        const handoff = toHandoff(done.row);
        if (done.conversationState) {
          await client.query(`UPDATE conversations SET state = $2, last_activity_at = now() WHERE id = $1`, [
            handoff.conversationId,
            done.conversationState,
          ]);
        }
        await writeAudit(client, {
          ...(agentId !== null && { agentId }),
          action,
          handoffId: handoff.id,
          details: { conversationId: handoff.conversationId, ...done.details },
        });
        await publishHandoffEvent(client, {
          type,
          handoffId: handoff.id,
          conversationId: handoff.conversationId,
        });
        return handoff;
      });
    } catch (err) {
      // 23503: foreign key (an officer id that is not in users)
      if ((err as { code?: string }).code === '23503') {
        throw new HandoffError('unknown_agent', `handoff: unknown officer (${agentId} or the target)`);
      }
      throw err;
    }
  }

  /** The HandoffError for a change that matched no row. */
  private async whyNot(
    client: PoolClient,
    handoffId: number,
    expected: 'queued' | 'holder',
    agentId?: number,
  ): Promise<HandoffError> {
    const { rows } = await client.query<{ status: HandoffStatus; assigned_to: string | null }>(
      `SELECT status, assigned_to FROM handoffs WHERE id = $1`,
      [handoffId],
    );
    const row = rows[0];
    if (!row) return new HandoffError('not_found', `handoff ${handoffId} does not exist`);
    if (row.status === 'closed') return new HandoffError('closed', `handoff ${handoffId} is closed`);
    if (expected === 'queued') return new HandoffError('taken', `handoff ${handoffId} is already taken`);
    if (row.status === 'queued')
      return new HandoffError('not_holder', `handoff ${handoffId} is not assigned`);
    return new HandoffError('not_holder', `handoff ${handoffId} is held by another officer than ${agentId}`);
  }

  private async positionWith(client: PoolClient, handoffId: number): Promise<QueuePosition> {
    const { rows } = await client.query<{ status: HandoffStatus; ahead: string | null }>(
      `SELECT h.status,
              CASE WHEN h.status = 'queued' THEN
                (SELECT count(*) FROM handoffs q
                 WHERE q.status = 'queued'
                   AND (q.priority > h.priority
                        OR (q.priority = h.priority AND (q.requested_at, q.id) < (h.requested_at, h.id))))
              END AS ahead
       FROM handoffs h WHERE h.id = $1`,
      [handoffId],
    );
    const row = rows[0];
    if (!row) throw new HandoffError('not_found', `handoff ${handoffId} does not exist`);
    return {
      position: row.ahead === null ? null : Number(row.ahead) + 1,
      estimatedWaitSeconds: await this.estimateWith(client),
    };
  }
}
