/**
 * What Zalo POSTs to the webhook (protocols.md §1.4), validated with zod and sorted into what the
 * channel does with it: a user's text, a user's non-text message (image, sticker, voice, file, gif,
 * location...), a follow, or something ignored (unfollow, the OA's own `oa_send_*` echoes, delivery
 * receipts, events not known here). IDs stay strings: they are larger than JS numbers hold exactly.
 */
import { z } from 'zod';

const id = z.union([
  z.string().trim().min(1).max(64),
  z
    .number()
    .int()
    .refine((n) => Number.isSafeInteger(n) && n >= 0, 'id out of range')
    .transform(String),
]);

/** `timestamp` is a string of epoch milliseconds; a number is tolerated. Kept as sent (it is signed). */
const timestamp = z.union([
  z
    .string()
    .trim()
    .regex(/^\d{1,16}$/),
  z.number().int().nonnegative(),
]);

/** The fields every event has: enough to check the signature and to sort the event. */
export const envelopeSchema = z
  .object({
    app_id: id,
    event_name: z.string().min(1).max(100),
    timestamp,
  })
  .loose();

const userMessageSchema = z
  .object({
    sender: z.object({ id }).loose(),
    recipient: z.object({ id }).loose(),
    message: z
      .object({
        msg_id: id,
        text: z.string().optional(),
        attachments: z.array(z.object({ type: z.string().optional() }).loose()).optional(),
      })
      .loose(),
  })
  .loose();

const followSchema = z
  .object({
    oa_id: id,
    follower: z.object({ id }).loose(),
  })
  .loose();

export type ZaloEvent =
  | { kind: 'text'; name: string; msgId: string; userId: string; oaId: string; text: string; at: Date }
  | { kind: 'non_text'; name: string; msgId: string; userId: string; oaId: string; at: Date }
  | { kind: 'follow'; name: string; userId: string; oaId: string; at: Date; timestamp: string }
  | { kind: 'ignored'; name: string };

export type Classified = { ok: true; event: ZaloEvent } | { ok: false; problem: string };

/** Sorts a parsed body (already known to carry a valid envelope) into a ZaloEvent. */
export function classifyEvent(body: unknown): Classified {
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) return { ok: false, problem: problemOf(envelope.error) };
  const name = envelope.data.event_name;
  const at = new Date(Number(envelope.data.timestamp));

  if (name.startsWith('user_send_')) {
    const parsed = userMessageSchema.safeParse(body);
    if (!parsed.success) return { ok: false, problem: problemOf(parsed.error) };
    const { sender, recipient, message } = parsed.data;
    const base = { name, msgId: message.msg_id, userId: sender.id, oaId: recipient.id, at };
    if (name === 'user_send_text')
      return { ok: true, event: { kind: 'text', ...base, text: message.text ?? '' } };
    return { ok: true, event: { kind: 'non_text', ...base } };
  }
  if (name === 'follow') {
    const parsed = followSchema.safeParse(body);
    if (!parsed.success) return { ok: false, problem: problemOf(parsed.error) };
    const timestampText = String(envelope.data.timestamp);
    return {
      ok: true,
      event: {
        kind: 'follow',
        name,
        userId: parsed.data.follower.id,
        oaId: parsed.data.oa_id,
        at,
        timestamp: timestampText,
      },
    };
  }
  // unfollow, oa_send_* echoes, user_received_message / user_seen_message, anonymous_*, the rest.
  return { ok: true, event: { kind: 'ignored', name } };
}

function problemOf(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid event';
}

/**
 * JSON.parse, after quoting bare integer IDs too long for a JS number (`"id": 2468458835296117922`)
 * so they survive exactly. Only keys that are IDs are touched; escaped quotes inside strings never
 * match. The signature is checked on the raw bytes, not on this text.
 */
export function parseZaloJson(raw: string): unknown {
  const quoted = raw.replace(
    /("(?:id|msg_id|user_id|oa_id|app_id|user_id_by_app|quote_msg_id)"\s*:\s*)(\d{16,})(?=\s*[,}\]])/g,
    '$1"$2"',
  );
  return JSON.parse(quoted);
}
