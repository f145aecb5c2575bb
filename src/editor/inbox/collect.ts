/**
 * The unanswered set, read from the transcript (`messages`, masked when recorded) and `feedback`:
 * - a citizen message whose bot reply (the bot's message right after it in the conversation, by id)
 *   was a fallback, a clarifying question, an out-of-scope referral or a handoff (except an explicit
 *   request for an officer, intent handoff_request: no knowledge is missing there), or an answer with
 *   confidence below LOW_CONFIDENCE;
 * - a citizen message whose answer got a 👎 (feedback kind 'thumbs', rating −1): the rated answer is
 *   feedback.message_id, else the conversation's last answer before the rating; its question is the
 *   message right before that answer.
 * This is the stats section's "unanswered" (src/editor/stats/unanswered.ts: fallback, clarify, low
 * confidence, thumbs-down) widened by referrals and handoffs: the editor also wants to see what people
 * ask that the knowledge refuses or leaves to an officer, while the stats trend counts only what the
 * bot failed at. A message in both sets is one row with both reasons. Rows are bounded (MAX_ROWS, newest first) and
 * their text is masked again (maskPersonalData is idempotent) in case a row was written unmasked.
 */
import type { Pool } from 'pg';
import { maskPersonalData } from '../../log';
import { LOW_CONFIDENCE } from '../stats/unanswered';

export { LOW_CONFIDENCE };
/** Most rows read for one view (the most recent ones). */
export const MAX_ROWS = 100_000;

export const REASONS = [
  'fallback',
  'clarify',
  'referral',
  'handoff',
  'low_confidence',
  'thumbs_down',
] as const;
export type Reason = (typeof REASONS)[number];

export interface UnansweredMessage {
  id: number;
  conversationId: string;
  channel: string;
  text: string;
  at: Date;
  reasons: Reason[];
  /** The bot's reply (its text is read only for the groups shown: answerTexts). */
  answer: {
    id: number;
    decision: string | null;
    procedure: string | null;
    confidence: number | null;
  };
}

interface Row {
  id: string;
  conversation_id: string;
  channel: string;
  text: string;
  created_at: Date;
  answer_id: string;
  decision: string | null;
  procedure: string | null;
  confidence: number | null;
}

const BOT_REPLIES = `
SELECT q.id, q.conversation_id, q.channel, q.text, q.created_at,
       a.id AS answer_id, a.decision, a.procedure, a.confidence
FROM messages a
CROSS JOIN LATERAL (
  SELECT p.id, p.conversation_id, p.channel, p.text, p.created_at, p.direction FROM messages p
  WHERE p.conversation_id = a.conversation_id AND p.id < a.id ORDER BY p.id DESC LIMIT 1
) q
WHERE a.direction = 'out' AND a.created_at >= $1 AND a.created_at < $2
  AND (a.decision IN ('fallback', 'clarify', 'referral', 'handoff')
       OR (a.decision = 'answer' AND a.confidence < $3))
  AND a.intent IS DISTINCT FROM 'handoff_request'
  AND q.direction = 'in'
ORDER BY a.id DESC
LIMIT $4`;

const THUMBS_DOWN = `
SELECT q.id, q.conversation_id, q.channel, q.text, q.created_at,
       a.id AS answer_id, a.decision, a.procedure, a.confidence
FROM feedback f
CROSS JOIN LATERAL (
  SELECT COALESCE(f.message_id, (
    SELECT o.id FROM messages o
    WHERE o.conversation_id = f.conversation_id AND o.direction = 'out' AND o.decision = 'answer'
      AND o.created_at <= f.created_at
    ORDER BY o.id DESC LIMIT 1)) AS id
) rated
JOIN messages a ON a.id = rated.id
CROSS JOIN LATERAL (
  SELECT p.id, p.conversation_id, p.channel, p.text, p.created_at, p.direction FROM messages p
  WHERE p.conversation_id = a.conversation_id AND p.id < a.id ORDER BY p.id DESC LIMIT 1
) q
WHERE f.kind = 'thumbs' AND f.rating = -1 AND f.created_at >= $1 AND f.created_at < $2
  AND q.direction = 'in'
ORDER BY f.id DESC
LIMIT $3`;

function reasonOf(row: Row): Reason {
  switch (row.decision) {
    case 'fallback':
    case 'clarify':
    case 'referral':
    case 'handoff':
      return row.decision;
    default:
      return 'low_confidence';
  }
}

/** The unanswered citizen messages of [from, to), newest first. */
export async function collectUnanswered(pool: Pool, from: Date, to: Date): Promise<UnansweredMessage[]> {
  const [bot, thumbs] = await Promise.all([
    pool.query<Row>(BOT_REPLIES, [from, to, LOW_CONFIDENCE, MAX_ROWS]),
    pool.query<Row>(THUMBS_DOWN, [from, to, MAX_ROWS]),
  ]);
  const byId = new Map<number, UnansweredMessage>();
  const add = (row: Row, reason: Reason) => {
    const id = Number(row.id);
    const known = byId.get(id);
    if (known) {
      if (!known.reasons.includes(reason)) known.reasons.push(reason);
      return;
    }
    byId.set(id, {
      id,
      conversationId: row.conversation_id,
      channel: row.channel,
      text: maskPersonalData(row.text),
      at: row.created_at,
      reasons: [reason],
      answer: {
        id: Number(row.answer_id),
        decision: row.decision,
        procedure: row.procedure,
        confidence: row.confidence,
      },
    });
  };
  for (const row of bot.rows) add(row, reasonOf(row));
  for (const row of thumbs.rows) add(row, 'thumbs_down');
  return [...byId.values()].sort((a, b) => b.id - a.id).slice(0, MAX_ROWS);
}

/** The texts of some of the bot's messages (masked, cut to `max` characters), by id. */
export async function answerTexts(pool: Pool, ids: number[], max: number): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const { rows } = await pool.query<{ id: string; text: string }>(
    'SELECT id, left(text, $2) AS text FROM messages WHERE id = ANY($1::bigint[])',
    [ids, max],
  );
  return new Map(rows.map((r) => [Number(r.id), maskPersonalData(r.text)]));
}
