/**
 * 👍/👎 on answers, through each channel of the real server with a real PostgreSQL:
 * - Web Chat (Direct Line): a procedure answer ends with two messageBack actions after the next steps;
 *   pressing 👎 posts `value: {feedback: -1}`; the bot thanks, stores kind 'thumbs' rating −1 linked to
 *   the rated answer's message, never asks the engine; a second press stores nothing more; a fallback
 *   offers no rating; the rated question is in the inbox's unanswered set as thumbs_down.
 * - Zalo (signed webhook, the OA message API faked with nock): the rating takes the last two of the 5
 *   buttons; the pressed button's text comes back and is stored as 👍.
 * - Phone (signed Twilio requests): the menu after an answer offers 8 and 9; 9 is stored as 👎, thanked,
 *   and the keys are not offered again.
 */
import { createHash } from 'node:crypto';
import nock from 'nock';
import twilio from 'twilio';
import type { ChannelDeps, ChannelModule } from '../../channels/channel';
import { createTwilioChannel } from '../../channels/twilio';
import { createZaloChannel, type ZaloChannel } from '../../channels/zalo';
import { directLineChannel } from '../../channels/directline';
import { collectUnanswered } from '../../src/editor/inbox/collect';
import { ratingOf, thanksFor } from '../../src/feedback/rating';
import type { RunningServer } from '../../src/server/start-server';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { DirectLineCitizen, type Json } from '../support/directline-citizen';
import { startTestServer } from '../support/test-server';
import {
  API as TWILIO_API,
  BASE as TWILIO_BASE,
  SID as TWILIO_SID,
  TOKEN as TWILIO_TOKEN,
} from '../support/twilio';
import { until } from '../support/until';
import { APP_ID, OA_ID, OA_SECRET, ZALO_API, ZALO_ENV } from '../support/zalo';

const ENV = {
  ...ZALO_ENV,
  TWILIO_ACCOUNT_SID: TWILIO_SID,
  TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
  PUBLIC_BASE_URL: TWILIO_BASE,
  TWILIO_API_BASE: TWILIO_API,
};
const QUESTION = 'làm giấy khai sinh cần giấy tờ gì';
const HANDOFF = 'Gặp cán bộ';

let db: TestDatabase;
let running: RunningServer;
let zalo: ZaloChannel;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  db = await createTestDatabase();
  const zaloModule: ChannelModule = {
    name: 'zalo',
    create: (deps: ChannelDeps) =>
      (zalo = createZaloChannel(deps, { retry: { baseDelayMs: 1, maxDelayMs: 4 } })),
  };
  running = await startTestServer(ENV, {
    database: db,
    channels: [directLineChannel, zaloModule, createTwilioChannel()],
  });
}, 60_000);
afterEach(() => nock.cleanAll());
afterAll(async () => {
  await running?.close();
  await db?.drop();
  nock.enableNetConnect();
  nock.restore();
});

interface FeedbackRow {
  rating: number;
  kind: string;
  message_id: string | null;
}

const feedbackOf = async (conversationId: string): Promise<FeedbackRow[]> =>
  (
    await db.pool.query<FeedbackRow>(
      'SELECT rating, kind, message_id FROM feedback WHERE conversation_id = $1 ORDER BY id',
      [conversationId],
    )
  ).rows;

/** The id of the conversation's recorded answer (decision 'answer') to `question`, once written. */
const recordedAnswer = (conversationId: string, question: string): Promise<string> =>
  until(async () => {
    const { rows } = await db.pool.query<{ id: string }>(
      `SELECT a.id FROM messages q JOIN messages a ON a.conversation_id = q.conversation_id AND a.id > q.id
       WHERE q.conversation_id = $1 AND q.direction = 'in' AND q.text = $2 AND a.direction = 'out'
         AND a.decision = 'answer' ORDER BY a.id LIMIT 1`,
      [conversationId, question],
    );
    return rows[0]?.id;
  });

describe('rating labels', () => {
  it('recognises the value, the labels, and the bare emoji; nothing else', () => {
    expect(ratingOf({ text: 'x', value: { feedback: -1 } })).toBe(-1);
    expect(ratingOf({ text: '👍 Hữu ích' })).toBe(1);
    expect(ratingOf({ text: 'huu ich' })).toBe(1);
    expect(ratingOf({ text: '👎' })).toBe(-1);
    expect(ratingOf({ text: '👎 Not right' })).toBe(-1);
    expect(ratingOf({ text: 'làm giấy khai sinh chưa đúng tên thì sao' })).toBeUndefined();
    expect(ratingOf({ text: '' })).toBeUndefined();
  });
});

describe('👍/👎 in Web Chat (Direct Line)', () => {
  it('offers the rating after an answer, stores a 👎 once, thanks, and never asks the engine', async () => {
    const citizen = await DirectLineCitizen.start(running.url);
    await citizen.say(QUESTION);
    const [answer] = (await citizen.waitFor((a) => a.channelData?.trolytuphap?.decision === 'answer')).filter(
      (a: Json) => a.channelData?.trolytuphap?.decision === 'answer',
    );
    const actions = answer.suggestedActions.actions as Json[];
    expect(actions.slice(-2)).toEqual([
      {
        type: 'messageBack',
        title: '👍 Hữu ích',
        text: '👍 Hữu ích',
        displayText: '👍 Hữu ích',
        value: { feedback: 1 },
      },
      {
        type: 'messageBack',
        title: '👎 Chưa đúng',
        text: '👎 Chưa đúng',
        displayText: '👎 Chưa đúng',
        value: { feedback: -1 },
      },
    ]);
    expect(actions.slice(0, -2).map((a) => a.title)).toContain(HANDOFF);
    const answerId = await recordedAnswer(citizen.botId, QUESTION);

    const press = () =>
      fetch(`${running.url}/v3/directline/conversations/${citizen.conversationId}/activities`, {
        method: 'POST',
        headers: { authorization: `Bearer ${citizen.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message',
          text: '👎 Chưa đúng',
          value: { feedback: -1 },
          from: { id: 'dl_citizen', role: 'user' },
          locale: 'vi-VN',
        }),
      });
    expect((await press()).status).toBe(200);
    const thanks = thanksFor(-1, 'vi', HANDOFF);
    const seen = await citizen.waitFor((a) => a.type === 'message' && a.text === thanks);
    const reply = seen.find((a: Json) => a.text === thanks);
    expect(reply.channelData?.trolytuphap).toBeUndefined(); // not an engine answer
    expect(reply.suggestedActions.actions.map((a: Json) => a.title)).toEqual([HANDOFF]);
    expect(await feedbackOf(citizen.botId)).toEqual([{ rating: -1, kind: 'thumbs', message_id: answerId }]);

    // Pressed again: thanked, not stored twice.
    expect((await press()).status).toBe(200);
    await citizen.waitFor((a) => a.type === 'message' && a.text === thanks);
    expect(await feedbackOf(citizen.botId)).toHaveLength(1);

    // The engine never saw the rating: no reply of the conversation has a decision after the answer.
    await until(async () => {
      const { rows } = await db.pool.query(
        `SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1 AND direction = 'in' AND text = '👎 Chưa đúng'`,
        [citizen.botId],
      );
      return rows[0].n === 2 ? true : undefined;
    });
    const { rows: decided } = await db.pool.query(
      `SELECT decision FROM messages WHERE conversation_id = $1 AND direction = 'out' AND id > $2 AND decision IS NOT NULL`,
      [citizen.botId, answerId],
    );
    expect(decided).toEqual([]);

    // The rated question is in the inbox's unanswered set.
    const unanswered = await collectUnanswered(
      db.pool,
      new Date(Date.now() - 3_600_000),
      new Date(Date.now() + 60_000),
    );
    expect(unanswered).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ text: QUESTION, reasons: ['thumbs_down'], channel: 'directline' }),
      ]),
    );
  });

  it('offers no rating after a reply that is not a procedure answer', async () => {
    const citizen = await DirectLineCitizen.start(running.url);
    await citizen.say('asdkjh qwe zxc');
    const seen = await citizen.waitFor((a) => a.channelData?.trolytuphap?.decision !== undefined);
    const reply = seen.find((a: Json) => a.channelData?.trolytuphap?.decision !== undefined);
    expect(reply.channelData.trolytuphap.decision).not.toBe('answer');
    const titles = (reply.suggestedActions?.actions ?? []).map((a: Json) => a.title);
    expect(titles).not.toContain('👍 Hữu ích');
  });
});

describe('👍/👎 on Zalo (signed webhook, quick-reply buttons)', () => {
  interface Sent {
    recipient: { user_id: string };
    message: { text: string; attachment?: { payload: { buttons: { title: string; payload: string }[] } } };
  }
  const sent: Sent[] = [];
  let msg = 0;

  function deliver(text: string, userId: string): Promise<Response> {
    const event = {
      app_id: APP_ID,
      user_id_by_app: '5521234567890123456',
      event_name: 'user_send_text',
      timestamp: String(Date.now()),
      sender: { id: userId },
      recipient: { id: OA_ID },
      message: { msg_id: `feedback-msg-${(msg += 1)}`, text },
    };
    const raw = JSON.stringify(event);
    const mac = createHash('sha256')
      .update(APP_ID + raw + event.timestamp + OA_SECRET)
      .digest('hex');
    return fetch(`${running.url}/webhooks/zalo`, {
      method: 'POST',
      body: raw,
      headers: { 'content-type': 'application/json', 'X-ZEvent-Signature': `mac=${mac}` },
    });
  }

  it('puts 👍 and 👎 on the last two buttons and stores the pressed one', async () => {
    nock(ZALO_API)
      .persist()
      .post('/v3.0/oa/message/cs')
      .reply(200, (_uri, body) => {
        sent.push((typeof body === 'string' ? JSON.parse(body) : body) as Sent);
        return { error: 0, message: 'Success', data: { message_id: `mid-${sent.length}` } };
      });
    const user = '2468458835296117922';
    expect((await deliver(QUESTION, user)).status).toBe(200);
    await zalo.idle();
    const buttons = sent.at(-1)!.message.attachment!.payload.buttons;
    expect(buttons).toHaveLength(5);
    expect(buttons.slice(-2).map((b) => [b.title, b.payload])).toEqual([
      ['👍 Hữu ích', '👍 Hữu ích'],
      ['👎 Chưa đúng', '👎 Chưa đúng'],
    ]);
    expect(buttons[2]!.title).toBe(HANDOFF); // the way out is kept
    const answerId = await recordedAnswer(`zalo:${user}`, QUESTION);

    expect((await deliver('👍 Hữu ích', user)).status).toBe(200);
    await zalo.idle();
    expect(sent.at(-1)!.message.text).toBe(thanksFor(1, 'vi', HANDOFF));
    expect(await feedbackOf(`zalo:${user}`)).toEqual([{ rating: 1, kind: 'thumbs', message_id: answerId }]);
  });
});

describe('👍/👎 on the phone (signed Twilio requests, keys 8 and 9)', () => {
  const callSid = `CA${'f'.repeat(31)}1`;
  const params = (extra: Record<string, string>) => ({
    CallSid: callSid,
    AccountSid: TWILIO_SID,
    From: '+84901234567',
    To: '+842383000000',
    CallStatus: 'in-progress',
    ...extra,
  });
  async function gather(step: number, menu: string, extra: Record<string, string>): Promise<string> {
    const path = `/webhooks/twilio/voice/gather?step=${step}&menu=${menu}`;
    const body = params(extra);
    const res = await fetch(running.url + path, {
      method: 'POST',
      body: new URLSearchParams(body),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilio.getExpectedTwilioSignature(TWILIO_TOKEN, TWILIO_BASE + path, body),
      },
    });
    expect(res.status).toBe(200);
    return res.text();
  }
  const prompt = (xml: string) => /<Gather[^>]*>([\s\S]*?)<\/Gather>/.exec(xml)?.[1] ?? '';

  it('offers 8 and 9 after an answer, stores 9 as 👎 once, and thanks', async () => {
    const answered = await gather(1, 'main', { SpeechResult: QUESTION });
    expect(prompt(answered)).toContain('Nếu câu trả lời hữu ích, bấm 8; nếu chưa đúng, bấm 9.');
    const answerId = await recordedAnswer(`twilio:${callSid}`, QUESTION);

    const rated = await gather(2, 'after', { Digits: '9' });
    expect(rated).toContain('>Cảm ơn anh chị đã góp ý.</Say>');
    expect(prompt(rated)).toMatch(/Bấm 1 để nghe lại/);
    expect(prompt(rated)).not.toContain('bấm 8');
    expect(await feedbackOf(`twilio:${callSid}`)).toEqual([
      { rating: -1, kind: 'thumbs', message_id: answerId },
    ]);

    const again = await gather(3, 'after', { Digits: '9' });
    expect(again).toContain('Phím này không có trong danh sách.');
    expect(await feedbackOf(`twilio:${callSid}`)).toHaveLength(1);
  });
});
