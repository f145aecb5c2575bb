/**
 * One citizen message through the shared bot: builds the inbound Activity (the conversation id of the
 * call or SMS thread; channelId = its prefix, 'twilio' for calls and 'twilio-sms' for text messages, so
 * transcripts, handoffs and the console tell a caller from a texter) and returns the answer record
 * riding in the reply's channelData, with the replies' plain text for turns that have no record
 * (apology, non-text, the place in the officers' queue), and the 👍/👎 choices the bot offered after it.
 */
import type { ChannelDeps } from '../channel';
import { answerOf } from '../../src/bot/assistant-bot';
import type { AnswerRecord, Choice } from '../../src/engine/types';
import { ratingChoicesOf } from '../../src/feedback/rating-flow';

/** Conversation id prefixes (and channel ids): `twilio:<CallSid>`, `twilio-sms:<pseudonym>`. */
export const VOICE_PREFIX = 'twilio';
export const SMS_PREFIX = 'twilio-sms';

export interface BotTurn {
  /** `twilio:<CallSid>` or `twilio-sms:<pseudonym of the number>`. */
  conversationId: string;
  activityId: string;
  fromId: string;
  recipientId: string;
  text: string;
}

export interface BotAnswer {
  record?: AnswerRecord;
  text: string;
  /** The rating choices offered after the answer (with a database): [👍, 👎]. */
  rating: Choice[];
}

export async function runBotTurn(deps: ChannelDeps, turn: BotTurn): Promise<BotAnswer> {
  const replies = await deps.adapter.collect(
    {
      type: 'message',
      id: turn.activityId,
      channelId: turn.conversationId.startsWith(`${SMS_PREFIX}:`) ? SMS_PREFIX : VOICE_PREFIX,
      serviceUrl: 'urn:twilio',
      locale: 'vi-VN',
      text: turn.text,
      from: { id: turn.fromId, name: 'citizen' },
      recipient: { id: turn.recipientId, name: 'Trợ lý Tư pháp' },
      conversation: { id: turn.conversationId, isGroup: false, conversationType: 'personal', name: '' },
      timestamp: new Date(),
    },
    (context) => deps.bot.run(context),
  );
  const record = replies.map(answerOf).find((r) => r !== undefined);
  const text = replies
    .map((r) => r.text ?? '')
    .filter((t) => t.length > 0)
    .join('\n');
  return { record, text, rating: replies.flatMap(ratingChoicesOf) };
}
