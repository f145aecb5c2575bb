/**
 * The Zalo OA channel against the real server: Zalo's webhook deliveries signed as Zalo signs them
 * (X-ZEvent-Signature), and Zalo's OA message API and OAuth v4 token endpoint faked with nock on
 * fake https hosts, checking the requests they receive. Asynchronous work is awaited through the
 * channel's idle(), never with sleeps.
 */
import { createHash } from 'node:crypto';
import nock from 'nock';
import type { ChannelDeps, ChannelModule } from '../../channels/channel';
import {
  createZaloChannel,
  MemoryZaloTokenStore,
  zaloChannel,
  type ZaloChannel,
  type ZaloOptions,
} from '../../channels/zalo';
import { markdownToPlainText } from '../../channels/zalo/plain-text';
import { MAX_BUTTONS, toButtons } from '../../channels/zalo/render';
import { splitText } from '../../channels/zalo/split-text';
import type { AssistantBot } from '../../src/bot/assistant-bot';
import { CHANNELS } from '../../src/server/channels';
import type { RunningServer } from '../../src/server/start-server';
import { OutboundRegistry } from '../../src/handoff/outbound';
import { parseConfig } from '../../src/config';
import { sharedEngine, startTestServer, testLogger } from '../support/test-server';
import {
  APP_ID,
  OA_ID,
  OA_SECRET,
  ZALO_API as API,
  ZALO_ENV as ENV,
  ZALO_OAUTH as OAUTH,
} from '../support/zalo';

const SUCCESS = (n: number) => ({
  error: 0,
  message: 'Success',
  data: { message_id: `mid-${n}`, user_id: 'u' },
});

interface Button {
  title: string;
  type: string;
  payload: string;
}

interface SentBody {
  recipient: { user_id: string };
  message: { text: string; attachment?: { type: string; payload: { buttons: Button[] } } };
}

interface Received<Body = SentBody> {
  headers: Record<string, string>;
  body: Body;
}

interface Harness {
  running: RunningServer;
  channel: ZaloChannel;
  logs: string[];
  post(body: string, headers?: Record<string, string>): Promise<Response>;
  deliver(event: object): Promise<Response>;
  close(): Promise<void>;
}

let msgCounter = 0;
const nextMsgId = () => `msg${Date.now().toString(16)}${(msgCounter += 1)}`;

function sign(raw: string, timestamp: string, secret = OA_SECRET): string {
  return (
    'mac=' +
    createHash('sha256')
      .update(APP_ID + raw + timestamp + secret)
      .digest('hex')
  );
}

function userEvent(event_name: string, message: object, userId = '2468458835296117922') {
  return {
    app_id: APP_ID,
    user_id_by_app: '5521234567890123456',
    event_name,
    timestamp: String(Date.now()),
    sender: { id: userId },
    recipient: { id: OA_ID },
    message: { msg_id: nextMsgId(), ...message },
  };
}

const textEvent = (text: string, userId?: string) => userEvent('user_send_text', { text }, userId);

async function start(
  options: ZaloOptions & { env?: Record<string, string>; bot?: Partial<AssistantBot> } = {},
): Promise<Harness> {
  const { env = ENV, bot, ...zaloOptions } = options;
  let channel: ZaloChannel | undefined;
  const module: ChannelModule = {
    name: 'zalo',
    create: (deps: ChannelDeps) =>
      (channel = createZaloChannel(bot ? { ...deps, bot: bot as AssistantBot } : deps, {
        retry: { baseDelayMs: 1, maxDelayMs: 4 },
        ...zaloOptions,
      })),
  };
  const logs: string[] = [];
  const running = await startTestServer(env, { channels: [module], log: testLogger(logs) });
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${running.url}/webhooks/zalo`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });
  return {
    running,
    channel: channel!,
    logs,
    post,
    deliver: (event: object) => {
      const raw = JSON.stringify(event);
      return post(raw, { 'X-ZEvent-Signature': sign(raw, (event as { timestamp: string }).timestamp) });
    },
    close: () => running.close(),
  };
}

/** Fakes POST /v3.0/oa/message/cs; `reply` picks the answer to the n-th request (1-based). */
function fakeSendApi(reply: (req: Received, n: number) => [number, object] = (_r, n) => [200, SUCCESS(n)]) {
  const received: Received[] = [];
  nock(API)
    .persist()
    .post('/v3.0/oa/message/cs')
    .reply(function (_uri, body) {
      const req = {
        headers: this.req.headers,
        body: typeof body === 'string' ? JSON.parse(body) : body,
      };
      received.push(req);
      return reply(req, received.length);
    });
  return received;
}

/** Fakes POST /v4/oa/access_token once, answering with the next tokens. */
function fakeOAuth(
  answer: object = { access_token: 'access-token-2', refresh_token: 'refresh-token-2', expires_in: '90000' },
) {
  const received: Received<Record<string, string>>[] = [];
  nock(OAUTH)
    .post('/v4/oa/access_token')
    .reply(function (_uri, body) {
      const form = typeof body === 'string' ? Object.fromEntries(new URLSearchParams(body)) : body;
      received.push({ headers: this.req.headers, body: form });
      return [200, answer];
    });
  return received;
}

const texts = (received: Received[]) => received.map((r) => r.body.message.text);

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
});
afterEach(() => {
  nock.cleanAll();
});
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});

describe('Zalo OA channel (/webhooks/zalo)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await start();
  });
  afterEach(async () => {
    await h.close();
  });

  it('answers a signed user_send_text with consultation messages to the sender', async () => {
    const sent = fakeSendApi();
    const event = textEvent('làm giấy khai sinh cần gì');
    const res = await h.deliver(event);
    expect(res.status).toBe(200);
    await h.channel.idle();

    const ask = await fetch(`${h.running.url}/api/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'làm giấy khai sinh cần gì' }),
    });
    const record = (await ask.json()) as { answer: string; choices: { label: string; value: string }[] };

    expect(sent.length).toBeGreaterThanOrEqual(1);
    for (const r of sent) {
      expect(r.headers['access_token']).toBe('access-token-1');
      expect(r.headers['content-type']).toMatch(/^application\/json/);
      expect(r.headers['authorization']).toBeUndefined();
      expect(r.body.recipient).toEqual({ user_id: '2468458835296117922' });
      expect(r.body.message.text.length).toBeLessThanOrEqual(2000);
      expect(r.body.message.text).not.toMatch(/\*\*|\]\(/);
    }
    expect(texts(sent).join('\n')).toContain(markdownToPlainText(record.answer).split('\n')[0]);
    // Next steps as oa.query.show buttons on the last message, payload = the choice's value.
    const last = sent.at(-1)!.body.message;
    expect(last.attachment).toEqual({
      type: 'template',
      payload: { buttons: toButtons(record.choices) },
    });
    const buttons = last.attachment!.payload.buttons;
    expect(buttons.length).toBeGreaterThan(0);
    expect(buttons.length).toBeLessThanOrEqual(MAX_BUTTONS);
    for (const b of buttons) {
      expect(b.type).toBe('oa.query.show');
      expect(b.title.length).toBeLessThanOrEqual(100);
      expect(record.choices.map((c) => c.value)).toContain(b.payload);
    }
    expect(buttons.at(-1)!.payload).toBe(record.choices.at(-1)!.value);
    expect(h.logs.join('\n')).not.toContain('access-token-1');
  });

  it('refuses a missing or wrong signature with 401 and sends nothing', async () => {
    const sent = fakeSendApi();
    const event = textEvent('xin chào');
    const raw = JSON.stringify(event);
    const missing = await h.post(raw);
    expect(missing.status).toBe(401);
    const wrong = await h.post(raw, { 'X-ZEvent-Signature': sign(raw, event.timestamp, 'another-secret') });
    expect(wrong.status).toBe(401);
    const tampered = await h.post(raw.replace('xin chào', 'tạm biệt'), {
      'X-ZEvent-Signature': sign(raw, event.timestamp),
    });
    expect(tampered.status).toBe(401);
    const body = (await wrong.json()) as { error: string };
    expect(Object.keys(body)).toEqual(['error']);
    await h.channel.idle();
    expect(sent).toHaveLength(0);
  });

  it('accepts the signature without the mac= prefix', async () => {
    const sent = fakeSendApi();
    const event = textEvent('xin chào');
    const raw = JSON.stringify(event);
    const res = await h.post(raw, { 'X-ZEvent-Signature': sign(raw, event.timestamp).slice(4) });
    expect(res.status).toBe(200);
    await h.channel.idle();
    expect(sent.length).toBeGreaterThan(0);
  });

  it('answers garbage with 400 and an oversized body with 413, without stack traces', async () => {
    const sent = fakeSendApi();
    const notJson = await h.post('{"event_name":', { 'X-ZEvent-Signature': 'mac=' + '0'.repeat(64) });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({ error: 'invalid JSON' });

    const shapeless = {
      app_id: APP_ID,
      event_name: 'user_send_text',
      timestamp: '1718000000000',
      message: {},
    };
    const badShape = await h.deliver(shapeless);
    expect(badShape.status).toBe(400);
    const noEnvelope = await h.post('[1,2,3]', { 'X-ZEvent-Signature': sign('[1,2,3]', '') });
    expect(noEnvelope.status).toBe(400);

    const huge = textEvent('a'.repeat(70_000));
    const tooBig = await h.deliver(huge);
    expect(tooBig.status).toBe(413);
    for (const res of [badShape, noEnvelope, tooBig]) {
      const text = await res.text();
      expect(text).not.toMatch(/at .*\.ts|Error:/);
    }
    await h.channel.idle();
    expect(sent).toHaveLength(0);
  });

  it('answers a retried delivery (same msg_id) only once', async () => {
    const sent = fakeSendApi();
    const event = textEvent('đăng ký kết hôn cần giấy tờ gì');
    expect((await h.deliver(event)).status).toBe(200);
    await h.channel.idle();
    const once = sent.length;
    expect(once).toBeGreaterThan(0);
    const retried = { ...event, timestamp: String(Number(event.timestamp) + 30_000) };
    expect((await h.deliver(retried)).status).toBe(200);
    expect((await h.deliver(event)).status).toBe(200);
    await h.channel.idle();
    expect(sent).toHaveLength(once);
  });

  it("ignores the OA's own oa_send_text echo, unfollow and unknown events", async () => {
    const sent = fakeSendApi();
    const echo = {
      app_id: APP_ID,
      event_name: 'oa_send_text',
      timestamp: String(Date.now()),
      sender: { id: OA_ID },
      recipient: { id: '2468458835296117922' },
      message: { msg_id: nextMsgId(), text: 'Xin chào! Tôi là Trợ lý Tư pháp' },
    };
    const unfollow = {
      app_id: APP_ID,
      oa_id: OA_ID,
      follower: { id: '2468458835296117922' },
      user_id_by_app: '5521234567890123456',
      event_name: 'unfollow',
      timestamp: String(Date.now()),
    };
    const seen = { ...echo, event_name: 'user_seen_message', message: { msg_ids: ['x'] } };
    const future = { app_id: APP_ID, event_name: 'some_future_event', timestamp: String(Date.now()) };
    for (const event of [echo, unfollow, seen, future]) expect((await h.deliver(event)).status).toBe(200);
    await h.channel.idle();
    expect(sent).toHaveLength(0);
  });

  it('greets a new follower with the bot welcome and its choices as buttons', async () => {
    const sent = fakeSendApi();
    const follow = {
      app_id: APP_ID,
      oa_id: OA_ID,
      follower: { id: '1234567890123456789' },
      user_id_by_app: '5521234567890123456',
      event_name: 'follow',
      source: 'oa_profile',
      timestamp: String(Date.now()),
    };
    expect((await h.deliver(follow)).status).toBe(200);
    expect((await h.deliver(follow)).status).toBe(200);
    await h.channel.idle();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body.recipient).toEqual({ user_id: '1234567890123456789' });
    expect(sent[0]!.body.message.text).toContain('Xin chào! Tôi là Trợ lý Tư pháp');
    const buttons = sent[0]!.body.message.attachment!.payload.buttons;
    expect(buttons.map((b) => b.payload)).toEqual([
      'Đăng ký khai sinh',
      'Đăng ký kết hôn',
      'Lý lịch tư pháp',
      'Chứng thực bản sao',
      'Gặp cán bộ',
    ]);
  });

  it('asks politely to type when the user sends an image, sticker, voice, file, gif or location', async () => {
    const sent = fakeSendApi();
    const events = [
      userEvent('user_send_image', {
        text: 'ảnh giấy tờ',
        attachments: [
          { type: 'image', payload: { url: 'https://x.test/a.jpg', thumbnail: 'https://x.test/t.jpg' } },
        ],
      }),
      userEvent('user_send_sticker', {
        attachments: [{ type: 'sticker', payload: { id: 's1', url: 'https://x.test/s' } }],
      }),
      userEvent('user_send_audio', {
        attachments: [{ type: 'audio', payload: { url: 'https://x.test/v.aac' } }],
      }),
      userEvent('user_send_file', {
        attachments: [
          {
            type: 'file',
            payload: { url: 'https://x.test/f.pdf', name: 'f.pdf', size: '1024', type: 'pdf' },
          },
        ],
      }),
      userEvent('user_send_gif', {
        attachments: [{ type: 'gif', payload: { url: 'https://x.test/g.gif' } }],
      }),
      userEvent('user_send_location', {
        attachments: [
          { type: 'location', payload: { coordinates: { latitude: '18.67', longitude: '105.69' } } },
        ],
      }),
    ];
    for (const event of events) expect((await h.deliver(event)).status).toBe(200);
    await h.channel.idle();
    expect(sent).toHaveLength(events.length);
    for (const r of sent)
      expect(r.body.message.text).toMatch(
        /^Hiện tôi chỉ đọc được tin nhắn chữ\. Anh\/chị vui lòng gõ câu hỏi/,
      );
  });

  it('retries a rate-limited send (-32) and then succeeds', async () => {
    const sent = fakeSendApi((_r, n) =>
      n === 1 ? [200, { error: -32, message: 'Reached the limit of API calls' }] : [200, SUCCESS(n)],
    );
    await h.deliver(textEvent('lý lịch tư pháp'));
    await h.channel.idle();
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(sent[1]!.body).toEqual(sent[0]!.body);
    expect(h.logs.join('\n')).not.toMatch(/not delivered/);
  });

  it('retries HTTP 5xx answers, a bounded number of times', async () => {
    const sent = fakeSendApi((_r, n) => (n <= 2 ? [n === 1 ? 502 : 503, { error: -1 }] : [200, SUCCESS(n)]));
    await h.deliver(textEvent('chứng thực bản sao'));
    await h.channel.idle();
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(sent[2]!.body).toEqual(sent[0]!.body);
    expect(h.logs.join('\n')).not.toMatch(/not delivered/);

    nock.cleanAll();
    const failing = fakeSendApi(() => [500, { error: -1 }]);
    await h.deliver(textEvent('trợ giúp pháp lý'));
    await h.channel.idle();
    expect(failing).toHaveLength(4); // DEFAULT_RETRY.attempts, then the turn's other replies dropped
    expect(h.logs.join('\n')).toMatch(/zalo reply not delivered/);
  });

  it('does not retry a permanent error (-230, user outside the window)', async () => {
    const sent = fakeSendApi(() => [
      200,
      { error: -230, message: 'User has not interacted with the OA in 7 days' },
    ]);
    await h.deliver(textEvent('đăng ký khai tử'));
    await h.channel.idle();
    expect(sent).toHaveLength(1);
    expect(h.logs.join('\n')).toMatch(/"zaloError":-230/);
  });

  it('does not resend a message whose request timed out (it may have been delivered)', async () => {
    await h.close();
    h = await start({ requestTimeoutMs: 100 });
    let calls = 0;
    nock(API)
      .post('/v3.0/oa/message/cs')
      .times(2)
      .delay(1000)
      .reply(() => {
        calls += 1;
        return [200, SUCCESS(calls)];
      });
    await h.deliver(textEvent('xin chào'));
    await h.channel.idle();
    expect(h.logs.join('\n')).toMatch(/not resent/);
    expect(nock.pendingMocks()).toHaveLength(1);
  });

  it('retries a connection failure', async () => {
    nock(API).post('/v3.0/oa/message/cs').replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    const sent = fakeSendApi();
    await h.deliver(textEvent('xin chào'));
    await h.channel.idle();
    expect(sent.length).toBeGreaterThan(0);
    expect(h.logs.join('\n')).toMatch(/zalo send will be retried/);
    expect(h.logs.join('\n')).not.toMatch(/not delivered/);
  });

  it('on -216 refreshes the token once through OAuth v4, keeps the new refresh token, and resends', async () => {
    const sent = fakeSendApi((r, n) =>
      r.headers['access_token'] === 'access-token-1'
        ? [200, { error: -216, message: 'Access token is invalid' }]
        : [200, SUCCESS(n)],
    );
    const oauth = fakeOAuth();
    await h.deliver(textEvent('làm giấy khai sinh cần gì', '1111111111111111111'));
    await h.deliver(textEvent('đăng ký kết hôn', '2222222222222222222'));
    await h.channel.idle();

    expect(oauth).toHaveLength(1);
    expect(oauth[0]!.headers['secret_key']).toBe('app-secret-for-tests');
    expect(oauth[0]!.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(oauth[0]!.body).toEqual({
      refresh_token: 'refresh-token-1',
      app_id: APP_ID,
      grant_type: 'refresh_token',
    });
    expect(await h.channel.tokens!.load()).toMatchObject({
      accessToken: 'access-token-2',
      refreshToken: 'refresh-token-2',
    });
    const delivered = sent.filter((r) => r.headers['access_token'] === 'access-token-2');
    expect(new Set(delivered.map((r) => r.body.recipient.user_id))).toEqual(
      new Set(['1111111111111111111', '2222222222222222222']),
    );
    expect(h.logs.join('\n')).not.toMatch(/access-token-[12]|refresh-token-[12]|app-secret/);

    // Later sends use the new token straight away.
    const before = sent.length;
    await h.deliver(textEvent('lệ phí bao nhiêu', '1111111111111111111'));
    await h.channel.idle();
    expect(sent.slice(before).every((r) => r.headers['access_token'] === 'access-token-2')).toBe(true);
  });

  it('refreshes only once when the renewed token is refused too (-220), then gives up', async () => {
    const sent = fakeSendApi(() => [200, { error: -220, message: 'Access token has expired' }]);
    const oauth = fakeOAuth();
    await h.deliver(textEvent('xin chào'));
    await h.channel.idle();
    expect(oauth).toHaveLength(1);
    expect(sent.map((r) => r.headers['access_token'])).toEqual(['access-token-1', 'access-token-2']);
    expect(h.logs.join('\n')).toMatch(/zalo reply not delivered/);
  });

  it('finishes acknowledged work before close() resolves', async () => {
    const sent = fakeSendApi();
    expect((await h.deliver(textEvent('xin chào'))).status).toBe(200);
    await h.close();
    expect(sent.length).toBeGreaterThan(0);
  });
});

describe('Zalo rendering of long answers', () => {
  it('splits a long markdown answer into ordered messages of at most 2000 characters, buttons on the last', async () => {
    const paragraphs = Array.from(
      { length: 40 },
      (_, i) =>
        `**Bước ${i + 1}.** Nộp hồ sơ tại _Ủy ban nhân dân cấp xã_ nơi cư trú. Xem [Cổng dịch vụ công](https://dichvucong.gov.vn/p${i}). Mục ${i + 1} kết thúc.`,
    );
    const long = paragraphs.join('\n\n') + '\n' + 'Dài'.repeat(900);
    const bot: Partial<AssistantBot> = {
      run: async (turn) => {
        await turn.sendActivity({
          type: 'message',
          text: long,
          textFormat: 'markdown',
          suggestedActions: { to: [], actions: [{ type: 'imBack', title: 'Lệ phí', value: 'Lệ phí' }] },
        });
      },
    };
    const h = await start({ bot });
    try {
      const sent = fakeSendApi();
      expect((await h.deliver(textEvent('hướng dẫn chi tiết'))).status).toBe(200);
      await h.channel.idle();
      expect(sent.length).toBeGreaterThanOrEqual(4);
      for (const r of sent) expect(r.body.message.text.length).toBeLessThanOrEqual(2000);
      const all = texts(sent).join('\n');
      expect(all).not.toMatch(/\*\*|_Ủy|\]\(/);
      expect(all).toContain('Cổng dịch vụ công: https://dichvucong.gov.vn/p0');
      const order = Array.from({ length: 40 }, (_, i) => all.indexOf(`Bước ${i + 1}. `));
      expect(order.every((at) => at >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      expect(all.replace(/\s/g, '')).toContain('Dài'.repeat(900));
      expect(sent.slice(0, -1).every((r) => r.body.message.attachment === undefined)).toBe(true);
      expect(sent.at(-1)!.body.message.attachment).toEqual({
        type: 'template',
        payload: { buttons: [{ title: 'Lệ phí', type: 'oa.query.show', payload: 'Lệ phí' }] },
      });
    } finally {
      await h.close();
    }
  });

  it('strips markdown and splits at line and sentence boundaries', () => {
    expect(
      markdownToPlainText('**Đậm** và *nghiêng* và _nghiêng_, [Luật](https://a.vn/x_y_z) và snake_case'),
    ).toBe('Đậm và nghiêng và nghiêng, Luật: https://a.vn/x_y_z và snake_case');
    const sentences = Array.from({ length: 30 }, (_, i) => `Câu ${i}.`).join(' ');
    const chunks = splitText(sentences, 40);
    expect(chunks.every((c) => c.length <= 40 && /\.$/.test(c))).toBe(true);
    expect(chunks.join(' ')).toBe(sentences);
    expect(splitText('a\nb\nc', 3)).toEqual(['a\nb', 'c']);
  });

  it('keeps at most 5 buttons, the last choice (the way out) kept, titles at most 100 characters', () => {
    const choices = Array.from({ length: 7 }, (_, i) => ({
      label: `${'x'.repeat(120)}${i}`,
      value: `v${i}`,
    }));
    const buttons = toButtons(choices);
    expect(buttons.map((b) => b.payload)).toEqual(['v0', 'v1', 'v2', 'v3', 'v6']);
    expect(buttons.every((b) => b.title.length <= 100 && b.type === 'oa.query.show')).toBe(true);
  });
});

describe('Zalo conversations', () => {
  const echoBot: Partial<AssistantBot> = {
    run: async (turn) => {
      await turn.sendActivity({ type: 'message', text: `echo: ${turn.activity.text ?? ''}` });
    },
  };

  it("answers one user's messages in the order they came, even when a send is slow", async () => {
    const h = await start({ bot: echoBot });
    try {
      const arrivals: string[] = [];
      nock(API)
        .persist()
        .post('/v3.0/oa/message/cs')
        .reply(async (_uri, body) => {
          const text: string = (typeof body === 'string' ? JSON.parse(body) : body).message.text;
          arrivals.push(text);
          if (text === 'echo: một') {
            await new Promise((resolve) => setTimeout(resolve, 150));
            arrivals.push('(một answered)');
          }
          return [200, SUCCESS(arrivals.length)];
        });
      await h.deliver(textEvent('một'));
      await h.deliver(textEvent('hai'));
      await h.deliver(textEvent('ba'));
      await h.channel.idle();
      expect(arrivals).toEqual(['echo: một', '(một answered)', 'echo: hai', 'echo: ba']);
    } finally {
      await h.close();
    }
  });

  it('keeps user ids sent as bare 19-digit numbers exact', async () => {
    const h = await start({ bot: echoBot });
    try {
      const sent = fakeSendApi();
      const event = textEvent('xin chào');
      const raw = JSON.stringify(event).replace('"id":"2468458835296117922"', '"id":2468458835296117922');
      expect(raw).toContain('"id":2468458835296117922');
      const res = await h.post(raw, { 'X-ZEvent-Signature': sign(raw, event.timestamp) });
      expect(res.status).toBe(200);
      await h.channel.idle();
      expect(sent[0]!.body.recipient.user_id).toBe('2468458835296117922');
    } finally {
      await h.close();
    }
  });
});

describe('Zalo channel configuration', () => {
  it('is in the server channel list and reachable with every channel mounted', async () => {
    expect(CHANNELS).toContain(zaloChannel);
    const running = await startTestServer(ENV);
    try {
      const res = await fetch(`${running.url}/webhooks/zalo`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(401);
    } finally {
      await running.close();
    }
  });

  it('is off without its secrets: 503 on /webhooks/zalo, the missing names as reason', async () => {
    const h = await start({ env: { ZALO_APP_ID: APP_ID } });
    try {
      expect(h.channel.off).toBe('ZALO_OA_SECRET_KEY, ZALO_ACCESS_TOKEN not set');
      const res = await h.deliver(textEvent('xin chào'));
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({
        error: 'zalo channel is off: ZALO_OA_SECRET_KEY, ZALO_ACCESS_TOKEN not set',
      });
      expect((await fetch(`${h.running.url}/nope`)).status).toBe(404);
      expect(h.logs.join('\n')).toContain('zalo channel is off');
    } finally {
      await h.close();
    }
  });

  it('uses a token store given to it', async () => {
    const tokens = new MemoryZaloTokenStore({ accessToken: 'stored-access', refreshToken: 'stored-refresh' });
    const h = await start({ tokens });
    try {
      const sent = fakeSendApi();
      await h.deliver(textEvent('xin chào'));
      await h.channel.idle();
      expect(sent[0]!.headers['access_token']).toBe('stored-access');
    } finally {
      await h.close();
    }
  });
});

describe('Zalo: replies from officers', () => {
  it('delivers an officer reply and the CSAT buttons through the OA message API', async () => {
    const outbound = new OutboundRegistry();
    const engine = await sharedEngine();
    const deps = {
      config: parseConfig(ENV),
      log: testLogger(),
      engine: () => engine,
      outbound,
    } as unknown as ChannelDeps;
    createZaloChannel(deps);
    const bodies: { recipient: { user_id: string }; message: { text?: string; attachment?: unknown } }[] = [];
    const scope = nock(API)
      .post('/v3.0/oa/message/cs')
      .times(2)
      .reply(200, (_uri, body) => {
        bodies.push(body as (typeof bodies)[number]);
        return SUCCESS(bodies.length);
      });
    await outbound.send('zalo:8812345678901', 'Anh mang theo căn cước nhé.', { speaker: 'officer' });
    await outbound.send('zalo:8812345678901', 'Chấm điểm từ 1 đến 5?', {
      speaker: 'bot',
      choices: ['1', '2', '3', '4', '5'],
    });
    expect(scope.isDone()).toBe(true);
    expect(bodies[0]).toMatchObject({
      recipient: { user_id: '8812345678901' },
      message: { text: 'Cán bộ tư pháp: Anh mang theo căn cước nhé.' },
    });
    expect(JSON.stringify(bodies[1]!.message)).toContain('oa.query.show');
  });
});
