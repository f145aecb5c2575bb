/**
 * The Direct Line 3.0 channel ('directline', always on): REST under /v3/directline (routes.ts), the
 * WebSocket stream on the shared HTTP server (stream.ts), the bot's turns (turns.ts), conversations in
 * a DirectLineStore (in memory for now). DIRECTLINE_SECRET is optional: without it tokens are still
 * issued (the citizen page is public), signed with a key random to this process.
 */
import type { ChannelModule } from '../channel';
import { MemoryDirectLineStore, type MemoryStoreOptions } from './memory-store';
import { directLineRouter } from './routes';
import type { DirectLineStore } from './store';
import { DirectLineStream, type StreamOptions } from './stream';
import { TokenService } from './tokens';
import { ConversationTurns } from './turns';

export interface DirectLineOptions extends StreamOptions {
  /** The conversation store; an in-memory one with `memory` options by default. */
  store?: DirectLineStore;
  memory?: MemoryStoreOptions;
  /** How long POST /activities waits for the bot before answering {id} anyway (default 15 s). */
  turnWaitMs?: number;
}

export function createDirectLineChannel(options: DirectLineOptions = {}): ChannelModule {
  return {
    name: 'directline',
    create({ config, log, bot, adapter, outbound }) {
      if (!config.DIRECTLINE_SECRET)
        log.info(
          'directline: DIRECTLINE_SECRET not set; tokens are signed with a key random to this process',
        );
      const tokens = new TokenService(config.DIRECTLINE_SECRET);
      const store =
        options.store ??
        new MemoryDirectLineStore({
          onListenerError: (error) => log.error('directline delivery failed', { error }),
          ...options.memory,
        });
      const turns = new ConversationTurns({ adapter, bot, log }, store);
      outbound?.registerSender('directline', (conversationId, text, options) =>
        turns.push(conversationId, text, options),
      );
      const stream = new DirectLineStream(store, tokens, log, options);
      let closing = false;
      const router = directLineRouter({
        tokens,
        store,
        turns,
        log,
        publicBaseUrl: config.PUBLIC_BASE_URL,
        turnWaitMs: options.turnWaitMs ?? 15_000,
        isClosing: () => closing,
      });
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
