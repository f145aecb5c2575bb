/**
 * The Direct Line 3.0 channel ('directline', always on): REST under /v3/directline (routes.ts), the
 * WebSocket stream on the shared HTTP server (stream.ts), the bot's turns (turns.ts), conversations in
 * a DirectLineStore: on PostgreSQL when the server has a database (postgres-store.ts: every process
 * of a deployment sees every conversation, and a reply appended by one reaches the sockets of
 * another), else in memory (memory-store.ts; tests and a server without a database).
 * DIRECTLINE_SECRET is optional: without it tokens are still issued (the citizen page is public),
 * signed with a key kept in PostgreSQL and shared by every process (shared-key.ts), or, without a
 * database, a key random to this process.
 */
import { Router } from 'express';
import type { ChannelModule } from '../channel';
import { MemoryDirectLineStore, type MemoryStoreOptions } from './memory-store';
import { PostgresDirectLineStore, type PostgresStoreOptions } from './postgres-store';
import { BASE_PATH, directLineRouter } from './routes';
import { loadSharedTokenKey } from './shared-key';
import type { DirectLineStore } from './store';
import { DirectLineStream, type StreamOptions } from './stream';
import { TokenService } from './tokens';
import { ConversationTurns } from './turns';

export interface DirectLineOptions extends StreamOptions {
  /** The conversation store; by default PostgreSQL with a database, else in memory. */
  store?: DirectLineStore;
  memory?: MemoryStoreOptions;
  postgres?: PostgresStoreOptions;
  /** How long POST /activities waits for the bot before answering {id} anyway (default 15 s). */
  turnWaitMs?: number;
}

export function createDirectLineChannel(options: DirectLineOptions = {}): ChannelModule {
  return {
    name: 'directline',
    create({ config, log, bot, adapter, outbound, database }) {
      const tokens = new TokenService(config.DIRECTLINE_SECRET);
      // Until the shared key is loaded no token is issued or checked (requests and upgrades wait).
      let ready = Promise.resolve();
      if (!config.DIRECTLINE_SECRET && database)
        ready = loadSharedTokenKey(database.pool).then(
          (key) => tokens.useSharedKey(key),
          (error: unknown) =>
            log.error(
              'directline: the shared token key could not be loaded; using a key random to this process',
              {
                error,
              },
            ),
        );
      else if (!config.DIRECTLINE_SECRET)
        log.info(
          'directline: DIRECTLINE_SECRET not set; tokens are signed with a key random to this process',
        );
      const onListenerError = (error: unknown) => log.error('directline delivery failed', { error });
      const store =
        options.store ??
        (database
          ? new PostgresDirectLineStore(database, log, { onListenerError, ...options.postgres })
          : new MemoryDirectLineStore({ onListenerError, ...options.memory }));
      const turns = new ConversationTurns({ adapter, bot, log }, store);
      outbound?.registerSender('directline', (conversationId, text, options) =>
        turns.push(conversationId, text, options),
      );
      const stream = new DirectLineStream(store, tokens, log, options, ready);
      let closing = false;
      const routes = directLineRouter({
        tokens,
        store,
        turns,
        log,
        publicBaseUrl: config.PUBLIC_BASE_URL,
        turnWaitMs: options.turnWaitMs ?? 15_000,
        isClosing: () => closing,
      });
      let router = routes;
      if (database) {
        router = Router();
        router.use(BASE_PATH, async (_req, _res, next) => {
          await ready;
          next();
        });
        router.use(routes);
      }
      return {
        router,
        attach: (server) => stream.attach(server),
        close: async () => {
          closing = true;
          await turns.drain();
          await stream.close();
          await store.close();
        },
      };
    },
  };
}

export const directLineChannel: ChannelModule = createDirectLineChannel();
