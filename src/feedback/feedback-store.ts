/**
 * Writes a citizen's 👍/👎 to `feedback` (kind 'thumbs', rating ±1). The rated answer's row of
 * `messages` is found from the question it answered (the in-message with the remembered activity id,
 * then the bot's first answer after it); when the transcript has not been written yet (it is
 * asynchronous) message_id stays NULL and readers fall back to the conversation's last answer before
 * the rating (src/editor/inbox/collect.ts). The conversation row is created when missing, as the
 * transcript recorder would.
 */
import type { Pool } from 'pg';
import { channelOf } from '../handoff/outbound';
import type { Rating } from './rating';

export interface ThumbsInput {
  conversationId: string;
  rating: Rating;
  /** The activity id of the citizen's question the rated answer replied to, when known. */
  questionActivityId?: string;
  channel?: string;
}

export interface FeedbackSink {
  /** Stores one rating; resolves the id of the rated message when it was found. */
  storeThumbs(input: ThumbsInput): Promise<{ id: number; messageId: number | null }>;
}

const INSERT = `
WITH question AS (
  SELECT max(id) AS id FROM messages
  WHERE conversation_id = $1 AND direction = 'in' AND activity_id = $3
), rated AS (
  SELECT (SELECT o.id FROM messages o, question q
          WHERE q.id IS NOT NULL AND o.conversation_id = $1 AND o.direction = 'out'
            AND o.decision = 'answer' AND o.id > q.id
          ORDER BY o.id LIMIT 1) AS id
)
INSERT INTO feedback (conversation_id, message_id, rating, kind)
SELECT $1, rated.id, $2, 'thumbs' FROM rated
RETURNING id, message_id`;

export class FeedbackStore implements FeedbackSink {
  constructor(private readonly pool: Pool) {}

  async storeThumbs(input: ThumbsInput): Promise<{ id: number; messageId: number | null }> {
    await this.pool.query(
      `INSERT INTO conversations (id, channel) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`,
      [input.conversationId, input.channel ?? channelOf(input.conversationId)],
    );
    const { rows } = await this.pool.query<{ id: string; message_id: string | null }>(INSERT, [
      input.conversationId,
      input.rating,
      input.questionActivityId ?? null,
    ]);
    const row = rows[0]!;
    return { id: Number(row.id), messageId: row.message_id === null ? null : Number(row.message_id) };
  }
}
