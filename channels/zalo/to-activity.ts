/**
 * A Zalo event as the Activity the bot understands: a user's text as a message; any other user
 * message (image, sticker, voice, file, gif, location...) as a message without text, which the bot
 * answers with its polite request to type; a follow as a conversationUpdate adding the user, which
 * the bot greets with its welcome. The conversation is `zalo:<OA-scoped user id>`.
 */
import type { Activity } from 'botbuilder';
import type { ZaloEvent } from './events';

export type ActionableEvent = Exclude<ZaloEvent, { kind: 'ignored' }>;

export function toActivity(event: ActionableEvent): Partial<Activity> {
  const user = { id: event.userId, name: '', role: 'user' };
  const base: Partial<Activity> = {
    channelId: 'zalo',
    serviceUrl: 'urn:zalo',
    from: user,
    recipient: { id: event.oaId, name: 'Trợ lý Tư pháp', role: 'bot' },
    conversation: { id: `zalo:${event.userId}`, isGroup: false, conversationType: 'personal', name: '' },
    locale: 'vi-VN',
    timestamp: Number.isNaN(event.at.getTime()) ? new Date() : event.at,
    channelData: { zalo: { event_name: event.name } },
  };
  switch (event.kind) {
    case 'text':
      return { ...base, type: 'message', id: event.msgId, text: event.text };
    case 'non_text':
      return { ...base, type: 'message', id: event.msgId };
    case 'follow':
      return {
        ...base,
        type: 'conversationUpdate',
        id: `follow:${event.userId}:${event.timestamp}`,
        membersAdded: [user],
      };
  }
}
