/**
 * POST /api/ask {text, conversationId?} → the answer record (contracts §2/§3), through the same bot as
 * every channel so state and logging are shared. A conversationId keeps follow-up context.
 */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { answerOf, type AssistantBot } from '../bot/assistant-bot';
import type { TurnAdapter } from '../bot/turn-adapter';
import { HttpError } from './http-errors';

const askSchema = z.object({
  text: z.string().trim().min(1, 'text must not be empty'),
  conversationId: z.string().trim().min(1).max(200).optional(),
});

export function apiAskRouter(bot: AssistantBot, adapter: TurnAdapter): Router {
  const router = Router();
  router.post('/api/ask', async (req, res) => {
    const parsed = askSchema.safeParse(req.body);
    if (!parsed.success) throw new HttpError(400, parsed.error.issues[0]?.message ?? 'invalid request');
    const conversationId = parsed.data.conversationId ?? randomUUID();
    const replies = await adapter.collect(
      {
        type: 'message',
        id: randomUUID(),
        channelId: 'api',
        serviceUrl: 'urn:api',
        text: parsed.data.text,
        from: { id: `api:${conversationId}`, name: 'citizen' },
        recipient: { id: 'bot', name: 'Trợ lý Tư pháp' },
        conversation: { id: `api:${conversationId}`, isGroup: false, conversationType: 'personal', name: '' },
        timestamp: new Date(),
      },
      (turn) => bot.run(turn),
    );
    const record = replies.map(answerOf).find((r) => r !== undefined);
    if (!record) {
      // An officer has the conversation (handoff): the bot did not answer; the message is recorded.
      const messages = replies.filter((r) => r.type === 'message' && r.text).map((r) => r.text);
      if (messages.length === 0 && replies.length > 0) throw new HttpError(500, 'no answer');
      res.status(202).json({ conversationId, answered: false, messages });
      return;
    }
    res.json({ ...record, conversationId });
  });
  return router;
}
