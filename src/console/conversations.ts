/**
 * What the console reads about one conversation from PostgreSQL: the conversation row, its full
 * transcript (every recorded message, both directions, oldest first) and its latest handoff with the
 * holder's username and the open callback requests (the number to call back); plus the citizen's
 * messages newest first (for suggestions).
 */
import type { Pool } from 'pg';

export interface TranscriptLine {
  direction: 'in' | 'out';
  channel: string;
  text: string;
  at: Date;
  decision: string | null;
}

export interface ConversationView {
  id: string;
  channel: string;
  state: string;
  handoff: {
    id: number;
    status: string;
    reason: string;
    requestedAt: Date;
    assignedTo: number | null;
    assignedToUsername: string | null;
    closeReason: string | null;
    waitingSeconds: number;
  } | null;
  messages: TranscriptLine[];
  /** Open callback requests (a number left outside opening hours): the officer calls it back. */
  callbacks: { id: number; phone: string; requestedAt: Date }[];
}

export async function loadConversation(pool: Pool, id: string): Promise<ConversationView | undefined> {
  const { rows: convs } = await pool.query<{ id: string; channel: string; state: string }>(
    'SELECT id, channel, state FROM conversations WHERE id = $1',
    [id],
  );
  const conv = convs[0];
  if (!conv) return undefined;
  const { rows: messages } = await pool.query<TranscriptLine>(
    `SELECT direction, channel, text, created_at AS at, decision FROM messages
     WHERE conversation_id = $1 ORDER BY id LIMIT 2000`,
    [id],
  );
  const { rows: handoffs } = await pool.query<{
    id: string;
    status: string;
    reason: string;
    requested_at: Date;
    assigned_to: string | null;
    username: string | null;
    close_reason: string | null;
    waiting: number;
  }>(
    `SELECT h.id, h.status, h.reason, h.requested_at, h.assigned_to, u.username, h.close_reason,
            extract(epoch FROM coalesce(h.assigned_at, now()) - h.requested_at)::float8 AS waiting
     FROM handoffs h LEFT JOIN users u ON u.id = h.assigned_to
     WHERE h.conversation_id = $1 ORDER BY h.id DESC LIMIT 1`,
    [id],
  );
  const { rows: callbacks } = await pool.query<{ id: string; phone: string; requested_at: Date }>(
    `SELECT id, phone, requested_at FROM callback_requests
     WHERE conversation_id = $1 AND status = 'open' ORDER BY id DESC LIMIT 5`,
    [id],
  );
  const h = handoffs[0];
  return {
    id: conv.id,
    channel: conv.channel,
    state: conv.state,
    handoff: h
      ? {
          id: Number(h.id),
          status: h.status,
          reason: h.reason,
          requestedAt: h.requested_at,
          assignedTo: h.assigned_to === null ? null : Number(h.assigned_to),
          assignedToUsername: h.username,
          closeReason: h.close_reason,
          waitingSeconds: Math.round(h.waiting),
        }
      : null,
    messages,
    callbacks: callbacks.map((c) => ({ id: Number(c.id), phone: c.phone, requestedAt: c.requested_at })),
  };
}

/** The citizen's messages, newest first. */
export async function citizenMessages(pool: Pool, id: string, limit = 10): Promise<string[]> {
  const { rows } = await pool.query<{ text: string }>(
    `SELECT text FROM messages WHERE conversation_id = $1 AND direction = 'in' ORDER BY id DESC LIMIT $2`,
    [id, limit],
  );
  return rows.map((r) => r.text);
}

/** The open handoff of a conversation held by this officer, if any. */
export async function heldHandoff(pool: Pool, id: string, agentId: number): Promise<number | undefined> {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT id FROM handoffs WHERE conversation_id = $1 AND status = 'assigned' AND assigned_to = $2`,
    [id, agentId],
  );
  return rows[0] ? Number(rows[0].id) : undefined;
}
