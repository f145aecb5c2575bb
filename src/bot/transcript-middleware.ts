/**
 * botbuilder middleware that hands every message of a turn to the transcript recorder: the inbound
 * activity when the turn starts, each outbound message once it has been sent (context.onSendActivities),
 * with the answer's intent, procedure, facet, confidence, decision and knowledge version from
 * `answerOf(activity)`. Recording is synchronous queueing: it never delays or breaks a reply, and any
 * error in it is logged and swallowed. Use: `adapter.use(transcriptMiddleware(recorder, log))`.
 */
import type { Activity, Middleware, TurnContext } from 'botbuilder';
import type { TranscriptMessage } from '../db/transcript-recorder';
import type { Logger } from '../log';
import { answerOf } from './assistant-bot';

export interface TranscriptSink {
  record(message: TranscriptMessage): void;
}

function toMessage(activity: Partial<Activity>, direction: 'in' | 'out'): TranscriptMessage | undefined {
  const conversationId = activity.conversation?.id;
  if (activity.type !== 'message' || !conversationId) return undefined;
  const record = direction === 'out' ? answerOf(activity) : undefined;
  const attachments = activity.attachments?.length ?? 0;
  return {
    conversationId,
    channel: activity.channelId ?? 'unknown',
    direction,
    text: activity.text ?? (attachments > 0 ? `[${attachments} attachment(s)]` : ''),
    userRef: (direction === 'in' ? activity.from?.id : activity.recipient?.id) ?? undefined,
    activityId: activity.id,
    intent: record?.intent,
    procedure: record?.procedure,
    facet: record?.facet,
    confidence: record?.confidence,
    decision: record?.decision,
    knowledgeVersion: record?.knowledge_version,
  };
}

export function transcriptMiddleware(sink: TranscriptSink, log: Logger): Middleware {
  const record = (activity: Partial<Activity>, direction: 'in' | 'out') => {
    try {
      const message = toMessage(activity, direction);
      if (message) sink.record(message);
    } catch (err) {
      log.warn('transcript message not recorded', { conversation: activity.conversation?.id, error: err });
    }
  };
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      record(context.activity, 'in');
      context.onSendActivities(async (_context, activities, nextSend) => {
        const responses = await nextSend();
        for (const activity of activities) record(activity, 'out');
        return responses;
      });
      await next();
    },
  };
}
