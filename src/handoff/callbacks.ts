/**
 * Callback requests in PostgreSQL (`callback_requests`, migration 006): a citizen who wanted an officer
 * outside opening hours left a phone number. `create` stores it (the conversation row upserted first,
 * as for handoffs); `list` gives officers the open ones, oldest first; `forConversation` the requests
 * of one conversation (the console, next to its handoff); `markDone` closes one with the officer and a
 * note, audited. The phone number is stored as given (officers call it) and never logged.
 */
import type { Pool } from 'pg';
import { channelOf } from './outbound';
import { normalisePhone } from './phone-number';
import { inTransaction } from './transaction';

export type CallbackStatus = 'open' | 'done';

export interface CallbackRequest {
  id: number;
  conversationId: string;
  channel: string;
  /** National form, e.g. '0912345678'. */
  phone: string;
  /** What triggered the handoff: asked, complaint, own_file, failed_turns. */
  reason: string;
  requestedAt: Date;
  status: CallbackStatus;
  handledBy: number | null;
  handledAt: Date | null;
  note: string | null;
}

export interface NewCallback {
  conversationId: string;
  channel: string;
  phone: string;
  reason: string;
}

interface CallbackRow {
  id: string;
  conversation_id: string;
  channel: string;
  phone: string;
  reason: string;
  requested_at: Date;
  status: CallbackStatus;
  handled_by: string | null;
  handled_at: Date | null;
  note: string | null;
}

const toCallback = (r: CallbackRow): CallbackRequest => ({
  id: Number(r.id),
  conversationId: r.conversation_id,
  channel: r.channel,
  phone: r.phone,
  reason: r.reason,
  requestedAt: r.requested_at,
  status: r.status,
  handledBy: r.handled_by === null ? null : Number(r.handled_by),
  handledAt: r.handled_at,
  note: r.note,
});

export class CallbackStore {
  constructor(private readonly pool: Pool) {}

  /** Stores a request; throws for a number that is not a callable Vietnamese number. */
  async create(request: NewCallback): Promise<CallbackRequest> {
    const phone = normalisePhone(request.phone);
    if (!phone) throw new Error('callback request: not a Vietnamese phone number');
    return inTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO conversations (id, channel) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`,
        [request.conversationId, request.channel || channelOf(request.conversationId)],
      );
      const { rows } = await client.query<CallbackRow>(
        `INSERT INTO callback_requests (conversation_id, channel, phone, reason) VALUES ($1, $2, $3, $4)
         RETURNING *`,
        [request.conversationId, request.channel, phone, request.reason],
      );
      return toCallback(rows[0]!);
    });
  }

  async list(options: { status?: CallbackStatus; limit?: number } = {}): Promise<CallbackRequest[]> {
    const { rows } = await this.pool.query<CallbackRow>(
      `SELECT * FROM callback_requests WHERE status = $1 ORDER BY requested_at, id LIMIT $2`,
      [options.status ?? 'open', options.limit ?? 200],
    );
    return rows.map(toCallback);
  }

  async forConversation(conversationId: string): Promise<CallbackRequest[]> {
    const { rows } = await this.pool.query<CallbackRow>(
      `SELECT * FROM callback_requests WHERE conversation_id = $1 ORDER BY id`,
      [conversationId],
    );
    return rows.map(toCallback);
  }

  /** Marks an open request done; undefined when there is no such open request. */
  async markDone(id: number, agentId: number, note?: string): Promise<CallbackRequest | undefined> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<CallbackRow>(
        `UPDATE callback_requests SET status = 'done', handled_by = $2, handled_at = now(), note = $3
         WHERE id = $1 AND status = 'open' RETURNING *`,
        [id, agentId, note ?? null],
      );
      const row = rows[0];
      if (!row) return undefined;
      await client.query(
        `INSERT INTO audit_log (actor, action, subject, details)
         VALUES (COALESCE((SELECT username FROM users WHERE id = $1), 'user:' || $1::text),
                 'callback.done', $2, $3)`,
        [agentId, `callback:${id}`, JSON.stringify({ conversationId: row.conversation_id })],
      );
      return toCallback(row);
    });
  }
}
