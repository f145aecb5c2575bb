/**
 * The Direct Line 3.0 REST surface under /v3/directline: tokens (generate, refresh), conversations
 * (start or resume, reconnect with a fresh streamUrl), activities (post: echo with the server's id,
 * then the bot's turn; get: by watermark). Authorization is the deployment's secret or a conversation
 * token; errors use Direct Line's `{error:{code,message}}` shape (errors.ts).
 */
import { randomUUID } from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { BODY_LIMIT } from '../../src/server/app';
import type { Logger } from '../../src/log';
import { clientFields, postedActivitySchema } from './activity-schema';
import { directLineCors } from './cors';
import { DirectLineError, directLineErrors } from './errors';
import type { DirectLineStore, NewActivity } from './store';
import { streamPath } from './stream';
import {
  bearerOf,
  isConversationId,
  newConversationId,
  tokenUserId,
  type Credential,
  type TokenService,
} from './tokens';
import { BOT_ACCOUNT, type ConversationTurns } from './turns';

export const BASE_PATH = '/v3/directline';

export interface RouteParts {
  tokens: TokenService;
  store: DirectLineStore;
  turns: ConversationTurns;
  log: Logger;
  /** PUBLIC_BASE_URL: the origin (and path prefix) clients reach the server at, for streamUrl. */
  publicBaseUrl: string | undefined;
  /** How long a POST waits for the bot's turn before answering anyway. */
  turnWaitMs: number;
  isClosing(): boolean;
}

const startSchema = z
  .looseObject({
    user: z
      .looseObject({ id: z.string().max(256).optional(), name: z.string().max(256).optional() })
      .optional(),
    locale: z.string().max(32).optional(),
  })
  .optional();

const activityJson = express.json({ limit: BODY_LIMIT });
const smallJson = express.json({ limit: '4kb' });

/** Runs a body parser inside a handler, so authorization is checked before the body is read. */
function parseBody(parser: express.RequestHandler, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    void parser(req, res, (err?: unknown) =>
      err ? reject(err instanceof Error ? err : new Error('invalid body')) : resolve(),
    );
  });
}

/** Waits for `work` at most `ms`; true when it finished in time. */
async function settledWithin(work: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function watermarkOf(value: unknown): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  throw new DirectLineError(400, 'BadArgument', 'watermark must be a non-negative integer');
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid activity';
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}

export function directLineRouter(parts: RouteParts): Router {
  const { tokens, store, turns, log } = parts;
  const router = Router();

  const authorize = (req: Request, conversationId?: string): Credential => {
    const credential = tokens.authenticate(bearerOf(req.get('authorization')));
    if (credential === 'missing')
      throw new DirectLineError(401, 'Unauthorized', 'an Authorization: Bearer token is required');
    if (credential === 'invalid') throw new DirectLineError(401, 'Unauthorized', 'invalid token');
    if (credential === 'expired') throw new DirectLineError(403, 'TokenExpired', 'token expired');
    if (credential.kind === 'token') {
      if (credential.claims.scope !== 'conversation')
        throw new DirectLineError(401, 'Unauthorized', 'invalid token');
      if (conversationId !== undefined && credential.claims.conv !== conversationId)
        throw new DirectLineError(403, 'Forbidden', 'the token is for another conversation');
    }
    return credential;
  };

  const conversationOf = async (req: Request) => {
    const id = String(req.params.id);
    const credential = authorize(req, id);
    const info = isConversationId(id) ? await store.get(id) : undefined;
    if (!info) throw new DirectLineError(404, 'NotFound', 'unknown conversation');
    return { id, info, credential };
  };

  const streamBase = (req: Request): string => {
    if (parts.publicBaseUrl) {
      const url = new URL(parts.publicBaseUrl);
      const scheme = url.protocol === 'https:' ? 'wss:' : 'ws:';
      return `${scheme}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
    }
    const host = req.host ?? '';
    if (!/^[A-Za-z0-9.\-[\]:]{1,255}$/.test(host))
      throw new DirectLineError(400, 'BadArgument', 'bad Host header');
    return `${req.protocol === 'https' ? 'wss' : 'ws'}://${host}`;
  };

  const streamUrl = (req: Request, conversationId: string, userId: string, watermark?: number) => {
    const { token } = tokens.issue(conversationId, userId, 'stream');
    const query = new URLSearchParams({ t: token });
    if (watermark !== undefined) query.set('watermark', String(watermark));
    return `${streamBase(req)}${streamPath(conversationId)}?${query.toString()}`;
  };

  /** The token to hand back: the caller's own, or a new one when the caller used the secret. */
  const tokenFor = (credential: Credential, conversationId: string, userId: string) =>
    credential.kind === 'token'
      ? { token: credential.token, expiresIn: tokens.remaining(credential.claims) }
      : tokens.issue(conversationId, userId);

  router.use(BASE_PATH, directLineCors(), (_req, _res, next) => {
    if (parts.isClosing())
      throw new DirectLineError(503, 'ServiceUnavailable', 'the server is shutting down');
    next();
  });

  router.post(`${BASE_PATH}/tokens/generate`, async (req, res) => {
    // The citizen page is public: anyone may get a token for a new conversation. A caller that sends
    // credentials must send the secret (a server-side embedder).
    if (req.get('authorization') !== undefined && authorize(req).kind !== 'secret')
      throw new DirectLineError(401, 'Unauthorized', 'tokens/generate takes the secret; use tokens/refresh');
    await parseBody(smallJson, req, res);
    const body = startSchema.safeParse(req.body);
    if (!body.success) throw new DirectLineError(400, 'BadArgument', firstIssue(body.error));
    const conversationId = newConversationId();
    const { token, expiresIn } = tokens.issue(conversationId, tokenUserId(body.data?.user?.id));
    res.json({ conversationId, token, expires_in: expiresIn });
  });

  router.post(`${BASE_PATH}/tokens/refresh`, async (req, res) => {
    const credential = authorize(req);
    if (credential.kind !== 'token') throw new DirectLineError(400, 'BadArgument', 'refresh takes a token');
    const { conv, user } = credential.claims;
    const { token, expiresIn } = tokens.issue(conv, user);
    res.json({ conversationId: conv, token, expires_in: expiresIn });
  });

  router.post(`${BASE_PATH}/conversations`, async (req, res) => {
    const credential = authorize(req);
    await parseBody(smallJson, req, res);
    const body = startSchema.safeParse(req.body);
    if (!body.success) throw new DirectLineError(400, 'BadArgument', firstIssue(body.error));
    const conversationId = credential.kind === 'token' ? credential.claims.conv : newConversationId();
    const userId = credential.kind === 'token' ? credential.claims.user : tokenUserId(body.data?.user?.id);
    const created = await store.open(conversationId, userId);
    if (created) {
      log.info('directline conversation started', { conversation: conversationId });
      await settledWithin(turns.started(conversationId, userId, body.data?.locale), parts.turnWaitMs);
    }
    const { token, expiresIn } = tokenFor(credential, conversationId, userId);
    res.status(created ? 201 : 200).json({
      conversationId,
      token,
      expires_in: expiresIn,
      streamUrl: streamUrl(req, conversationId, userId),
    });
  });

  router.get(`${BASE_PATH}/conversations/:id`, async (req, res) => {
    const { id, info, credential } = await conversationOf(req);
    const watermark = watermarkOf(req.query.watermark);
    const { token, expiresIn } = tokenFor(credential, id, info.userId);
    res.json({
      conversationId: id,
      token,
      expires_in: expiresIn,
      streamUrl: streamUrl(req, id, info.userId, watermark),
    });
  });

  router.post(`${BASE_PATH}/conversations/:id/activities`, async (req, res) => {
    const { id, info, credential } = await conversationOf(req);
    await parseBody(activityJson, req, res);
    const parsed = postedActivitySchema.safeParse(req.body);
    if (!parsed.success) throw new DirectLineError(400, 'BadArgument', firstIssue(parsed.error));
    const posted = parsed.data;
    const userId = credential.kind === 'token' ? credential.claims.user : (posted.from?.id ?? info.userId);
    const activity: NewActivity = {
      ...clientFields(posted),
      type: posted.type,
      channelId: 'directline',
      conversation: { id },
      from: { id: userId, name: posted.from?.name, role: 'user' },
      recipient: { ...BOT_ACCOUNT },
      timestamp: new Date().toISOString(),
    };
    if (posted.type === 'typing') {
      const typingId = `${id}|typing-${randomUUID()}`;
      await store.publish(id, { ...activity, id: typingId });
      res.json({ id: typingId });
      return;
    }
    const appended = await store.append(id, activity);
    if (!appended) throw new DirectLineError(404, 'NotFound', 'unknown conversation');
    await settledWithin(turns.received(id, appended.activity), parts.turnWaitMs);
    res.json({ id: appended.activity.id });
  });

  router.get(`${BASE_PATH}/conversations/:id/activities`, async (req, res) => {
    const { id } = await conversationOf(req);
    const page = await store.since(id, watermarkOf(req.query.watermark));
    if (!page) throw new DirectLineError(404, 'NotFound', 'unknown conversation');
    res.json({ activities: page.activities, watermark: String(page.watermark) });
  });

  router.post(`${BASE_PATH}/conversations/:id/upload`, async (req) => {
    await conversationOf(req);
    throw new DirectLineError(
      501,
      'NotImplemented',
      'attachments are not supported; please type your question',
    );
  });

  router.use(BASE_PATH, directLineErrors());
  return router;
}
