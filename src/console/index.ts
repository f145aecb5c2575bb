/**
 * The agent console, mounted by start-server only when a database is set: the login router of
 * src/auth (POST /agent/login, GET /agent/session, POST /agent/logout), the pages GET /agent/login
 * and GET /agent, the supervisor page GET /agent/supervisor (supervisor-page.ts), the assets under
 * /agent/assets, the JSON APIs and the live events (api.ts, supervisor-api.ts, live-events.ts).
 * createConsole starts the LISTEN connection; close() ends the event streams.
 */
import path from 'node:path';
import express, { type Router } from 'express';
import { staticFile } from '../../channels/webchat/static-file';
import { createAuth, officer, safeNext } from '../auth/middleware';
import type { Database } from '../db/database';
import type { Engine } from '../engine/engine';
import type { HandoffService } from '../handoff/bot-handoff';
import type { Logger } from '../log';
import { consoleApi } from './api';
import { callApi } from './call-api';
import { LiveEvents } from './live-events';
import { renderConsolePage, renderLoginPage, setConsoleHeaders } from './pages';
import { supervisorApi } from './supervisor-api';
import { isSupervisor, supervisorPage } from './supervisor-page';

const ASSETS = path.join(__dirname, 'assets');

export interface ConsoleDeps {
  database: Database;
  handoff: HandoffService;
  engine: () => Engine;
  log: Logger;
}

export interface AgentConsole {
  router: Router;
  close(): Promise<void>;
}

export async function createConsole(deps: ConsoleDeps): Promise<AgentConsole> {
  const { database, log } = deps;
  const auth = createAuth({ pool: database.pool, log });
  const guard = auth.requireRole('agent', 'supervisor', 'admin');
  const events = new LiveEvents(database.connectionString, log);
  await events.start();

  const router = express.Router();
  for (const [name, type] of [
    ['console-common.js', 'application/javascript; charset=utf-8'],
    ['console.js', 'application/javascript; charset=utf-8'],
    ['console.css', 'text/css; charset=utf-8'],
    ['supervisor.js', 'application/javascript; charset=utf-8'],
    ['supervisor.css', 'text/css; charset=utf-8'],
  ] as const)
    router.get(`/agent/assets/${name}`, staticFile(path.join(ASSETS, name), type, 300));
  router.get('/agent/login', (req, res) => {
    setConsoleHeaders(res);
    const next = safeNext(req.query.next);
    res.type('html').send(renderLoginPage({ error: req.query.error !== undefined, ...(next && { next }) }));
  });
  router.use(auth.loginRouter);
  router.get('/agent', guard, (req, res) => {
    setConsoleHeaders(res);
    const me = officer(req)!;
    res.type('html').send(renderConsolePage(me.username, { supervisor: isSupervisor(me.roles) }));
  });
  router.get('/agent/supervisor', guard, supervisorPage);
  router.use(supervisorApi({ pool: database.pool, guard: auth.requireRole('supervisor', 'admin'), log }));
  router.use(callApi({ pool: database.pool, handoff: deps.handoff, log, guard }));
  router.use(
    consoleApi({ pool: database.pool, handoff: deps.handoff, engine: deps.engine, events, log, guard }),
  );
  return { router, close: () => events.close() };
}
