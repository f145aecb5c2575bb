/**
 * One citizen message through the shared bot: builds the inbound Activity (channelId 'twilio', the
 * conversation id of the call or SMS thread) and returns the answer record riding in the reply's
 * channelData, with the replies' plain text for turns that have no record (apology, non-text).
 */
import type { ChannelDeps } from '../channel';
import { answerOf } from '../../src/bot/assistant-bot';
import type { AnswerRecord } from '../../src/engine/types';

export interface BotTurn {
  /** `twilio:<CallSid>` or `twilio-sms:<From>`. */
  conversationId: string;
  activityId: string;
  fromId: string;
  recipientId: string;
  text: string;
}

export interface BotAnswer {
  record?: AnswerRecord;
  text: string;
}

export async function runBotTurn(deps: ChannelDeps, turn: BotTurn): Promise<BotAnswer> {
  const replies = await deps.adapter.collect(
    {
      type: 'message',
      id: turn.activityId,
      channelId: 'twilio',
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
  return { record, text };
}
