/**
 * Phone and SMS handoffs through the PostgreSQL queue, on a real database and the real server, driven
 * the way Twilio drives them: form-encoded webhooks signed with the twilio package over
 * PUBLIC_BASE_URL + path and query, TwiML back; Twilio's REST API (Calls.json, Messages.json,
 * Queues/{sid}.json) is intercepted with nock on a fake host (TWILIO_API_BASE). Officers use the
 * console's JSON API. The clock is injected so opening hours are deterministic.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import nock from 'nock';
import { createTwilioChannel } from '../../channels/twilio';
import { PROMPTS } from '../../channels/twilio/voice-prompts';
import { setOfficerPhone } from '../../src/auth/officer-phone';
import { createUser } from '../../src/auth/users';
import type { RunningServer } from '../../src/server/start-server';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { OfficerSession, type Json } from '../support/officer-session';
import { sharedEngine, startTestServer } from '../support/test-server';
import {
  API,
  attributes,
  BASE,
  call,
  CLOSED,
  decode,
  LINE,
  OPEN,
  postWebhook,
  SID,
  SMS_FROM,
  TOKEN,
  TWILIO_ENV as ENV,
} from '../support/twilio';
import { until } from '../support/until';

const TEXTER = '+84907654321';
const OFFICER_PHONE = '+842383999999';
const ACCOUNT = `/2010-04-01/Accounts/${SID}`;
const PASSWORD = 'mat-khau-rat-dai';

let counter = 0;
const hex32 = (n: number) => n.toString(16).padStart(32, '0');
const newCall = () => `CA${hex32(++counter)}`;
const newQueue = () => `QU${hex32(++counter)}`;
const smsSid = () => `SM${hex32(++counter)}`;

let clock = OPEN;
let db: TestDatabase;
let running: RunningServer;

const post = (path: string, params: Record<string, string>, signed = true) =>
  postWebhook(running.url, path, params, signed ? undefined : null);

const spoken = (xml: string) =>
  [...xml.matchAll(/<Say[^>]*>([^<]*)<\/Say>/g)].map((m) => decode(m[1] ?? '')).join(' ');

const gatherPath = (step: number, menu = 'main', handoff?: number) =>
  `/webhooks/twilio/voice/gather?step=${step}&menu=${menu}${handoff === undefined ? '' : `&handoff=${handoff}`}`;
const waitPath = (handoff: number) => `/webhooks/twilio/voice/wait?handoff=${handoff}`;

/** What Twilio sends to a wait URL (QueuePosition is Twilio's own: 1 in a queue of one). */
const waiting = (callSid: string, queueSid: string) =>
  call(callSid, {
    QueueSid: queueSid,
    QueuePosition: '1',
    QueueTime: '12',
    AvgQueueTime: '12',
    CurrentQueueSize: '1',
    MaxQueueSize: '1000',
  });

const sms = (body: string, from = TEXTER) => ({
  MessageSid: smsSid(),
  AccountSid: SID,
  From: from,
  To: LINE,
  Body: body,
  NumMedia: '0',
});

const messageOf = (xml: string) => decode(/<Message>([\s\S]*)<\/Message>/.exec(xml)?.[1] ?? '');

interface HandoffRow {
  id: number;
  status: string;
  reason: string;
  channel: string;
  close_reason: string | null;
}

async function handoffOf(conversationId: string): Promise<HandoffRow | undefined> {
  const { rows } = await db.pool.query<HandoffRow>(
    `SELECT id::int AS id, status, reason, channel, close_reason FROM handoffs
     WHERE conversation_id = $1 ORDER BY id DESC LIMIT 1`,
    [conversationId],
  );
  return rows[0];
}

/** A logged-in officer of the console, with paths under /agent/api/. */
const signIn = async (username: string): Promise<OfficerSession> =>
  (await OfficerSession.login(running.url, username, PASSWORD)).at(`${running.url}/agent/api/`);

/** A caller who presses 0 within opening hours; returns the PostgreSQL handoff and the TwiML. */
async function callerAsksForOfficer(): Promise<{ callSid: string; handoff: HandoffRow; xml: string }> {
  const callSid = newCall();
  const res = await post(gatherPath(1), call(callSid, { Digits: '0' }));
  expect(res.status).toBe(200);
  const handoff = await handoffOf(`twilio:${callSid}`);
  expect(handoff).toMatchObject({ status: 'queued', reason: 'ivr', channel: 'twilio' });
  return { callSid, handoff: handoff!, xml: res.xml };
}

let canbo1: OfficerSession;
let canbo2: OfficerSession;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  db = await createTestDatabase();
  running = await startTestServer(ENV, {
    database: db,
    channels: [createTwilioChannel({ now: () => clock })],
    now: () => clock,
  });
  await createUser(db.pool, { username: 'canbo1', password: PASSWORD, roles: ['agent'] });
  await setOfficerPhone(db.pool, 'canbo1', OFFICER_PHONE);
  await createUser(db.pool, { username: 'canbo2', password: PASSWORD, roles: ['agent'] });
  canbo1 = await signIn('canbo1');
  canbo2 = await signIn('canbo2');
}, 60000);

afterEach(() => {
  nock.cleanAll();
  clock = OPEN;
});

afterAll(async () => {
  await running?.close();
  await db?.drop();
  nock.enableNetConnect();
  nock.restore();
});

describe('phone handoff through the PostgreSQL queue', () => {
  let callSid: string;
  let handoff: HandoffRow;
  const queueSid = newQueue();

  it('queues the caller (key 0) with the IVR transcript, in a Twilio queue of its own with a wait URL', async () => {
    callSid = newCall();
    const asked = await post(
      gatherPath(1),
      call(callSid, { SpeechResult: 'làm giấy khai sinh cần giấy tờ gì' }),
    );
    expect(spoken(asked.xml)).toMatch(/khai sinh/i);

    const res = await post(gatherPath(2, 'after'), call(callSid, { Digits: '0' }));
    handoff = (await handoffOf(`twilio:${callSid}`))!;
    expect(handoff).toMatchObject({ status: 'queued', reason: 'ivr', channel: 'twilio' });
    expect(spoken(res.xml)).toBe(PROMPTS.transfer);
    const enqueue = /<Enqueue([^>]*)>([^<]*)<\/Enqueue>/.exec(res.xml);
    expect(enqueue?.[2]).toBe(`tro-ly-tu-phap-${handoff.id}`);
    expect(attributes(enqueue?.[1] ?? '')).toEqual({
      action: BASE + gatherPath(3, 'officer', handoff.id),
      method: 'POST',
      waitUrl: BASE + waitPath(handoff.id),
      waitUrlMethod: 'POST',
    });
    expect(res.xml).not.toMatch(/<Gather|<Play/);

    const { items } = await canbo1.json('GET', 'queue');
    expect(items).toEqual([
      expect.objectContaining({
        id: handoff.id,
        conversationId: `twilio:${callSid}`,
        channel: 'twilio',
        reason: 'ivr',
        status: 'queued',
        position: 1,
      }),
    ]);
    const view = await until(async () => {
      const v = await canbo1.json('GET', `conversations/${encodeURIComponent(`twilio:${callSid}`)}`);
      return v.messages.some((m: Json) => m.direction === 'out') ? v : undefined;
    });
    expect(view.channel).toBe('twilio');
    expect(view.messages[0]).toMatchObject({ direction: 'in', text: 'làm giấy khai sinh cần giấy tờ gì' });
    expect(view.messages[1].text).toMatch(/khai sinh/i);
    const { question, suggestions } = await canbo1.json(
      'GET',
      `conversations/${encodeURIComponent(`twilio:${callSid}`)}/suggestions`,
    );
    expect(question).toBe('làm giấy khai sinh cần giấy tờ gì');
    expect(suggestions[0]).toMatchObject({ guideId: 'ho-tich/khai-sinh' });
  });

  it('tells the waiting caller their place in our queue, in Vietnamese words, then pauses', async () => {
    const res = await post(waitPath(handoff.id), waiting(callSid, queueSid));
    expect(res.status).toBe(200);
    expect(spoken(res.xml)).toBe(
      'Anh chị đang ở vị trí số một trong hàng chờ, thời gian chờ khoảng ba phút. Xin anh chị vui lòng giữ máy.',
    );
    expect(res.xml).toMatch(/<Pause length="25"\/><\/Response>$/);
    expect(res.xml).not.toMatch(/<Play|<Gather/);

    // A second caller is number two.
    const second = await callerAsksForOfficer();
    const two = await post(waitPath(second.handoff.id), waiting(second.callSid, newQueue()));
    expect(spoken(two.xml)).toMatch(/^Anh chị đang ở vị trí số hai trong hàng chờ/);
    await canbo2.json('POST', `handoffs/${second.handoff.id}/close`, { reason: 'khác' });

    expect((await post(waitPath(handoff.id), waiting(callSid, queueSid), false)).status).toBe(403);
    expect((await post('/webhooks/twilio/voice/wait?handoff=x', waiting(callSid, queueSid))).status).toBe(
      400,
    );
  });

  it('bridges the holder to exactly this caller: Calls.json to the officer with <Dial><Queue>', async () => {
    await canbo1.json('POST', `handoffs/${handoff.id}/answer-call`, {}, 409); // not claimed yet
    await canbo1.json('POST', `handoffs/${handoff.id}/claim`);
    const other = await canbo2.json('POST', `handoffs/${handoff.id}/answer-call`, {}, 409);
    expect(other.code).toBe('not_holder');
    await canbo1.json('POST', 'handoffs/999999/answer-call', {}, 404);
    await canbo1.json('POST', 'handoffs/abc/answer-call', {}, 400);

    let sent: Record<string, string> | undefined;
    const scope = nock(API)
      .post(`${ACCOUNT}/Calls.json`, (body: Record<string, string>) => {
        sent = body;
        return true;
      })
      .basicAuth({ user: SID, pass: TOKEN })
      .reply(201, { sid: `CA${'f'.repeat(32)}`, status: 'queued', to: OFFICER_PHONE, from: SMS_FROM });
    const answered = await canbo1.json('POST', `handoffs/${handoff.id}/answer-call`);
    expect(answered).toEqual({ calling: true, callId: `CA${'f'.repeat(32)}` });
    expect(scope.isDone()).toBe(true);
    expect(sent?.To).toBe(OFFICER_PHONE);
    expect(sent?.From).toBe(SMS_FROM);
    expect(sent?.Twiml).toMatch(new RegExp(`<Dial[^>]*><Queue>tro-ly-tu-phap-${handoff.id}</Queue></Dial>`));
    expect(sent?.Twiml).toMatch(/^<\?xml[^>]*><Response><Say [^>]*language="vi-VN"[^>]*>/);

    const held = await post(waitPath(handoff.id), waiting(callSid, queueSid));
    expect(spoken(held.xml)).toBe(PROMPTS.officerTaking);

    const { rows } = await db.pool.query(
      `SELECT actor FROM audit_log WHERE action = 'handoff.answer_call' AND subject = $1`,
      [`handoff:${handoff.id}`],
    );
    expect(rows).toEqual([{ actor: 'canbo1' }]);
  });

  it('keeps the handoff for the officer to close when the bridged call ends, and removes the queue', async () => {
    const removed = nock(API).delete(`${ACCOUNT}/Queues/${queueSid}.json`).reply(204);
    const res = await post(
      gatherPath(3, 'officer', handoff.id),
      call(callSid, { QueueResult: 'bridged', QueueSid: queueSid, QueueTime: '40' }),
    );
    expect(res.xml).toMatch(/<Hangup\/>/);
    await until(async () => (removed.isDone() ? true : undefined));
    expect(await handoffOf(`twilio:${callSid}`)).toMatchObject({ status: 'assigned' });
    const closed = await canbo1.json('POST', `handoffs/${handoff.id}/close`, { reason: 'đã giải đáp' });
    expect(closed).toMatchObject({ status: 'closed', closeReason: 'đã giải đáp' });
  });

  it('answers 409 with the reason when the officer has no phone and TWILIO_HANDOFF_DIAL is not set', async () => {
    const { handoff: h } = await callerAsksForOfficer();
    await canbo2.json('POST', `handoffs/${h.id}/claim`);
    const refused = await canbo2.json('POST', `handoffs/${h.id}/answer-call`, {}, 409);
    expect(refused).toMatchObject({ code: 'cannot_call' });
    expect(refused.error).toMatch(/no phone number for this officer/);
    expect(refused.error).toMatch(/TWILIO_HANDOFF_DIAL/);
    await canbo2.json('POST', `handoffs/${h.id}/close`, { reason: 'trả lại bot' });
  });

  it('takes the caller out of the queue, back to the assistant, when the officer closed the handoff', async () => {
    const { callSid: id, handoff: h } = await callerAsksForOfficer();
    await canbo1.json('POST', `handoffs/${h.id}/close`, { reason: 'trả lại bot' });
    const wait = await post(waitPath(h.id), waiting(id, newQueue()));
    expect(wait.xml).toMatch(/<Response><Leave\/><\/Response>$/);

    const back = await post(gatherPath(2, 'officer', h.id), call(id, { QueueResult: 'leave' }));
    expect(spoken(back.xml).startsWith(`${PROMPTS.backToBot} ${PROMPTS.ask}`)).toBe(true);
    expect(attributes(/<Gather([^>]*)>/.exec(back.xml)?.[1] ?? '').action).toBe(BASE + gatherPath(3, 'ask'));
  });

  it('closes the handoff when the caller hangs up while waiting', async () => {
    const { callSid: id, handoff: h } = await callerAsksForOfficer();
    const queue = newQueue();
    const removed = nock(API).delete(`${ACCOUNT}/Queues/${queue}.json`).reply(204);
    const res = await post(
      gatherPath(2, 'officer', h.id),
      call(id, { QueueResult: 'hangup', QueueSid: queue, QueueTime: '95', CallStatus: 'completed' }),
    );
    expect(res.status).toBe(200);
    expect(await handoffOf(`twilio:${id}`)).toMatchObject({
      id: h.id,
      status: 'closed',
      close_reason: 'caller hung up',
    });
    await until(async () => (removed.isDone() ? true : undefined));
    expect((await canbo1.json('GET', 'queue')).items).toEqual([]);
    const { rows } = await db.pool.query(
      `SELECT actor FROM audit_log WHERE action = 'handoff.close' AND subject = $1`,
      [`handoff:${h.id}`],
    );
    expect(rows).toEqual([{ actor: 'system' }]);
  });

  it('outside opening hours: no open handoff, for key 0 or a spoken request', async () => {
    clock = CLOSED;
    const id = newCall();
    const res = await post(gatherPath(1), call(id, { Digits: '0' }));
    expect(res.xml).not.toMatch(/<Enqueue|<Dial/);
    expect(spoken(res.xml)).toMatch(/ngoài giờ làm việc/);
    expect(await handoffOf(`twilio:${id}`)).toBeUndefined();

    const spokenId = newCall();
    const asked = await post(gatherPath(1), call(spokenId, { SpeechResult: 'cho tôi gặp cán bộ' }));
    expect(asked.xml).not.toMatch(/<Enqueue|<Dial/);
    expect(spoken(asked.xml)).toMatch(/ngoài giờ làm việc/);
    // The bot does not queue it out of hours; had it done so, the voice flow closes it.
    expect([undefined, 'closed']).toContain((await handoffOf(`twilio:${spokenId}`))?.status);
    expect((await canbo1.json('GET', 'queue')).items).toEqual([]);
  });
});

describe('SMS handoff: officer replies and the CSAT question by SMS', () => {
  it('queues a texter, texts the officer reply and the CSAT question, and stores the rating', async () => {
    const asked = await post('/webhooks/twilio/sms', sms('tôi muốn gặp cán bộ'));
    expect(asked.status).toBe(200);
    const reply = messageOf(asked.xml);
    expect(reply).toMatch(/vị trí số 1, thời gian chờ khoảng \d+ phút/);
    expect(reply).not.toMatch(/bấm phím 0/);

    const { items } = await canbo1.json('GET', 'queue');
    expect(items).toEqual([
      expect.objectContaining({ channel: 'twilio-sms', status: 'queued', position: 1 }),
    ]);
    const conversationId: string = items[0].conversationId;
    expect(conversationId).toMatch(/^twilio-sms:[0-9a-f]{20}$/);
    const { rows: contacts } = await db.pool.query<{ phone_sealed: Buffer }>(
      'SELECT phone_sealed FROM sms_contacts WHERE conversation_id = $1',
      [conversationId],
    );
    expect(contacts).toHaveLength(1);
    expect(contacts[0]!.phone_sealed.toString('latin1')).not.toMatch(/907654321/);

    // While waiting, the bot is silent: no <Message> at all.
    const meanwhile = await post('/webhooks/twilio/sms', sms('alo'));
    expect(meanwhile.xml).not.toMatch(/<Message/);

    await canbo1.json('POST', `handoffs/${items[0].id}/claim`);
    let officerSms: Record<string, string> | undefined;
    const sentReply = nock(API)
      .post(`${ACCOUNT}/Messages.json`, (body: Record<string, string>) => {
        officerSms = body;
        return true;
      })
      .basicAuth({ user: SID, pass: TOKEN })
      .reply(201, { sid: `SM${'a'.repeat(32)}`, status: 'queued' });
    await canbo1.json('POST', `conversations/${encodeURIComponent(conversationId)}/reply`, {
      text: 'Chào anh/chị, tôi là cán bộ tư pháp. Anh/chị cần hỏi gì ạ?',
    });
    expect(sentReply.isDone()).toBe(true);
    expect(officerSms).toMatchObject({
      To: TEXTER,
      From: SMS_FROM,
      Body: 'Cán bộ tư pháp: Chào anh/chị, tôi là cán bộ tư pháp. Anh/chị cần hỏi gì ạ?',
    });

    const engine = await sharedEngine();
    let csatSms: Record<string, string> | undefined;
    const sentCsat = nock(API)
      .post(`${ACCOUNT}/Messages.json`, (body: Record<string, string>) => {
        csatSms = body;
        return true;
      })
      .reply(201, { sid: `SM${'b'.repeat(32)}`, status: 'queued' });
    await canbo1.json('POST', `handoffs/${items[0].id}/close`, { reason: 'đã giải đáp' });
    expect(sentCsat.isDone()).toBe(true);
    expect(csatSms).toMatchObject({ To: TEXTER, Body: engine.replies.csat_question.vi });

    // The CSAT question is recorded (asynchronously) before the citizen answers.
    await until(async () => {
      const { rows } = await db.pool.query(
        `SELECT 1 FROM messages WHERE conversation_id = $1 AND decision = 'csat'`,
        [conversationId],
      );
      return rows.length > 0 ? true : undefined;
    });
    const rated = await post('/webhooks/twilio/sms', sms('5'));
    expect(messageOf(rated.xml)).toBe(engine.replies.csat_thanks.vi);
    const { rows: feedback } = await db.pool.query(
      'SELECT rating, kind FROM feedback WHERE conversation_id = $1',
      [conversationId],
    );
    expect(feedback).toEqual([{ rating: 5, kind: 'csat' }]);
  });

  it("says so (409) when the texter's number is not on record", async () => {
    await db.pool.query(
      `INSERT INTO conversations (id, channel) VALUES ('twilio-sms:unknown', 'twilio-sms')`,
    );
    const { rows } = await db.pool.query<{ id: string }>(
      `INSERT INTO handoffs (conversation_id, channel, reason) VALUES ('twilio-sms:unknown', 'twilio-sms', 'asked')
       RETURNING id`,
    );
    await canbo1.json('POST', `handoffs/${rows[0]!.id}/claim`);
    const res = await canbo1.json(
      'POST',
      'conversations/twilio-sms%3Aunknown/reply',
      { text: 'Xin chào' },
      409,
    );
    expect(res.error).toMatch(/no phone number on record/);
    await canbo1.json('POST', `handoffs/${rows[0]!.id}/close`, { reason: 'khác' });
  });
});

describe('officer phone numbers from the command line', () => {
  const ROOT = path.resolve(__dirname, '..', '..');
  const run = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        path.join(ROOT, 'node_modules', '.bin', 'tsx'),
        [path.join(ROOT, 'src', 'cli', 'user.ts'), ...args],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            DATABASE_URL: db.connectionString,
            TLTP_PASSWORD: PASSWORD,
            NODE_OPTIONS: '',
          },
        },
        (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
      );
    });
  const phoneOf = async (username: string) =>
    (await db.pool.query('SELECT phone FROM users WHERE username = $1', [username])).rows[0]?.phone;

  it('adds an officer with --phone, changes and removes it, and refuses a malformed number', async () => {
    const added = await run(['add', 'canbo3', '--role', 'agent', '--phone', '+84 238 399 9999']);
    expect(added).toMatchObject({ code: 0 });
    expect(added.stdout).toMatch(/^user "canbo3" added with roles agent and phone \S+\n$/);
    expect(added.stdout).not.toMatch(/3999999/);
    expect(await phoneOf('canbo3')).toBe('+842383999999');

    expect((await run(['phone', 'canbo3', 'sip:canbo3@pbx.example.vn'])).code).toBe(0);
    expect(await phoneOf('canbo3')).toBe('sip:canbo3@pbx.example.vn');
    expect((await run(['phone', 'canbo3', 'none'])).code).toBe(0);
    expect(await phoneOf('canbo3')).toBeNull();

    const bad = await run(['add', 'canbo4', '--role', 'agent', '--phone', '0909']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/phone: an E\.164 number/);
    const unknown = await run(['phone', 'nobody', '+842383999999']);
    expect(unknown).toMatchObject({ code: 1, stderr: 'error: user "nobody" does not exist\n' });
  }, 60000);
});
