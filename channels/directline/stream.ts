/**
 * The Direct Line WebSocket stream (the `streamUrl`), on the shared HTTP server through `ws`:
 * authorised by the `t` token in the URL, it first sends the backlog after the URL's watermark, then
 * every new activity of the conversation as `{activities:[…], watermark}` text frames (typing without
 * a watermark). Every ~15 s each socket gets an empty frame and a ping; one that did not answer the
 * previous ping is dropped, as is one that stops reading. Frames from clients (their pings) are ignored.
 */
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../../src/log';
import type { DirectLineActivity, DirectLineStore } from './store';
import { bearerOf, isConversationId, type TokenService } from './tokens';

const STREAM_PATTERN = /^\/v3\/directline\/conversations\/([^/?]+)\/stream$/;

export const streamPath = (conversationId: string) =>
  `/v3/directline/conversations/${encodeURIComponent(conversationId)}/stream`;

export interface StreamOptions {
  keepAliveMs?: number;
  maxSocketsPerConversation?: number;
  /** A socket with more unsent bytes than this is too slow and gets dropped. */
  maxBufferedBytes?: number;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function refuse(socket: Duplex, refusal: Refusal): void {
  const body = JSON.stringify({ error: { code: refusal.code, message: refusal.message } });
  socket.end(
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? ''}\r\n` +
      'Connection: close\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export class DirectLineStream {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    perMessageDeflate: false,
  });
  private readonly byConversation = new Map<string, Set<WebSocket>>();
  private readonly alive = new WeakMap<WebSocket, boolean>();
  private readonly keepAlive: NodeJS.Timeout;
  private readonly maxSockets: number;
  private readonly maxBuffered: number;
  private closing = false;

  constructor(
    private readonly store: DirectLineStore,
    private readonly tokens: TokenService,
    private readonly log: Logger,
    options: StreamOptions = {},
    /** Settles once tokens can be verified (the shared key is loaded from PostgreSQL). */
    private readonly ready: Promise<void> = Promise.resolve(),
  ) {
    this.maxSockets = options.maxSocketsPerConversation ?? 8;
    this.maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
    this.keepAlive = setInterval(() => this.beat(), options.keepAliveMs ?? 15_000);
    this.keepAlive.unref();
  }

  get openSockets(): number {
    return this.wss.clients.size;
  }

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const match = STREAM_PATTERN.exec((req.url ?? '').split('?')[0] ?? '');
      if (!match) return; // another channel's upgrade
      socket.on('error', () => socket.destroy());
      this.accept(req, socket, head, match[1] ?? '').catch((error: unknown) => {
        if (error instanceof Refusal) refuse(socket, error);
        else {
          this.log.error('directline stream upgrade failed', { error });
          refuse(socket, new Refusal(500, 'InternalError', 'internal error'));
        }
      });
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.keepAlive);
    const clients = [...this.wss.clients];
    for (const ws of clients) ws.close(1001, 'server shutting down');
    const closed = Promise.all(
      clients
        .filter((ws) => ws.readyState !== WebSocket.CLOSED)
        .map((ws) => new Promise((resolve) => ws.once('close', resolve))),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, 1000)))]);
    clearTimeout(timer);
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private async accept(req: IncomingMessage, socket: Duplex, head: Buffer, rawId: string): Promise<void> {
    if (this.closing) throw new Refusal(503, 'ServiceUnavailable', 'the server is shutting down');
    await this.ready;
    let conversationId: string;
    try {
      conversationId = decodeURIComponent(rawId);
    } catch {
      throw new Refusal(404, 'NotFound', 'unknown conversation');
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const credential = this.tokens.authenticate(
      url.searchParams.get('t') ?? bearerOf(req.headers.authorization),
    );
    if (credential === 'missing' || credential === 'invalid')
      throw new Refusal(401, 'Unauthorized', 'a valid stream token is required');
    if (credential === 'expired') throw new Refusal(403, 'TokenExpired', 'token expired');
    if (credential.kind === 'token' && credential.claims.conv !== conversationId)
      throw new Refusal(403, 'Forbidden', 'the token is for another conversation');
    const rawWatermark = url.searchParams.get('watermark');
    if (rawWatermark && !/^\d{1,15}$/.test(rawWatermark))
      throw new Refusal(400, 'BadArgument', 'watermark must be a non-negative integer');
    const watermark = rawWatermark ? Number(rawWatermark) : undefined;
    if (!isConversationId(conversationId) || !(await this.store.get(conversationId)))
      throw new Refusal(404, 'NotFound', 'unknown conversation');
    if (socket.destroyed) return;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.serve(ws, conversationId, watermark).catch((error: unknown) => {
        this.log.error('directline stream failed', { conversation: conversationId, error });
        ws.terminate();
      });
    });
  }

  private async serve(ws: WebSocket, conversationId: string, watermark: number | undefined): Promise<void> {
    this.alive.set(ws, true);
    this.register(ws, conversationId);
    let sentUpTo = watermark ?? 0;
    let pending: [DirectLineActivity, number | undefined][] | undefined = [];
    const send = (activities: DirectLineActivity[], mark: number | undefined) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (ws.bufferedAmount > this.maxBuffered) {
        this.log.warn('directline stream too slow, dropped', { conversation: conversationId });
        ws.terminate();
        return;
      }
      ws.send(JSON.stringify(mark === undefined ? { activities } : { activities, watermark: String(mark) }));
    };
    const deliver = (activity: DirectLineActivity, mark: number | undefined) => {
      if (mark === undefined) send([activity], undefined);
      else if (mark > sentUpTo) {
        sentUpTo = mark;
        send([activity], mark);
      }
    };
    // Listen first and hold what arrives while the backlog is read, so nothing falls in between.
    const unsubscribe = this.store.subscribe(conversationId, {
      activity: (activity, mark) => (pending ? pending.push([activity, mark]) : deliver(activity, mark)),
      ended: () => ws.close(1000, 'conversation ended'),
    });
    ws.on('close', () => {
      unsubscribe();
      this.unregister(ws, conversationId);
    });
    ws.on('pong', () => this.alive.set(ws, true));
    ws.on('message', () => this.alive.set(ws, true));
    ws.on('error', (error) =>
      this.log.debug('directline stream error', { conversation: conversationId, error }),
    );
    this.log.debug('directline stream open', { conversation: conversationId, watermark });

    const backlog = await this.store.since(conversationId, watermark);
    if (!backlog) {
      ws.close(1000, 'conversation ended');
      return;
    }
    if (backlog.activities.length > 0) send(backlog.activities, backlog.watermark);
    sentUpTo = backlog.watermark;
    const held = pending;
    pending = undefined;
    for (const [activity, mark] of held) deliver(activity, mark);
  }

  private register(ws: WebSocket, conversationId: string): void {
    let set = this.byConversation.get(conversationId);
    if (!set) this.byConversation.set(conversationId, (set = new Set()));
    if (set.size >= this.maxSockets) {
      const oldest = set.values().next().value;
      oldest?.close(1008, 'too many streams for this conversation');
    }
    set.add(ws);
  }

  private unregister(ws: WebSocket, conversationId: string): void {
    const set = this.byConversation.get(conversationId);
    set?.delete(ws);
    if (set?.size === 0) this.byConversation.delete(conversationId);
  }

  private beat(): void {
    for (const ws of this.wss.clients) {
      if (this.alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      this.alive.set(ws, false);
      if (ws.readyState !== WebSocket.OPEN) continue;
      ws.ping();
      ws.send('');
    }
  }
}
