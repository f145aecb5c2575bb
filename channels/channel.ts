/**
 * What a channel is to the server: a module that, given the shared parts, returns an express router
 * (its webhooks and pages) and says whether it is on. A channel whose secrets are missing is off:
 * the server logs the reason once at start and its router answers 503. Adding a channel = a folder
 * here exporting a ChannelModule + one line in src/server/channels.ts.
 */
import type { Router } from 'express';
import type { Server } from 'node:http';
import type { AssistantBot } from '../src/bot/assistant-bot';
import type { TurnAdapter } from '../src/bot/turn-adapter';
import type { Config } from '../src/config';
import type { Database } from '../src/db/database';
import type { Engine } from '../src/engine/engine';
import type { HandoffService } from '../src/handoff/bot-handoff';
import type { OutboundRegistry } from '../src/handoff/outbound';
import type { Logger } from '../src/log';

export interface ChannelDeps {
  config: Config;
  log: Logger;
  bot: AssistantBot;
  adapter: TurnAdapter;
  engine: () => Engine;
  /** With a database: where a channel registers how an officer's reply reaches its citizens. */
  outbound?: OutboundRegistry;
  /** With a database: PostgreSQL, shared by every process of the deployment. */
  database?: Database;
  /** With a database: the handoff queue (e.g. the phone line queues callers for an officer). */
  handoff?: HandoffService;
}

export interface MountedChannel {
  router: Router;
  /** Why the channel is off (missing secrets); undefined when it is on. */
  off?: string;
  /** Called once the HTTP server listens (e.g. to accept WebSocket upgrades). */
  attach?(server: Server): void;
  /** Graceful shutdown: stop accepting, finish what is in flight. */
  close?(): Promise<void>;
}

export interface ChannelModule {
  name: string;
  create(deps: ChannelDeps): MountedChannel;
}

/** The shared way a channel that is off answers its webhooks; mount it under the channel's own path. */
export function offRouter(router: Router, name: string, reason: string): Router {
  router.use((_req, res) => {
    res.status(503).json({ error: `${name} channel is off: ${reason}` });
  });
  return router;
}
