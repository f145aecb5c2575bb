/**
 * The console's JSON API under /agent/api, every route behind requireRole(agent, supervisor, admin)
 * (which also checks the CSRF header on POST): GET queue, GET conversations/:id (transcript + handoff),
 * GET conversations/:id/suggestions, POST handoffs/:id/claim, POST conversations/:id/reply {text}
 * (HandoffService.sendOfficerReply; only the holder), POST handoffs/:id/close {reason} (CSAT follows),
 * POST handoffs/:id/transfer {to: username}, GET events (SSE, live-events.ts). Errors are JSON:
 * 400 bad input, 401/403 from auth, 404 unknown, 409 the handoff's state does not allow it.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { Pool } from 'pg';
import { officer } from '../auth/middleware';
import { findUser } from '../auth/users';
import type { Engine } from '../engine/engine';
import type { HandoffService } from '../handoff/bot-handoff';
import { HandoffError } from '../handoff/handoff';
import { OutboundError } from '../handoff/outbound';
import type { Logger } from '../log';
import { citizenMessages, heldHandoff, loadConversation } from './conversations';
import type { LiveEvents } from './live-events';
import { suggestAnswers } from './suggestions';

export const CLOSE_REASONS = [
  'đã giải đáp',
  'chuyển cơ quan khác',
  'không liên lạc được',
  'khác',
  'trả lại bot',
] as const;
export const MAX_REPLY_LENGTH = 4000;

export interface ApiDeps {
  pool: Pool;
  handoff: HandoffService;
  engine: () => Engine;
  events: LiveEvents;
  log: Logger;
  guard: express.RequestHandler;
}

const STATUS: Record<HandoffError['code'], number> = {
  not_found: 404,
  taken: 409,
  closed: 409,
  not_holder: 409,
  unknown_agent: 400,
};

function agentId(req: Request): number {
  return Number(officer(req)!.userId);
}

function handoffId(req: Request, res: Response): number | undefined {
  const raw = req.params.id;
  const id = typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id)) {
    res.status(400).json({ error: 'invalid handoff id' });
    return undefined;
  }
  return id;
}

function sendError(res: Response, err: unknown): void {
  if (err instanceof HandoffError) {
    res.status(STATUS[err.code]).json({ error: err.message, code: err.code });
    return;
  }
  throw err;
}

export function consoleApi(deps: ApiDeps): Router {
  const { pool, handoff, guard } = deps;
  const router = express.Router();
  router.use('/agent/api', guard, express.json({ limit: '16kb' }));

  router.get('/agent/api/queue', async (_req, res) => {
    const items = await handoff.queue.list();
    const now = Date.now();
    res.set('Cache-Control', 'no-store');
    res.json({
      items: items.map((h) => ({
        ...h,
        waitingSeconds: Math.round(
          ((h.assignedAt ?? new Date(now)).getTime() - h.requestedAt.getTime()) / 1000,
        ),
      })),
    });
  });

  router.get('/agent/api/events', deps.events.handle);

  router.get('/agent/api/conversations/:id', async (req, res) => {
    const view = await loadConversation(pool, req.params.id);
    if (!view) {
      res.status(404).json({ error: 'conversation not found' });
      return;
    }
    res.set('Cache-Control', 'no-store');
    res.json(view);
  });

  router.get('/agent/api/conversations/:id/suggestions', async (req, res) => {
    const messages = await citizenMessages(pool, req.params.id);
    if (messages.length === 0 && !(await loadConversation(pool, req.params.id))) {
      res.status(404).json({ error: 'conversation not found' });
      return;
    }
    res.json(await suggestAnswers(deps.engine(), messages));
  });

  router.post('/agent/api/handoffs/:id/claim', async (req, res) => {
    const id = handoffId(req, res);
    if (id === undefined) return;
    try {
      res.json(await handoff.queue.claim(id, agentId(req)));
    } catch (err) {
      sendError(res, err);
    }
  });

  router.post('/agent/api/conversations/:id/reply', async (req, res) => {
    const text = (req.body as { text?: unknown } | undefined)?.text;
    if (typeof text !== 'string' || !text.trim() || text.length > MAX_REPLY_LENGTH) {
      res.status(400).json({ error: `text: 1–${MAX_REPLY_LENGTH} characters` });
      return;
    }
    const conversationId = req.params.id;
    if ((await heldHandoff(pool, conversationId, agentId(req))) === undefined) {
      const exists = await loadConversation(pool, conversationId);
      res
        .status(exists ? 409 : 404)
        .json({ error: exists ? 'claim the conversation before replying' : 'conversation not found' });
      return;
    }
    try {
      await handoff.sendOfficerReply(conversationId, text.trim(), {
        id: agentId(req),
        username: officer(req)!.username,
      });
      res.json({ sent: true });
    } catch (err) {
      if (err instanceof OutboundError) {
        res.status(409).json({ error: `recorded but not delivered: ${err.message}` });
        return;
      }
      throw err;
    }
  });

  router.post('/agent/api/handoffs/:id/close', async (req, res) => {
    const id = handoffId(req, res);
    if (id === undefined) return;
    const reason = (req.body as { reason?: unknown } | undefined)?.reason;
    if (typeof reason !== 'string' || !(CLOSE_REASONS as readonly string[]).includes(reason)) {
      res.status(400).json({ error: `reason: one of ${CLOSE_REASONS.join(', ')}` });
      return;
    }
    try {
      res.json(await handoff.close(id, agentId(req), reason));
    } catch (err) {
      sendError(res, err);
    }
  });

  router.post('/agent/api/handoffs/:id/transfer', async (req, res) => {
    const id = handoffId(req, res);
    if (id === undefined) return;
    const to = (req.body as { to?: unknown } | undefined)?.to;
    const target = typeof to === 'string' && to.length <= 64 ? await findUser(pool, to) : undefined;
    if (!target || !target.roles.some((r) => r === 'agent' || r === 'supervisor' || r === 'admin')) {
      res.status(400).json({ error: 'to: the username of another officer' });
      return;
    }
    try {
      res.json(await handoff.queue.transfer(id, agentId(req), Number(target.id)));
    } catch (err) {
      sendError(res, err);
    }
  });

  return router;
}
