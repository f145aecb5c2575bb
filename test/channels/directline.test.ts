/**
 * The Direct Line 3.0 channel driven the way botframework-directlinejs (inside Web Chat) drives it:
 * REST with Bearer tokens, the WebSocket streamUrl, watermarks, echo of the user's activity with
 * channelData.clientActivityID, and the error statuses it reacts to.
 */
import { once } from 'node:events';
import { WebSocket } from 'ws';
import { createDirectLineChannel, directLineChannel } from '../../channels/directline';
import { MemoryDirectLineStore } from '../../channels/directline/memory-store';
import { TokenService } from '../../channels/directline/tokens';
import type { RunningServer } from '../../src/server/start-server';
import { startTestServer } from '../support/test-server';

const SECRET = 'test-directline-secret-0123456789';

let running: RunningServer;
let base: string;

beforeAll(async () => {
  running = await startTestServer({}, { channels: [directLineChannel] });
  base = `${running.url}/v3/directline`;
});
afterAll(async () => {
  await running.close();
});

/** Parsed JSON, as untyped as JSON.parse gives it. */
type Json = ReturnType<typeof JSON.parse>;

async function call(
  method: string,
  path: string,
  token?: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      'x-ms-bot-agent': 'DirectLine/3.0 (directlinejs 0.15.5)',
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {}, headers: res.headers };
}

async function startConversation() {
  const generated = await call('POST', '/tokens/generate');
  const started = await call('POST', '/conversations', generated.body.token, {});
  return { token: generated.body.token as string, ...started.body } as {
    token: string;
    conversationId: string;
    streamUrl: string;
  };
}

const message = (text: string, clientActivityID: string) => ({
  type: 'message',
  text,
  from: { id: 'r_webchat', name: '', role: 'user' },
  locale: 'vi-VN',
  channelId: 'webchat',
  channelData: { clientActivityID },
  entities: [{ type: 'ClientCapabilities', requiresBotState: true }],
});

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());

interface Stream {
  ws: WebSocket;
  frames: Json[];
  raw: string[];
  pings: number;
  activities(): Json[];
  until(predicate: () => boolean, ms?: number): Promise<void>;
}

async function openStream(url: string): Promise<Stream> {
  const ws = new WebSocket(url);
  const stream: Stream = {
    ws,
    frames: [],
    raw: [],
    pings: 0,
    activities: () => stream.frames.flatMap((f) => f.activities as Json[]),
    until: async (predicate, ms = 5000) => {
      const deadline = Date.now() + ms;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`timed out; frames: ${JSON.stringify(stream.frames)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
  ws.on('message', (data: Buffer) => {
    const text = data.toString();
    stream.raw.push(text);
    if (text) stream.frames.push(JSON.parse(text));
  });
  ws.on('ping', () => stream.pings++);
  await once(ws, 'open');
  return stream;
}

async function upgradeStatus(url: string): Promise<number> {
  const ws = new WebSocket(url);
  return new Promise((resolve, reject) => {
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => reject(new Error('the stream opened')));
    ws.on('error', () => undefined);
  });
}

describe('Direct Line tokens', () => {
  it('generates a signed token for a new conversation without credentials (public page)', async () => {
    const res = await call('POST', '/tokens/generate');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      conversationId: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      token: expect.any(String),
      expires_in: 1800,
    });
    const claims = claimsOf(res.body.token);
    // Web Chat reads the `user` claim as its user ID, so replies addressed to the user show their buttons.
    expect(claims).toMatchObject({ conv: res.body.conversationId, user: expect.stringMatching(/^dl_/) });
  });

  it('refreshes a token for the same conversation and user', async () => {
    const { body } = await call('POST', '/tokens/generate');
    const refreshed = await call('POST', '/tokens/refresh', body.token);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({ conversationId: body.conversationId, expires_in: 1800 });
    expect(refreshed.body.token).not.toBe(body.token);
    expect(claimsOf(refreshed.body.token).user).toBe(claimsOf(body.token).user);
    expect((await call('POST', '/tokens/refresh')).status).toBe(401);
    expect((await call('POST', '/tokens/refresh', 'not.a.token')).status).toBe(401);
  });

  it('refuses tampered tokens and says when one has expired', () => {
    let now = Date.now();
    const tokens = new TokenService(undefined, () => now);
    const { token } = tokens.issue('conversation-1', 'dl_user');
    expect(tokens.authenticate(token)).toMatchObject({ kind: 'token', claims: { conv: 'conversation-1' } });
    const [h, p, s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...claimsOf(token), conv: 'conversation-2' })).toString(
      'base64url',
    );
    expect(tokens.authenticate(`${h}.${forged}.${s}`)).toBe('invalid');
    expect(tokens.authenticate(`${h}.${p}.${s!.slice(0, -2)}xx`)).toBe('invalid');
    expect(new TokenService(undefined).authenticate(token)).toBe('invalid'); // another process's key
    now += 1801 * 1000;
    expect(tokens.authenticate(token)).toBe('expired');
  });
});

describe('Direct Line conversations over REST', () => {
  it("starts the token's conversation (201), resumes it (200) and shows the bot's welcome", async () => {
    const { body: generated } = await call('POST', '/tokens/generate');
    const started = await call('POST', '/conversations', generated.token, { locale: 'vi-VN' });
    expect(started.status).toBe(201);
    expect(started.body).toEqual({
      conversationId: generated.conversationId,
      token: generated.token,
      expires_in: expect.any(Number),
      streamUrl: expect.stringMatching(
        new RegExp(
          `^ws://127\\.0\\.0\\.1:\\d+/v3/directline/conversations/${generated.conversationId}/stream\\?t=`,
        ),
      ),
    });
    const again = await call('POST', '/conversations', generated.token);
    expect(again.status).toBe(200);
    expect(again.body.conversationId).toBe(generated.conversationId);

    const history = await call(
      'GET',
      `/conversations/${generated.conversationId}/activities`,
      generated.token,
    );
    expect(history.status).toBe(200);
    expect(history.body.watermark).toBe('1');
    expect(history.body.activities).toHaveLength(1);
    const welcome = history.body.activities[0];
    expect(welcome).toMatchObject({
      id: `${generated.conversationId}|0000001`,
      type: 'message',
      from: { role: 'bot' },
      text: expect.stringContaining('Xin chào'),
      timestamp: expect.stringMatching(/Z$/),
      suggestedActions: { to: [claimsOf(generated.token).user] },
    });
    expect(welcome.replyToId).toBeUndefined(); // the conversationUpdate is never shown to clients
  });

  it('echoes the posted activity with a server id and its clientActivityID, then the reply by watermark', async () => {
    const { token, conversationId } = await startConversation();
    const posted = await call(
      'POST',
      `/conversations/${conversationId}/activities`,
      token,
      message('làm giấy khai sinh cần giấy tờ gì', 'client-1'),
    );
    expect(posted.status).toBe(200);
    expect(posted.body).toEqual({ id: `${conversationId}|0000002` });

    const after = await call('GET', `/conversations/${conversationId}/activities?watermark=1`, token);
    expect(after.body.watermark).toBe('3');
    const [echo, reply] = after.body.activities;
    expect(echo).toMatchObject({
      id: posted.body.id,
      type: 'message',
      text: 'làm giấy khai sinh cần giấy tờ gì',
      channelData: { clientActivityID: 'client-1' },
      from: { id: claimsOf(token).user, role: 'user' },
      conversation: { id: conversationId },
      channelId: 'directline',
      timestamp: expect.stringMatching(/Z$/),
    });
    expect(reply).toMatchObject({
      id: `${conversationId}|0000003`,
      type: 'message',
      replyToId: posted.body.id,
      textFormat: 'markdown',
      text: expect.stringContaining('Đăng ký khai sinh'),
      from: { role: 'bot', name: 'Trợ lý Tư pháp' },
      channelData: { trolytuphap: { procedure: 'ho-tich/khai-sinh', decision: 'answer' } },
    });
    const buttons = (reply.suggestedActions.actions as Json[]).map((a) => a.title);
    expect(buttons).toEqual(expect.arrayContaining(['Lệ phí', 'Gặp cán bộ']));

    await call('POST', `/conversations/${conversationId}/activities`, token, message('Lệ phí', 'client-2'));
    const fee = await call('GET', `/conversations/${conversationId}/activities?watermark=3`, token);
    expect(fee.body.activities.map((a: Json) => a.from.role)).toEqual(['user', 'bot']);
    expect(fee.body.activities[1].channelData.trolytuphap).toMatchObject({
      procedure: 'ho-tich/khai-sinh',
      facet: 'fee',
    });
    expect(fee.body.watermark).toBe('5');
    const none = await call('GET', `/conversations/${conversationId}/activities?watermark=5`, token);
    expect(none.body).toEqual({ activities: [], watermark: '5' });
  });

  it('reconnects: GET /conversations/:id gives a fresh streamUrl carrying the watermark', async () => {
    const { token, conversationId, streamUrl } = await startConversation();
    const res = await call('GET', `/conversations/${conversationId}?watermark=1`, token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ conversationId, token, expires_in: expect.any(Number) });
    expect(res.body.streamUrl).toMatch(/[?&]watermark=1(&|$)/);
    expect(res.body.streamUrl).not.toBe(streamUrl);
  });
});

describe('Direct Line WebSocket stream', () => {
  it('sends the backlog on connect, then the echo and the bot reply as they happen', async () => {
    const { token, conversationId, streamUrl } = await startConversation();
    const stream = await openStream(streamUrl);
    try {
      await stream.until(() => stream.frames.length >= 1);
      expect(stream.frames[0]).toMatchObject({ watermark: '1', activities: [{ from: { role: 'bot' } }] });

      const posted = await call(
        'POST',
        `/conversations/${conversationId}/activities`,
        token,
        message('làm giấy khai sinh cần giấy tờ gì', 'client-ws'),
      );
      await stream.until(() => stream.activities().length >= 3);
      const [, echo, reply] = stream.frames;
      expect(echo).toEqual({ watermark: '2', activities: [expect.objectContaining({ id: posted.body.id })] });
      expect(echo!.activities[0].channelData.clientActivityID).toBe('client-ws');
      expect(reply).toMatchObject({
        watermark: '3',
        activities: [{ replyToId: posted.body.id, text: expect.stringContaining('Đăng ký khai sinh') }],
      });
    } finally {
      stream.ws.close();
    }
  });

  it('delivers typing over the stream only, never stored', async () => {
    const { token, conversationId, streamUrl } = await startConversation();
    const stream = await openStream(streamUrl);
    try {
      const typing = await call('POST', `/conversations/${conversationId}/activities`, token, {
        type: 'typing',
        from: { id: 'u' },
      });
      expect(typing.status).toBe(200);
      await stream.until(() => stream.activities().some((a) => a.type === 'typing'));
      expect(stream.frames.find((f) => f.activities[0].type === 'typing')!.watermark).toBeUndefined();
      const history = await call('GET', `/conversations/${conversationId}/activities`, token);
      expect(history.body.activities.map((a: Json) => a.type)).toEqual(['message']);
    } finally {
      stream.ws.close();
    }
  });

  it('replays only what came after the watermark when reconnecting', async () => {
    const { token, conversationId } = await startConversation();
    await call('POST', `/conversations/${conversationId}/activities`, token, message('Lệ phí', 'c-a'));
    await call('POST', `/conversations/${conversationId}/activities`, token, message('Thời gian', 'c-b'));
    const { body } = await call('GET', `/conversations/${conversationId}?watermark=3`, token);
    const stream = await openStream(body.streamUrl);
    try {
      await stream.until(() => stream.frames.length >= 1);
      expect(stream.frames[0]!.watermark).toBe('5');
      expect(stream.frames[0]!.activities.map((a: Json) => a.id)).toEqual([
        `${conversationId}|0000004`,
        `${conversationId}|0000005`,
      ]);
      expect(stream.frames[0]!.activities[0].channelData.clientActivityID).toBe('c-b');
    } finally {
      stream.ws.close();
    }
  });

  it('refuses a stream without a valid token for that conversation', async () => {
    const a = await startConversation();
    const b = await startConversation();
    const url = new URL(a.streamUrl);
    url.searchParams.delete('t');
    expect(await upgradeStatus(url.href)).toBe(401);
    url.searchParams.set('t', 'garbage');
    expect(await upgradeStatus(url.href)).toBe(401);
    url.searchParams.set('t', new URL(b.streamUrl).searchParams.get('t')!);
    expect(await upgradeStatus(url.href)).toBe(403);
  });

  it('keeps sockets alive with empty frames and pings, and closes them on shutdown', async () => {
    const server = await startTestServer({}, { channels: [createDirectLineChannel({ keepAliveMs: 50 })] });
    try {
      const generated = await fetch(`${server.url}/v3/directline/tokens/generate`, { method: 'POST' });
      const { token } = (await generated.json()) as Json;
      const started = await fetch(`${server.url}/v3/directline/conversations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      const stream = await openStream(((await started.json()) as Json).streamUrl);
      await stream.until(() => stream.raw.filter((f) => f === '').length >= 2 && stream.pings >= 2);
      const closed = once(stream.ws, 'close');
      await server.close();
      const [code] = await closed;
      expect(code).toBe(1001);
    } finally {
      await server.close();
    }
  });
});

describe('Direct Line errors and CORS', () => {
  it('answers 401 without or with a bad token, 403 for another conversation, 404 for an unknown one', async () => {
    const a = await startConversation();
    const b = await startConversation();
    const path = `/conversations/${a.conversationId}/activities`;
    const missing = await call('GET', path);
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ error: { code: 'Unauthorized', message: expect.any(String) } });
    expect((await call('GET', path, `${a.token}x`)).status).toBe(401);
    expect((await call('POST', path, undefined, message('hi', 'x'))).status).toBe(401);
    const other = await call('GET', path, b.token);
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('Forbidden');
    expect((await call('POST', path, b.token, message('hi', 'x'))).status).toBe(403);

    const notStarted = (await call('POST', '/tokens/generate')).body;
    const unknown = await call(
      'GET',
      `/conversations/${notStarted.conversationId}/activities`,
      notStarted.token,
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NotFound');
    expect((await call('GET', `/conversations/${notStarted.conversationId}`, notStarted.token)).status).toBe(
      404,
    );
  });

  it('answers 400 for invalid activities and JSON, 413 for oversize bodies, never a stack trace', async () => {
    const { token, conversationId } = await startConversation();
    const path = `/conversations/${conversationId}/activities`;
    const bad = [
      { type: 'bogus' },
      { type: 'message', text: 42 },
      { type: 'event' },
      { type: 'message', text: 'x'.repeat(10_001) },
      [1, 2],
    ];
    for (const body of bad) {
      const res = await call('POST', path, token, body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('BadArgument');
    }
    const invalidJson = await call('POST', path, token, '{"type":');
    expect(invalidJson.status).toBe(400);
    expect(invalidJson.body).toEqual({ error: { code: 'BadArgument', message: 'invalid JSON' } });
    const huge = await call('POST', path, token, { type: 'message', text: 'a', value: 'x'.repeat(100_000) });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('MessageSizeTooBig');
    expect((await call('GET', `${path}?watermark=abc`, token)).status).toBe(400);
    const history = await call('GET', path, token);
    expect(history.body.activities).toHaveLength(1); // only the welcome: nothing invalid was stored
    for (const res of [invalidJson, huge]) expect(JSON.stringify(res.body)).not.toMatch(/\bat \w|\.ts:\d/);
  });

  it('answers the CORS preflight Web Chat sends, with x-ms-bot-agent allowed', async () => {
    const res = await fetch(`${base}/conversations`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://embedder.example.vn',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,x-ms-bot-agent',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const allowed = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/\s*,\s*/);
    expect(allowed).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'x-ms-bot-agent', 'x-requested-with']),
    );
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    const actual = await call('POST', '/tokens/generate', undefined, undefined, {
      origin: 'https://x.example',
    });
    expect(actual.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('Direct Line with DIRECTLINE_SECRET', () => {
  it('accepts the secret as a Bearer credential and refuses other credentials on tokens/generate', async () => {
    const server = await startTestServer({ DIRECTLINE_SECRET: SECRET }, { channels: [directLineChannel] });
    try {
      const url = `${server.url}/v3/directline`;
      const secretHeaders = { authorization: `Bearer ${SECRET}` };
      const started = await fetch(`${url}/conversations`, { method: 'POST', headers: secretHeaders });
      expect(started.status).toBe(201);
      const conv = (await started.json()) as Json;
      expect(claimsOf(conv.token).conv).toBe(conv.conversationId);
      const history = await fetch(`${url}/conversations/${conv.conversationId}/activities`, {
        headers: secretHeaders,
      });
      expect(history.status).toBe(200);
      const wrong = await fetch(`${url}/tokens/generate`, {
        method: 'POST',
        headers: { authorization: 'Bearer not-the-secret' },
      });
      expect(wrong.status).toBe(401);
      expect((await fetch(`${url}/tokens/generate`, { method: 'POST', headers: secretHeaders })).status).toBe(
        200,
      );
      // Tokens signed with the secret's key are valid in every process that has the secret.
      expect(new TokenService(SECRET).authenticate(conv.token)).toMatchObject({ kind: 'token' });
      // A token that expired (minted here with the same key, an hour ago) is refused with TokenExpired.
      const expired = new TokenService(SECRET, () => Date.now() - 3600_000).issue(
        conv.conversationId,
        'dl_u',
      );
      const refresh = await fetch(`${url}/tokens/refresh`, {
        method: 'POST',
        headers: { authorization: `Bearer ${expired.token}` },
      });
      expect(refresh.status).toBe(403);
      expect(await refresh.json()).toEqual({ error: { code: 'TokenExpired', message: 'token expired' } });
    } finally {
      await server.close();
    }
  });
});

describe('MemoryDirectLineStore', () => {
  it('expires idle conversations, evicts the least recently active and trims old activities', async () => {
    let now = 0;
    const store = new MemoryDirectLineStore({
      idleMs: 1000,
      maxConversations: 2,
      maxActivities: 3,
      now: () => now,
    });
    try {
      await store.open('conversation-a', 'dl_a');
      await store.open('conversation-b', 'dl_b');
      for (let i = 0; i < 5; i++)
        await store.append('conversation-a', { type: 'message', text: `m${i}`, timestamp: '' });
      const page = await store.since('conversation-a', 0);
      expect(page!.watermark).toBe(5);
      expect(page!.activities.map((a) => a.text)).toEqual(['m2', 'm3', 'm4']);
      expect((await store.since('conversation-a', 3))!.activities.map((a) => a.text)).toEqual(['m3', 'm4']);

      await store.open('conversation-c', 'dl_c'); // evicts b, the least recently active
      expect(await store.get('conversation-b')).toBeUndefined();
      expect(await store.get('conversation-a')).toBeDefined();

      now = 1500;
      await store.get('conversation-c');
      now = 2600;
      store.sweep();
      expect(store.size).toBe(0);
      expect(await store.append('conversation-a', { type: 'message', timestamp: '' })).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('bounds the JSON weight of all conversations, dropping the least recently active', async () => {
    const store = new MemoryDirectLineStore({ maxBytes: 2000 });
    try {
      const text = 'x'.repeat(400);
      for (const id of ['conversation-a', 'conversation-b', 'conversation-c']) {
        await store.open(id, 'dl_u');
        await store.append(id, { type: 'message', text, timestamp: '' });
        await store.append(id, { type: 'message', text, timestamp: '' });
      }
      expect(store.totalBytes).toBeLessThanOrEqual(2000);
      expect(await store.get('conversation-a')).toBeUndefined();
      expect((await store.since('conversation-c', 0))!.activities).toHaveLength(2);
    } finally {
      await store.close();
    }
  });

  it('keeps a conversation with an open stream and tells listeners when it ends', async () => {
    let now = 0;
    const store = new MemoryDirectLineStore({ idleMs: 1000, maxConversations: 1, now: () => now });
    try {
      await store.open('conversation-a', 'dl_a');
      const ended = jest.fn();
      const unsubscribe = store.subscribe('conversation-a', { activity: () => undefined, ended });
      now = 5000;
      store.sweep();
      expect(store.size).toBe(1);
      await store.open('conversation-b', 'dl_b');
      expect(ended).toHaveBeenCalledTimes(1);
      unsubscribe();
    } finally {
      await store.close();
    }
  });
});
