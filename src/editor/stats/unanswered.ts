/**
 * The definition of an unanswered question of the stats section (the "unanswered" trend): what the
 * bot failed at. The inbox (src/editor/inbox/collect.ts) collects these plus out-of-scope referrals
 * and handoffs, with the same LOW_CONFIDENCE.
 *
 * An unanswered question is a reply of the bot's engine (a `messages` row with direction 'out' and an
 * engine decision) that
 *   - did not understand the citizen (decision 'fallback'), or
 *   - had to ask which procedure was meant (decision 'clarify'), or
 *   - answered, referred elsewhere or chatted with a confidence under LOW_CONFIDENCE (0.5): decision
 *     'answer', 'referral' or 'small_talk', or
 *   - was rated down by the citizen (feedback kind 'thumbs', rating -1, on that message).
 * A handoff reply counts only when rated down: an officer takes the question over. Officers' replies
 * (decision 'officer') and the CSAT question (decision 'csat') never count. The question itself is
 * the conversation's last 'in' message before the reply; the day is the reply's Vietnam day.
 */

/** Confidence under which an answer, a referral or small talk counts as unanswered. */
export const LOW_CONFIDENCE = 0.5;

/** The decisions of the engine (messages.decision of the bot's own replies). */
export const ENGINE_DECISIONS = [
  'answer',
  'clarify',
  'referral',
  'fallback',
  'handoff',
  'small_talk',
] as const;
export type EngineDecision = (typeof ENGINE_DECISIONS)[number];

/** Why a reply is unanswered, in the order unansweredReasonSql tests them. */
export const UNANSWERED_REASONS = ['fallback', 'clarify', 'low_confidence', 'thumbs_down'] as const;
export type UnansweredReason = (typeof UNANSWERED_REASONS)[number];

const quoted = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
const engineReply = (m: string) =>
  `${m}.direction = 'out' AND ${m}.decision IN (${quoted(ENGINE_DECISIONS)})`;
const thumbsDown = (m: string) =>
  `EXISTS (SELECT 1 FROM feedback unanswered_fb WHERE unanswered_fb.message_id = ${m}.id` +
  ` AND unanswered_fb.kind = 'thumbs' AND unanswered_fb.rating = -1)`;
const lowConfidence = (m: string) =>
  `(${m}.decision IN ('answer', 'referral', 'small_talk') AND ${m}.confidence < ${LOW_CONFIDENCE})`;

/**
 * SQL predicate over a `messages` row aliased `m` (default): true when that row is an unanswered
 * question's reply. Use: `SELECT … FROM messages m WHERE ${unansweredReplySql()}`.
 */
export function unansweredReplySql(m = 'm'): string {
  return (
    `(${engineReply(m)} AND (${m}.decision IN ('fallback', 'clarify') OR ${lowConfidence(m)}` +
    ` OR ${thumbsDown(m)}))`
  );
}

/**
 * SQL expression over a `messages` row aliased `m`: the first UNANSWERED_REASONS that applies to it,
 * or NULL when the row is not an unanswered question's reply (exactly when unansweredReplySql is false).
 */
export function unansweredReasonSql(m = 'm'): string {
  return `CASE WHEN NOT (${engineReply(m)}) THEN NULL
    WHEN ${m}.decision = 'fallback' THEN 'fallback'
    WHEN ${m}.decision = 'clarify' THEN 'clarify'
    WHEN ${lowConfidence(m)} THEN 'low_confidence'
    WHEN ${thumbsDown(m)} THEN 'thumbs_down' END`;
}

/** unansweredReplySql over the alias `m`. */
export const UNANSWERED_REPLY_SQL = unansweredReplySql('m');
