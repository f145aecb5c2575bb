/**
 * The Zalo Official Account channel ('zalo'): Zalo's webhook at POST /webhooks/zalo, answers sent
 * back as consultation messages through the OA API. On when ZALO_APP_ID, ZALO_OA_SECRET_KEY and
 * ZALO_ACCESS_TOKEN are set (ZALO_REFRESH_TOKEN and ZALO_APP_SECRET let it renew the token);
 * otherwise its path answers 503. See README.md beside this file.
 */
import type { Activity } from 'botbuilder';
import { Router } from 'express';
import { offRouter, type ChannelDeps, type ChannelModule, type MountedChannel } from '../channel';
import { AccessTokens, errorText } from './access-token';
import { ZaloBroadcaster } from './broadcast';
import { conversationHandler } from './conversation';
import { renderReply } from './render';
import { RecentKeys } from './recent-keys';
import { DEFAULT_RETRY, ZaloMessenger, type RetryPolicy } from './send-message';
import { MemoryZaloTokenStore, type ZaloTokenStore } from './tokens';
import { WEBHOOK_PATH, webhookRouter } from './webhook';
import { WorkQueue } from './work-queue';

export { MemoryZaloTokenStore, type ZaloTokens, type ZaloTokenStore } from './tokens';
export { zaloSignature } from './signature';
export { WEBHOOK_PATH } from './webhook';

const REQUIRED = ['ZALO_APP_ID', 'ZALO_OA_SECRET_KEY', 'ZALO_ACCESS_TOKEN'] as const;

export interface ZaloChannel extends MountedChannel {
  /** Resolves once every acknowledged event has been handled (its replies sent or given up). */
  idle(): Promise<void>;
  /** The token store in use (undefined when the channel is off). */
  tokens: ZaloTokenStore | undefined;
}

export interface ZaloOptions {
  tokens?: ZaloTokenStore;
  retry?: Partial<RetryPolicy>;
  /** Timeout of each call to Zalo. */
  requestTimeoutMs?: number;
  /** Events acknowledged and not yet handled, beyond which deliveries get 503 (Zalo retries). */
  maxPending?: number;
  /** Events handled at once (default 8): the rest wait, so acknowledgements stay fast under load. */
  concurrency?: number;
  dedupe?: { max?: number; ttlMs?: number };
}

/** Zalo shows every OA message alike: an officer's reply says who speaks. */
const OFFICER_PREFIX = 'Cán bộ tư pháp: ';

export function createZaloChannel(deps: ChannelDeps, options: ZaloOptions = {}): ZaloChannel {
  const { config, log } = deps;
  const missing = REQUIRED.filter((name) => !config[name]);
  const appId = config.ZALO_APP_ID;
  const oaSecretKey = config.ZALO_OA_SECRET_KEY;
  const accessToken = config.ZALO_ACCESS_TOKEN;
  if (missing.length > 0 || !appId || !oaSecretKey || !accessToken) {
    const reason = `${missing.join(', ')} not set`;
    const router = Router();
    router.use(WEBHOOK_PATH, offRouter(Router(), 'zalo', reason));
    return { router, off: reason, idle: () => Promise.resolve(), tokens: undefined };
  }

  const store =
    options.tokens ?? new MemoryZaloTokenStore({ accessToken, refreshToken: config.ZALO_REFRESH_TOKEN });
  if (!config.ZALO_REFRESH_TOKEN || !config.ZALO_APP_SECRET)
    log.warn(
      'zalo: ZALO_REFRESH_TOKEN or ZALO_APP_SECRET is not set, an expired access token cannot be renewed',
    );
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const tokens = new AccessTokens({
    oauthBase: config.ZALO_OAUTH_BASE,
    appId,
    appSecret: config.ZALO_APP_SECRET,
    store,
    log,
    timeoutMs,
  });
  const messenger = new ZaloMessenger({
    apiBase: config.ZALO_API_BASE,
    tokens,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    timeoutMs,
    log,
  });
  const queue = new WorkQueue({
    capacity: options.maxPending ?? 10_000,
    concurrency: options.concurrency ?? 8,
    onError: (error) => {
      log.error('zalo event handling failed', { reason: errorText(error) });
    },
  });
  // Officers' replies (and the CSAT question after a handoff) reach Zalo citizens through the OA API.
  // The registry hands over the conversation id without its 'zalo:' prefix: the user's OA-scoped id.
  deps.outbound?.registerSender('zalo', async (userId, text, options) => {
    const actions = (options.choices ?? []).map((c) => ({ type: 'imBack', title: c, value: c }));
    const activity: Partial<Activity> = {
      type: 'message',
      text: options.speaker === 'officer' ? `${OFFICER_PREFIX}${text}` : text,
      ...(actions.length > 0 && { suggestedActions: { actions, to: [userId] } }),
    };
    for (const message of renderReply(activity)) await messenger.send(userId, message);
  });
  // Editors' bulletins to the OA's followers, as promotion messages (broadcast.ts, src/bulletins).
  deps.outbound?.registerBroadcaster(
    'zalo',
    new ZaloBroadcaster({
      apiBase: config.ZALO_API_BASE,
      tokens,
      retry: { ...DEFAULT_RETRY, ...options.retry },
      timeoutMs,
      log,
    }),
  );
  let closing = false;
  const router = webhookRouter({
    appId,
    oaSecretKey,
    log,
    seen: new RecentKeys(options.dedupe?.max, options.dedupe?.ttlMs),
    queue,
    handle: conversationHandler(deps, messenger),
    closing: () => closing,
  });
  return {
    router,
    tokens: store,
    idle: () => queue.idle(),
    async close() {
      closing = true;
      await queue.idle();
    },
  };
}

export const zaloChannel: ChannelModule = {
  name: 'zalo',
  create: (deps) => createZaloChannel(deps),
};
