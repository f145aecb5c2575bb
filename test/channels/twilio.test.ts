/**
 * The Twilio channel against the real server, driven the way Twilio drives it: form-encoded webhooks
 * signed with X-Twilio-Signature over PUBLIC_BASE_URL + path and query, TwiML back. The REST API that
 * sends SMS is faked with nock on a fake https host (TWILIO_API_BASE). The clock is injected so
 * opening hours are deterministic.
 */
import nock from 'nock';
import twilio from 'twilio';
import type { ChannelDeps } from '../../channels/channel';
import { createTwilioChannel } from '../../channels/twilio';
import { MAX_SPOKEN_WORDS, wordCount } from '../../channels/twilio/speech-text';
import { PROMPTS } from '../../channels/twilio/voice-prompts';
import { parseConfig } from '../../src/config';
import type { RunningServer } from '../../src/server/start-server';
import { startTestServer } from '../support/test-server';
import {
  API,
  attributes,
  BASE,
  call,
  CALLER,
  CLOSED,
  decode,
  LINE,
  OPEN,
  postWebhook,
  SID,
  SMS_FROM,
  TOKEN,
  TWILIO_ENV as ENV,
  type WebhookReply,
} from '../support/twilio';

const MESSAGES = `/2010-04-01/Accounts/${SID}/Messages.json`;

let callCounter = 0;
const newCall = () => `CA${(++callCounter).toString(16).padStart(32, '0')}`;
const smsSid = (n: number) => `SM${n.toString(16).padStart(32, '0')}`;

/** A webhook to `running`, signed right unless `signature` says otherwise (null: unsigned). */
const post = (
  running: RunningServer,
  path: string,
  params: Record<string, string>,
  signature?: string | null,
): Promise<WebhookReply> => postWebhook(running.url, path, params, signature);

/** The <Say>s before the <Gather>, the <Gather>'s attributes and its spoken prompt. */
function parse(xml: string) {
  const gatherAt = xml.indexOf('<Gather');
  const outside = gatherAt >= 0 ? xml.slice(0, gatherAt) : xml;
  const says = (s: string) => [...s.matchAll(/<Say([^>]*)>([^<]*)<\/Say>/g)].map((m) => decode(m[2] ?? ''));
  const gatherTag = /<Gather([^>]*)>/.exec(xml)?.[1];
  const inside = gatherAt >= 0 ? xml.slice(gatherAt, xml.indexOf('</Gather>')) : '';
  return {
    spoken: says(outside).join(' '),
    sayAttributes: [...xml.matchAll(/<Say([^>]*)>/g)].map((m) => attributes(m[1] ?? '')),
    gather: gatherTag === undefined ? undefined : attributes(gatherTag),
    prompt: says(inside).join(' '),
  };
}

const gatherPath = (step: number, menu = 'main', miss = 0) =>
  `/webhooks/twilio/voice/gather?step=${step}&menu=${menu}${miss ? `&miss=${miss}` : ''}`;
const actionOf = (step: number, menu: string, miss = 0) => BASE + gatherPath(step, menu, miss);

let clock = OPEN;
let running: RunningServer;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  running = await startTestServer(ENV, { channels: [createTwilioChannel({ now: () => clock })] });
});

afterEach(() => {
  nock.cleanAll();
  clock = OPEN;
  jest.restoreAllMocks();
});

afterAll(async () => {
  await running.close();
  nock.enableNetConnect();
  nock.restore();
});

describe('Twilio Voice: greeting and menus', () => {
  it('greets in Vietnamese and opens a speech + keypad menu', async () => {
    const res = await post(running, '/webhooks/twilio/voice', call(newCall(), { CallStatus: 'ringing' }));
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/text\/xml/);
    const twiml = parse(res.xml);
    expect(twiml.spoken).toMatch(/^Xin chào/);
    for (const say of twiml.sayAttributes) {
      expect(say.language).toBe('vi-VN');
      expect(say.voice).toMatch(/^Google\.vi-VN-/);
    }
    expect(twiml.gather).toMatchObject({
      input: 'speech dtmf',
      language: 'vi-VN',
      numDigits: '1',
      speechTimeout: 'auto',
      method: 'POST',
      actionOnEmptyResult: 'true',
      action: actionOf(1, 'main'),
    });
    expect(Number(twiml.gather?.timeout)).toBeGreaterThan(0);
    for (const hint of [
      'khai sinh',
      'kết hôn',
      'khai tử',
      'chứng thực',
      'lý lịch tư pháp',
      'trợ giúp pháp lý',
    ])
      expect(twiml.gather?.hints).toContain(hint);
    expect(twiml.prompt).toMatch(/bấm 1 về hộ tịch/);
    expect(twiml.prompt).toMatch(/bấm 4 về trợ giúp pháp lý/);
    expect(twiml.prompt).toMatch(/bấm 0 để gặp cán bộ/);
  });

  it('answers a spoken question with a short spoken answer and the choices menu', async () => {
    const res = await post(
      running,
      gatherPath(1),
      call(newCall(), { SpeechResult: 'làm giấy khai sinh cần giấy tờ gì', Confidence: '0.91' }),
    );
    expect(res.status).toBe(200);
    const twiml = parse(res.xml);
    expect(twiml.spoken).toMatch(/khai sinh/i);
    expect(twiml.spoken).not.toMatch(/https?:|www\.|\.gov\.vn|\*|\[|\]|#|_|🔗/);
    expect(twiml.spoken).not.toMatch(/\d/);
    expect(wordCount(twiml.spoken)).toBeLessThanOrEqual(MAX_SPOKEN_WORDS);
    expect(twiml.spoken).toMatch(/[.!?]$/);
    expect(twiml.gather?.action).toBe(actionOf(2, 'after'));
    expect(twiml.prompt).toMatch(/Bấm 1 để nghe lại/);
    expect(twiml.prompt).toMatch(/bấm 2 để hỏi tiếp/);
    expect(twiml.prompt).toMatch(/bấm 3 để nhận hướng dẫn qua tin nhắn/);
    expect(twiml.prompt).toMatch(/bấm 0 để gặp cán bộ/);
  });

  it('walks the keypad: 1 hộ tịch → 1 khai sinh → 1 hear again → 2 ask again → a follow-up by voice', async () => {
    const id = newCall();
    const menu = parse((await post(running, gatherPath(1), call(id, { Digits: '1' }))).xml);
    expect(menu.gather?.action).toBe(actionOf(2, 'hotich'));
    expect(menu.prompt).toMatch(/bấm 1 cho khai sinh, bấm 2 cho kết hôn, bấm 3 cho khai tử/);

    const answer = parse((await post(running, gatherPath(2, 'hotich'), call(id, { Digits: '1' }))).xml);
    expect(answer.spoken).toMatch(/^Đăng ký khai sinh\./);
    expect(answer.gather?.action).toBe(actionOf(3, 'after'));

    const again = parse((await post(running, gatherPath(3, 'after'), call(id, { Digits: '1' }))).xml);
    expect(again.spoken).toBe(answer.spoken);

    const ask = parse((await post(running, gatherPath(4, 'after'), call(id, { Digits: '2' }))).xml);
    expect(ask.prompt).toMatch(/Mời anh chị nói câu hỏi/);
    expect(ask.gather?.action).toBe(actionOf(5, 'ask'));

    const fee = parse(
      (await post(running, gatherPath(5, 'ask'), call(id, { SpeechResult: 'lệ phí bao nhiêu' }))).xml,
    );
    expect(fee.spoken).toMatch(/^Đăng ký khai sinh\./);
    expect(fee.spoken).toMatch(/lệ phí/);
  });

  it('re-prompts after silence, offers an officer after two, says goodbye after three', async () => {
    const id = newCall();
    const first = parse((await post(running, gatherPath(1), call(id))).xml);
    expect(first.spoken).toBe(PROMPTS.notHeard);
    expect(first.prompt).toBe(PROMPTS.mainMenu);
    expect(first.gather?.action).toBe(actionOf(2, 'main', 1));

    const second = parse((await post(running, gatherPath(2, 'main', 1), call(id, { SpeechResult: '' }))).xml);
    expect(second.spoken).toMatch(/gặp cán bộ/);
    expect(second.spoken).toMatch(/bấm 0/);
    expect(second.gather?.action).toBe(actionOf(3, 'main', 2));

    const third = await post(running, gatherPath(3, 'main', 2), call(id));
    expect(third.xml).toMatch(/<Hangup\/>/);
    expect(parse(third.xml).gather).toBeUndefined();
  });

  it('treats a key that is not on the menu like silence', async () => {
    const twiml = parse((await post(running, gatherPath(1), call(newCall(), { Digits: '7' }))).xml);
    expect(twiml.spoken).toBe(PROMPTS.wrongKey);
    expect(twiml.gather?.action).toBe(actionOf(2, 'main', 1));
  });

  it('asks between candidates by keypad when the bot clarifies, and a key picks one', async () => {
    const id = newCall();
    const clarify = parse((await post(running, gatherPath(1), call(id, { Digits: '2' }))).xml);
    expect(clarify.gather?.action).toBe(actionOf(2, 'clarify'));
    expect(clarify.prompt).toMatch(/^Anh chị đang hỏi về thủ tục nào\? Bấm 1 cho .+, bấm 2 cho .+/);
    expect(clarify.prompt).toMatch(/bấm 0 để gặp cán bộ/);
    const second = /bấm 2 cho ([^,.]+)/.exec(clarify.prompt)?.[1];
    expect(second).toMatch(/Chứng thực/);

    const picked = parse((await post(running, gatherPath(2, 'clarify'), call(id, { Digits: '2' }))).xml);
    expect(picked.spoken.startsWith(`${second}.`)).toBe(true);
    expect(picked.gather?.action).toBe(actionOf(3, 'after'));
  });

  it('renders clarify candidates as keypad choices', () => {
    expect(PROMPTS.clarify(['Đăng ký kết hôn', 'Cấp Giấy xác nhận tình trạng hôn nhân'])).toBe(
      'Anh chị đang hỏi về thủ tục nào? Bấm 1 cho Đăng ký kết hôn, bấm 2 cho Cấp Giấy xác nhận tình trạng hôn nhân. Hoặc bấm 0 để gặp cán bộ.',
    );
  });
});

describe('Twilio Voice: SMS with the guide', () => {
  it('sends the caller the key facts and the online link with messages.create (choice 3)', async () => {
    const id = newCall();
    await post(running, gatherPath(1), call(id, { SpeechResult: 'làm giấy khai sinh cần giấy tờ gì' }));
    let sent: Record<string, string> | undefined;
    const scope = nock(API)
      .post(MESSAGES, (body: Record<string, string>) => {
        sent = body;
        return true;
      })
      .basicAuth({ user: SID, pass: TOKEN })
      .reply(201, { sid: `SM${'1'.repeat(32)}`, status: 'queued', to: CALLER, from: SMS_FROM });

    const twiml = parse((await post(running, gatherPath(2, 'after'), call(id, { Digits: '3' }))).xml);
    expect(scope.isDone()).toBe(true);
    expect(sent?.To).toBe(CALLER);
    expect(sent?.From).toBe(SMS_FROM);
    expect(sent?.Body).toMatch(/Đăng ký khai sinh/);
    expect(sent?.Body).toMatch(/Giấy tờ: /);
    expect(sent?.Body).toMatch(/Lệ phí: /);
    expect(sent?.Body).toMatch(/https:\/\/dichvucong\.gov\.vn\//);
    expect(sent?.Body).not.toMatch(/\*\*/);
    expect(sent?.Body?.length ?? 0).toBeLessThanOrEqual(600);
    expect(twiml.spoken).toBe(PROMPTS.smsSent);
    expect(twiml.gather?.action).toBe(actionOf(3, 'after'));
  });

  it('says so when Twilio refuses the message', async () => {
    const id = newCall();
    await post(running, gatherPath(1), call(id, { Digits: '3' }));
    nock(API)
      .post(MESSAGES)
      .reply(400, { code: 21211, message: "The 'To' number is not valid.", status: 400 });
    const twiml = parse((await post(running, gatherPath(2, 'after'), call(id, { Digits: '3' }))).xml);
    expect(twiml.spoken).toBe(PROMPTS.smsFailed);
  });
});

describe('Twilio Voice: handoff', () => {
  it('queues the caller for an officer within opening hours (key 0)', async () => {
    const res = await post(running, gatherPath(1), call(newCall(), { Digits: '0' }));
    expect(parse(res.xml).spoken).toBe(PROMPTS.transfer);
    expect(res.xml).toMatch(/<Enqueue [^>]*>tro-ly-tu-phap<\/Enqueue>/);
    expect(res.xml).not.toMatch(/<Gather/);
  });

  it('queues the caller when the bot decides on a handoff', async () => {
    const res = await post(running, gatherPath(1), call(newCall(), { SpeechResult: 'cho tôi gặp cán bộ' }));
    expect(res.xml).toMatch(/<Enqueue [^>]*>tro-ly-tu-phap<\/Enqueue>/);
  });

  it('outside opening hours says when the centre opens and offers SMS or the bot', async () => {
    clock = CLOSED;
    const id = newCall();
    const res = await post(running, gatherPath(1), call(id, { Digits: '0' }));
    expect(res.xml).not.toMatch(/<Enqueue|<Dial/);
    const twiml = parse(res.xml);
    expect(twiml.spoken).toMatch(/ngoài giờ làm việc/);
    expect(twiml.spoken).toMatch(/mở cửa lại lúc bảy giờ ba mươi sáng thứ Hai, ngày chín tháng ba/);
    expect(twiml.gather?.action).toBe(actionOf(2, 'closed'));
    expect(twiml.prompt).toMatch(/Bấm 1 để nhận tin nhắn/);
    expect(twiml.prompt).toMatch(/bấm 2 để tiếp tục hỏi trợ lý tự động/);

    let sent: Record<string, string> | undefined;
    nock(API)
      .post(MESSAGES, (body: Record<string, string>) => {
        sent = body;
        return true;
      })
      .reply(201, { sid: `SM${'2'.repeat(32)}`, status: 'queued' });
    const left = await post(running, gatherPath(2, 'closed'), call(id, { Digits: '1' }));
    expect(sent?.To).toBe(CALLER);
    expect(sent?.Body).toMatch(/nhắn câu hỏi/);
    expect(left.xml).toMatch(/<Hangup\/>/);

    const bot = parse((await post(running, gatherPath(2, 'closed'), call(newCall(), { Digits: '2' }))).xml);
    expect(bot.gather?.action).toBe(actionOf(3, 'ask'));
  });

  it('dials TWILIO_HANDOFF_DIAL instead of queueing when set, and offers other ways when nobody answers', async () => {
    const dialing = await startTestServer(
      { ...ENV, TWILIO_HANDOFF_DIAL: '+842383999999' },
      { channels: [createTwilioChannel({ now: () => OPEN })] },
    );
    try {
      const id = newCall();
      const res = await post(dialing, gatherPath(1), call(id, { Digits: '0' }));
      expect(res.xml).toMatch(/<Dial [^>]*><Number>\+842383999999<\/Number><\/Dial>/);
      expect(attributes(/<Dial([^>]*)>/.exec(res.xml)?.[1] ?? '').action).toBe(actionOf(2, 'officer'));

      const busy = parse(
        (await post(dialing, gatherPath(2, 'officer'), call(id, { DialCallStatus: 'no-answer' }))).xml,
      );
      expect(busy.spoken).toBe(PROMPTS.officerBusy);
      expect(busy.gather?.action).toBe(actionOf(3, 'closed'));

      const done = await post(
        dialing,
        gatherPath(2, 'officer'),
        call(newCall(), { DialCallStatus: 'completed' }),
      );
      expect(done.xml).toMatch(/<Hangup\/>/);
    } finally {
      await dialing.close();
    }
  });
});

describe('Twilio SMS questions', () => {
  it('answers an incoming SMS with a plain <Message>, and a digit picks a next step', async () => {
    const params = {
      MessageSid: smsSid(1),
      AccountSid: SID,
      From: CALLER,
      To: LINE,
      Body: 'lệ phí đăng ký kết hôn',
      NumMedia: '0',
    };
    const res = await post(running, '/webhooks/twilio/sms', params);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/text\/xml/);
    const message = decode(/<Response><Message>([\s\S]*)<\/Message><\/Response>/.exec(res.xml)?.[1] ?? '');
    expect(message).toMatch(/kết hôn/);
    expect(message).not.toMatch(/\*\*|\]\(/);
    expect(message.length).toBeLessThanOrEqual(600);
    const one = /(\d) Thời gian/.exec(message)?.[1];
    expect(one).toBeDefined();

    const next = await post(running, '/webhooks/twilio/sms', {
      ...params,
      MessageSid: smsSid(2),
      Body: one ?? '',
    });
    const followUp = decode(/<Message>([\s\S]*)<\/Message>/.exec(next.xml)?.[1] ?? '');
    expect(followUp).toMatch(/^Đăng ký kết hôn/);
    expect(followUp).toMatch(/ngày/);
  });

  it('tells an SMS user how to reach an officer by phone', async () => {
    const res = await post(running, '/webhooks/twilio/sms', {
      MessageSid: smsSid(3),
      From: '+84907654321',
      Body: 'tôi muốn gặp cán bộ',
    });
    expect(decode(res.xml)).toMatch(/gọi vào số này và bấm phím 0/);
  });
});

describe('Twilio request checks', () => {
  it('refuses a wrong or missing signature with 403', async () => {
    const params = call(newCall());
    const spy = jest.spyOn(running.bot, 'run');
    expect((await post(running, '/webhooks/twilio/voice', params, null)).status).toBe(403);
    expect((await post(running, '/webhooks/twilio/voice', params, 'bm90IGEgc2lnbmF0dXJl')).status).toBe(403);
    const otherUrl = twilio.getExpectedTwilioSignature(TOKEN, `${running.url}/webhooks/twilio/voice`, params);
    expect((await post(running, '/webhooks/twilio/voice', params, otherUrl)).status).toBe(403);
    const otherToken = twilio.getExpectedTwilioSignature(
      'another-token',
      `${BASE}/webhooks/twilio/voice`,
      params,
    );
    expect((await post(running, '/webhooks/twilio/voice', params, otherToken)).status).toBe(403);
    const tampered = twilio.getExpectedTwilioSignature(TOKEN, BASE + gatherPath(1), params);
    expect((await post(running, gatherPath(1), { ...params, Digits: '0' }, tampered)).status).toBe(403);
    const sms = { MessageSid: smsSid(9), From: CALLER, Body: 'khai sinh' };
    expect((await post(running, '/webhooks/twilio/sms', sms, 'x')).status).toBe(403);
    expect(spy).not.toHaveBeenCalled();
  });

  it('answers 400 to a signed request without a valid CallSid or step', async () => {
    expect((await post(running, gatherPath(1), { From: CALLER, Digits: '1' })).status).toBe(400);
    expect((await post(running, '/webhooks/twilio/voice/gather?step=zero', call(newCall()))).status).toBe(
      400,
    );
  });

  it('returns the same TwiML to a retry of the same CallSid and step, running the bot once', async () => {
    const spy = jest.spyOn(running.bot, 'run');
    const params = call(newCall(), { SpeechResult: 'đăng ký kết hôn cần giấy tờ gì' });
    const [a, b] = await Promise.all([
      post(running, gatherPath(1), params),
      post(running, gatherPath(1), params),
    ]);
    const c = await post(running, gatherPath(1), params);
    expect(a.status).toBe(200);
    expect(b.xml).toBe(a.xml);
    expect(c.xml).toBe(a.xml);
    expect(parse(a.xml).spoken).toMatch(/kết hôn/);
    expect(spy).toHaveBeenCalledTimes(1);

    const sms = { MessageSid: smsSid(10), From: '+84901111222', Body: 'khai tử cần gì' };
    const first = await post(running, '/webhooks/twilio/sms', sms);
    const again = await post(running, '/webhooks/twilio/sms', sms);
    expect(again.xml).toBe(first.xml);
    expect(spy).toHaveBeenCalledTimes(2);
  });
});

describe('Twilio channel off', () => {
  it('is off without its secrets, saying which are missing, and answers 503 on its paths only', async () => {
    const config = parseConfig({ TWILIO_ACCOUNT_SID: SID });
    const mounted = createTwilioChannel().create({ config } as ChannelDeps);
    expect(mounted.off).toBe('TWILIO_AUTH_TOKEN, PUBLIC_BASE_URL not set');

    const off = await startTestServer({}, { channels: [createTwilioChannel()] });
    try {
      const res = await fetch(`${off.url}/webhooks/twilio/voice`, { method: 'POST', body: 'CallSid=x' });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: string }).error).toMatch(
        /TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, PUBLIC_BASE_URL/,
      );
      expect((await fetch(`${off.url}/elsewhere`, { method: 'POST' })).status).toBe(404);
    } finally {
      await off.close();
    }
  });

  it('refuses an account SID that is not one', () => {
    const config = parseConfig({ ...ENV, TWILIO_ACCOUNT_SID: 'SK123' });
    expect(createTwilioChannel().create({ config } as ChannelDeps).off).toMatch(/must start with AC/);
  });
});
