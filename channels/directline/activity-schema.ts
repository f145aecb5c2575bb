/**
 * What a Direct Line client may post to /conversations/:id/activities, checked with zod: a message,
 * an event (with a name) or a typing indicator, bounded in size. Unknown fields (localTimestamp,
 * entities, value…) pass through to the bot and the echo; fields the server owns (id, timestamp,
 * conversation, recipient, channelId, serviceUrl, replyToId) are dropped.
 */
import { z } from 'zod';

/** Longest text accepted; the bot itself reads only the first 1500 characters. */
export const MAX_TEXT_CHARS = 10_000;

const account = z.looseObject({
  id: z.string().max(256).optional(),
  name: z.string().max(256).optional(),
  role: z.string().max(32).optional(),
});

export const postedActivitySchema = z
  .looseObject({
    type: z.enum(['message', 'event', 'typing']),
    text: z.string().max(MAX_TEXT_CHARS).optional(),
    textFormat: z.enum(['plain', 'markdown', 'xml']).optional(),
    locale: z.string().max(32).optional(),
    name: z.string().min(1).max(256).optional(),
    from: account.optional(),
    channelData: z.looseObject({ clientActivityID: z.string().max(256).optional() }).optional(),
    attachments: z
      .array(z.looseObject({ contentType: z.string().max(256) }))
      .max(10)
      .optional(),
    entities: z
      .array(z.looseObject({ type: z.string().max(256) }))
      .max(20)
      .optional(),
  })
  .refine((a) => a.type !== 'event' || a.name !== undefined, { message: 'an event needs a name' });

export type PostedActivity = z.infer<typeof postedActivitySchema>;

const SERVER_FIELDS = [
  'id',
  'timestamp',
  'conversation',
  'recipient',
  'channelId',
  'serviceUrl',
  'replyToId',
];

/** The posted activity without the fields the server sets itself. */
export function clientFields(activity: PostedActivity): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...activity };
  for (const field of SERVER_FIELDS) delete copy[field];
  return copy;
}
