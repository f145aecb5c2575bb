/**
 * POST /agent/api/handoffs/:id/answer-call — the officer holding a phone handoff takes the call: the
 * caller's channel rings the officer's phone (users.phone, else the channel's fallback) and bridges
 * them to the waiting caller (OutboundRegistry.bridgeCall, e.g. channels/twilio/phone-handoff.ts; the
 * console never imports a channel). Behind the same guard as the other routes (login, role, CSRF).
 * 200 {calling: true, callId}; 400 bad id; 404 unknown handoff; 409 JSON {error, code} when it is not
 * held by this officer (not_holder), is closed (closed), is not a call (not_a_call) or the officer has
 * no number to ring or call from (cannot_call); 502 when the phone provider refuses the call.
 */
import express, { type RequestHandler, type Router } from 'express';
import type { Pool } from 'pg';
import { audit } from '../auth/audit';
import { officer } from '../auth/middleware';
import { officerPhone } from '../auth/officer-phone';
import type { HandoffService } from '../handoff/bot-handoff';
import { OutboundError } from '../handoff/outbound';
import type { Logger } from '../log';

export interface CallApiDeps {
  pool: Pool;
  handoff: HandoffService;
  log: Logger;
  guard: RequestHandler;
}

export function callApi(deps: CallApiDeps): Router {
  const { pool, handoff, log, guard } = deps;
  const router = express.Router();

  router.post('/agent/api/handoffs/:id/answer-call', guard, async (req, res) => {
    const raw = req.params.id;
    const id = typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(id)) {
      res.status(400).json({ error: 'invalid handoff id' });
      return;
    }
    const me = officer(req)!;
    const agentId = Number(me.userId);
    const { rows } = await pool.query<{
      conversation_id: string;
      status: string;
      assigned_to: string | null;
    }>('SELECT conversation_id, status, assigned_to FROM handoffs WHERE id = $1', [id]);
    const row = rows[0];
    if (!row) {
      res.status(404).json({ error: `handoff ${id} does not exist`, code: 'not_found' });
      return;
    }
    if (row.status === 'closed') {
      res.status(409).json({ error: `handoff ${id} is closed`, code: 'closed' });
      return;
    }
    if (row.status !== 'assigned' || Number(row.assigned_to) !== agentId) {
      res.status(409).json({ error: 'claim the handoff before answering the call', code: 'not_holder' });
      return;
    }
    if (!handoff.outbound.canBridge(row.conversation_id)) {
      res.status(409).json({ error: 'this conversation is not a phone call', code: 'not_a_call' });
      return;
    }
    try {
      const phone = await officerPhone(pool, agentId);
      const { callId } = await handoff.outbound.bridgeCall(row.conversation_id, {
        handoffId: id,
        ...(phone !== undefined && { officerPhone: phone }),
      });
      await audit(pool, {
        actor: me.username,
        action: 'handoff.answer_call',
        subject: `handoff:${id}`,
        details: { conversationId: row.conversation_id, callId },
      });
      log.info('officer answers a call', { handoff: id, agent: agentId, callId });
      res.json({ calling: true, callId });
    } catch (err) {
      if (err instanceof OutboundError) {
        res.status(409).json({ error: err.message, code: 'cannot_call' });
        return;
      }
      log.warn('officer call not started', { handoff: id, agent: agentId, error: err });
      res.status(502).json({ error: 'the phone provider refused the call; try again' });
    }
  });

  return router;
}
