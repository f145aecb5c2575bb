/**
 * The supervisor's JSON API under /agent/api/supervisor, every route behind the guard given
 * (requireRole(supervisor, admin): an agent gets 403; POST also needs the CSRF header):
 * - GET overview: open handoffs and live figures (supervisor-figures.ts);
 * - POST handoffs/:id/reassign {to: username}: hands a queued or held handoff to that officer
 *   (supervisor-actions.ts; audited). 400 bad input or not an officer, 404 unknown handoff,
 *   409 closed or already held by that officer.
 * Live updates come from the console's SSE stream (GET /agent/api/events), which supervisors may read.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { Pool } from 'pg';
import { z } from 'zod';
import { officer } from '../auth/middleware';
import { findUser } from '../auth/users';
import type { Logger } from '../log';
import { ReassignError, reassignHandoff, type ReassignErrorCode } from './supervisor-actions';
import { OFFICER_ROLES, supervisorOverview } from './supervisor-figures';

export interface SupervisorApiDeps {
  pool: Pool;
  /** requireRole('supervisor', 'admin'). */
  guard: express.RequestHandler;
  log: Logger;
}

const STATUS: Record<ReassignErrorCode, number> = {
  not_found: 404,
  closed: 409,
  same_officer: 409,
  unknown_officer: 400,
};

const ReassignBody = z.object({ to: z.string().trim().min(1).max(64) });

function handoffId(req: Request): number | undefined {
  const raw = req.params.id;
  return typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : undefined;
}

export function supervisorApi(deps: SupervisorApiDeps): Router {
  const { pool, guard, log } = deps;
  const router = express.Router();
  router.use('/agent/api/supervisor', guard, express.json({ limit: '4kb' }));

  router.get('/agent/api/supervisor/overview', async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json(await supervisorOverview(pool));
  });

  router.post('/agent/api/supervisor/handoffs/:id/reassign', async (req: Request, res: Response) => {
    const id = handoffId(req);
    if (id === undefined) {
      res.status(400).json({ error: 'invalid handoff id' });
      return;
    }
    const body = ReassignBody.safeParse(req.body);
    const target = body.success ? await findUser(pool, body.data.to) : undefined;
    if (!target || !target.roles.some((r) => (OFFICER_ROLES as readonly string[]).includes(r))) {
      res.status(400).json({ error: 'to: the username of an officer', code: 'unknown_officer' });
      return;
    }
    const me = officer(req)!;
    try {
      const done = await reassignHandoff(pool, id, Number(me.userId), {
        id: Number(target.id),
        username: target.username,
      });
      log.info('handoff reassigned by a supervisor', {
        handoff: id,
        by: me.username,
        to: target.username,
        previousStatus: done.previousStatus,
      });
      res.json({ ...done.handoff, assignedToUsername: target.username, previousStatus: done.previousStatus });
    } catch (err) {
      if (err instanceof ReassignError) {
        res.status(STATUS[err.code]).json({ error: err.message, code: err.code });
        return;
      }
      throw err;
    }
  });

  return router;
}
