/**
 * Starts the HTTP server: the bot with its adapter and storage, every channel, the app. Returns a
 * handle whose close() shuts down gracefully: stop accepting, let turns in flight finish, close the
 * channels. Used by `npm start` (src/main.ts) and by tests (port 0).
 */
import { MemoryStorage, type Storage } from 'botbuilder';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import type { ChannelModule } from '../../channels/channel';
import { AssistantBot } from '../bot/assistant-bot';
import { transcriptMiddleware } from '../bot/transcript-middleware';
import { welcomeNews } from '../bulletins/welcome-news';
import { TurnAdapter } from '../bot/turn-adapter';
import { createConsole } from '../console';
import { createEditor } from '../editor';
import type { KnowledgeService } from '../knowledge-store/knowledge-service';
import type { Database } from '../db/database';
import { PostgresStorage } from '../db/postgres-storage';
import { ResilientStorage } from '../db/resilient-storage';
import { TranscriptRecorder } from '../db/transcript-recorder';
import type { Config } from '../config';
import type { Engine } from '../engine/engine';
import { HandoffService } from '../handoff/bot-handoff';
import { FeedbackStore } from '../feedback/feedback-store';
import { OutboundRegistry } from '../handoff/outbound';
import type { Logger } from '../log';
import { createApp } from './app';
import { CHANNELS } from './channels';
import { ServerMetrics } from './metrics';

export interface RunningServer {
  server: Server;
  url: string;
  bot: AssistantBot;
  /** With a database: the handoff queue, officer replies and closing (the agent console's backend). */
  handoff?: HandoffService;
  close(): Promise<void>;
}

export interface ServerOptions {
  config: Config;
  log: Logger;
  engine: () => Engine;
  storage?: Storage;
  /** PostgreSQL for bot state and transcripts; without it both stay in memory (tests, CLI). */
  database?: Database;
  channels?: ChannelModule[];
  /** The knowledge on PostgreSQL (revisions, publishing): mounts the editor at /editor. */
  knowledge?: KnowledgeService;
  /** The bot's clock (opening hours); tests inject one. */
  now?: () => Date;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { config, log, database, knowledge } = options;
  // With the knowledge on PostgreSQL, answers follow what is published (the engine is swapped there).
  const engine = knowledge ? () => knowledge.engine() : options.engine;
  const recorder = database ? new TranscriptRecorder(database.pool, log) : undefined;
  const state = database ? new ResilientStorage(new PostgresStorage(database.pool), log) : undefined;
  const outbound = database ? new OutboundRegistry() : undefined;
  const handoff =
    database && recorder && outbound
      ? new HandoffService(database.pool, outbound, recorder, log, () => engine().replies)
      : undefined;
  const bot = new AssistantBot({
    engine,
    storage: options.storage ?? state ?? new MemoryStorage(),
    log,
    ...(handoff && { handoff }),
    ...(database && { feedback: new FeedbackStore(database.pool) }),
    openingHours: config.OPENING_HOURS,
    ...(options.now && { now: options.now }),
    ...(database && { news: welcomeNews(database.pool, log) }),
  });
  const adapter = new TurnAdapter(
    log,
    (locale) => engine().replies.error[locale?.startsWith('en') ? 'en' : 'vi'],
  );
  // Every message of every channel is recorded, never delaying or breaking a reply.
  if (recorder) adapter.use(transcriptMiddleware(recorder, log));
  // Prometheus: answers by intent (bot middleware), requests (app), handoffs and queue (database).
  const metrics = new ServerMetrics({ log, ...(database && { database }) });
  adapter.use(metrics.bot());
  const deps = {
    config,
    log,
    bot,
    adapter,
    engine,
    ...(outbound && { outbound }),
    ...(database && { database }),
    ...(handoff && { handoff }),
  };
  const channels = (options.channels ?? CHANNELS).map((module) => {
    const mounted = module.create(deps);
    if (mounted.off) log.warn(`${module.name} channel is off: ${mounted.off}`);
    else log.info(`${module.name} channel is on`);
    return mounted;
  });
  const health = async () => {
    const e = engine();
    const transcripts = await recorder?.healthy();
    const stateOk = state?.healthy() ?? true;
    const status =
      (transcripts?.status ?? 'ok') === 'ok' && stateOk ? ('ok' as const) : ('degraded' as const);
    return {
      status,
      knowledge: e.version,
      mode: e.mode,
      guides: e.guideCount,
      database: database
        ? { embedded: database.embedded, state: stateOk ? 'ok' : 'degraded', transcripts }
        : 'none',
    };
  };
  // The agent console needs the database (users, sessions, handoffs, LISTEN/NOTIFY).
  const agentConsole =
    database && handoff ? await createConsole({ database, handoff, engine, log }) : undefined;
  // The editor needs the knowledge on PostgreSQL (revisions, review, publishing).
  const editor =
    database && knowledge
      ? createEditor({
          database,
          log,
          config,
          engine,
          knowledge,
          ...(outbound && { outbound }),
          ...(options.now && { now: options.now }),
        })
      : undefined;
  const routers = [agentConsole?.router, editor?.router].filter((r) => r !== undefined);
  await metrics.start();
  const app = createApp({ ...deps, channels, health, routers, metrics });
  const server = createServer(app);
  server.keepAliveTimeout = 5000;
  for (const c of channels) c.attach?.(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  log.info('listening', { url, port });

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      log.info('shutting down: no new connections, finishing requests in flight');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await agentConsole?.close(); // ends the event streams, which would hold server.close
      await editor?.close();
      server.closeIdleConnections();
      await Promise.all(channels.map(async (c) => c.close?.()));
      await closed;
      await recorder?.close();
      await metrics.close();
      log.info('stopped');
    })());
  return { server, url, bot, ...(handoff && { handoff }), close };
}
