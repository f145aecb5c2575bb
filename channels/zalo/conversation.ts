/**
 * One acknowledged Zalo event, start to end: its Activity goes through the bot (deps.adapter), and
 * each reply, rendered as Zalo messages, is sent in order to the user. When a send fails for good
 * (retries spent, user outside the messaging window...), the rest of that turn's replies are
 * dropped rather than sent out of order; the failure is logged with Zalo's code, never the token.
 */
import type { ChannelDeps } from '../channel';
import { errorText } from './access-token';
import { ZaloApiError } from './http';
import { renderReply } from './render';
import type { ZaloMessenger } from './send-message';
import { toActivity, type ActionableEvent } from './to-activity';

export type EventHandler = (event: ActionableEvent) => Promise<void>;

export function conversationHandler(
  deps: Pick<ChannelDeps, 'adapter' | 'bot' | 'log'>,
  messenger: ZaloMessenger,
): EventHandler {
  const { adapter, bot, log } = deps;
  return async (event) => {
    const activity = toActivity(event);
    const conversation = activity.conversation?.id;
    let failed = false;
    let sent = 0;
    await adapter.process(
      activity,
      (turn) => bot.run(turn),
      async (reply) => {
        for (const message of renderReply(reply)) {
          if (failed) return;
          try {
            await messenger.send(event.userId, message);
            sent += 1;
          } catch (error) {
            failed = true;
            log.error('zalo reply not delivered', {
              conversation,
              event: event.name,
              reason: errorText(error),
              zaloError: error instanceof ZaloApiError ? error.code : undefined,
              httpStatus: error instanceof ZaloApiError ? error.status : undefined,
            });
          }
        }
      },
    );
    log.debug('zalo event handled', { conversation, event: event.name, messagesSent: sent, failed });
  };
}
