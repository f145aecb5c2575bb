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
import { TurnAdapter } from '../bot/turn-adapter';
import type { Config } from '../config';
import type { Engine } from '../engine/engine';
import type { Logger } from '../log';
import { createApp } from './app';
import { CHANNELS } from './channels';

export interface RunningServer {
  server: Server;
  url: string;
  bot: AssistantBot;
  close(): Promise<void>;
}

export interface ServerOptions {
  config: Config;
  log: Logger;
  engine: () => Engine;
  storage?: Storage;
  channels?: ChannelModule[];
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { config, log, engine } = options;
  const bot = new AssistantBot({ engine, storage: options.storage ?? new MemoryStorage(), log });
  const adapter = new TurnAdapter(
    log,
    (locale) => engine().replies.error[locale?.startsWith('en') ? 'en' : 'vi'],
  );
  const deps = { config, log, bot, adapter, engine };
  const channels = (options.channels ?? CHANNELS).map((module) => {
    const mounted = module.create(deps);
    if (mounted.off) log.warn(`${module.name} channel is off: ${mounted.off}`);
    else log.info(`${module.name} channel is on`);
    return mounted;
  });
  const health = async () => {
    const e = engine();
    return { status: 'ok' as const, knowledge: e.version, mode: e.mode, guides: e.guideCount };
  };
  const app = createApp({ ...deps, channels, health });
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
      server.closeIdleConnections();
      await Promise.all(channels.map(async (c) => c.close?.()));
      await closed;
      log.info('stopped');
    })());
  return { server, url, bot, close };
}
