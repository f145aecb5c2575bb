/**
 * Writes conversations straight into `conversations` and `messages` the way the transcript recorder
 * does (a citizen message, then the bot's reply with its decision), for tests of what is read back from
 * transcripts (the inbox). Text is stored as given: masking is the reader's job to check too.
 */
import type { Pool } from 'pg';

export interface SeedTurn {
  question: string;
  decision: string;
  confidence?: number;
  intent?: string;
  procedure?: string | null;
  answer?: string;
  at: Date;
}

/** Inserts one conversation's turns in order; returns each turn's [question id, answer id]. */
export async function seedConversation(
  pool: Pool,
  conversationId: string,
  channel: string,
  turns: SeedTurn[],
): Promise<[number, number][]> {
  await pool.query(
    `INSERT INTO conversations (id, channel, started_at, last_activity_at) VALUES ($1, $2, $3, $3)
     ON CONFLICT (id) DO NOTHING`,
    [conversationId, channel, turns[0]?.at ?? new Date()],
  );
  const ids: [number, number][] = [];
  for (const t of turns) {
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO messages (conversation_id, direction, channel, text, intent, procedure, confidence, decision, created_at)
       VALUES ($1, 'in', $2, $3, NULL, NULL, NULL, NULL, $4),
              ($1, 'out', $2, $5, $6, $7, $8, $9, $4::timestamptz + interval '1 second')
       RETURNING id`,
      [
        conversationId,
        channel,
        t.question,
        t.at,
        t.answer ?? `Trả lời cho: ${t.question}`,
        t.intent ?? (t.decision === 'referral' ? 'out_of_scope' : 'procedure'),
        t.procedure ?? null,
        t.confidence ?? (t.decision === 'answer' ? 0.9 : 0.2),
        t.decision,
      ],
    );
    ids.push([Number(rows[0]!.id), Number(rows[1]!.id)]);
  }
  return ids;
}

/** A citizen's 👍/👎 (kind 'thumbs'); `messageId` null = not linked (read back by time). */
export async function seedThumbs(
  pool: Pool,
  conversationId: string,
  messageId: number | null,
  rating: 1 | -1,
  at: Date,
): Promise<void> {
  await pool.query(
    `INSERT INTO feedback (conversation_id, message_id, rating, kind, created_at) VALUES ($1, $2, $3, 'thumbs', $4)`,
    [conversationId, messageId, rating, at],
  );
}
