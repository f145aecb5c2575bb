/**
 * Opening hours on the chat side (Direct Line, PostgreSQL, the bot's clock injected): inside hours a
 * request for an officer is queued with the citizen's position; outside hours nothing is queued and the
 * bot says when the centre opens, offering "Để lại số điện thoại" / "Tiếp tục hỏi trợ lý". A callback
 * rejects a bad number, takes a good one, stores it for officers (callback_requests, a 'callback' row in
 * their queue) and never lets the full number into logs or the transcript. Without a database the bot
 * gives the hours only. Also the formats: when it opens, in words; Vietnamese phone numbers.
 */
import { createUser } from '../../src/auth/users';
import { loadConversation } from '../../src/console/conversations';
import { findPhoneNumber } from '../../src/handoff/phone-number';
import { createLogger } from '../../src/log';
import {
  describeSchedule,
  formatOpening,
  nextOpening,
  parseOpeningHours,
} from '../../src/handoff/opening-hours';
import type { RunningServer } from '../../src/server/start-server';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { DirectLineCitizen, type Json } from '../support/directline-citizen';
import { startTestServer, testLogger } from '../support/test-server';
import { until } from '../support/until';

/** Wednesday 2 December 2026, 10:00 in Vietnam. */
const OPEN = new Date('2026-12-02T03:00:00Z');
/** Friday 27 November 2026, 19:00 in Vietnam: the centre opens again Monday 30/11 at 7:30. */
const CLOSED = new Date('2026-11-27T12:00:00Z');
const OPENS = 'Trung tâm mở cửa lại lúc 7:30 sáng thứ Hai, 30/11.';
const CHOICES = ['Để lại số điện thoại', 'Tiếp tục hỏi trợ lý'];

let db: TestDatabase;
let running: RunningServer;
let clock = OPEN;
const logs: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  running = await startTestServer({}, { database: db, now: () => clock, log: testLogger(logs) });
}, 60000);
afterAll(async () => {
  await running?.close();
  await db?.drop();
});

const messages = (activities: Json[]) => activities.filter((a) => a.type === 'message');
const texts = (activities: Json[]) => messages(activities).map((a) => a.text as string);
const buttons = (activity: Json) =>
  (activity?.suggestedActions?.actions ?? []).map((a: Json) => a.title as string);

async function ask(citizen: DirectLineCitizen, text: string): Promise<Json[]> {
  await citizen.say(text);
  return messages(await citizen.fromBot());
}

async function handoffsOf(conversationId: string) {
  const { rows } = await db.pool.query<{ reason: string; priority: number; status: string }>(
    `SELECT reason, priority, status FROM handoffs WHERE conversation_id = $1 ORDER BY id`,
    [conversationId],
  );
  return rows;
}

describe('inside opening hours', () => {
  it('queues the conversation and tells the citizen the position', async () => {
    clock = OPEN;
    const citizen = await DirectLineCitizen.start(running.url);
    const replies = await ask(citizen, 'cho tôi gặp cán bộ');
    expect(texts(replies)).toContain('Anh/chị đang ở vị trí số 1, thời gian chờ khoảng 3 phút.');
    expect(await handoffsOf(citizen.botId)).toEqual([{ reason: 'asked', priority: 0, status: 'queued' }]);
  });
});

describe('outside opening hours', () => {
  beforeEach(() => {
    clock = CLOSED;
  });

  it('says when the centre opens and offers a callback or the bot, queueing nothing', async () => {
    const citizen = await DirectLineCitizen.start(running.url);
    const [reply, ...more] = await ask(citizen, 'cho tôi gặp cán bộ');
    expect(more).toEqual([]);
    expect(reply.text).toContain('Hiện đã ngoài giờ làm việc của cán bộ tổng đài');
    expect(reply.text).toContain('(giờ làm việc: thứ Hai đến thứ Sáu 07:30-17:00)');
    expect(reply.text).toContain(OPENS);
    expect(buttons(reply)).toEqual(CHOICES);
    expect(reply.channelData.trolytuphap).toMatchObject({ decision: 'handoff' });
    expect(await handoffsOf(citizen.botId)).toEqual([]);
  });

  it('takes a callback: rejects a bad number, stores a good one, shows it in the officers’ queue', async () => {
    const citizen = await DirectLineCitizen.start(running.url);
    await ask(citizen, 'bực mình quá, hỏi mãi không ra');
    const [askPhone] = await ask(citizen, 'Để lại số điện thoại');
    expect(askPhone.text).toMatch(/^Anh\/chị vui lòng nhập số điện thoại để cán bộ gọi lại/);
    expect(buttons(askPhone)).toEqual(['Tiếp tục hỏi trợ lý']);

    const [retry] = await ask(citizen, '1900 1234');
    expect(retry.text).toMatch(/^Số điện thoại này chưa đúng/);

    const [confirmed] = await ask(citizen, 'số của tôi là 0912 345 678 nhé');
    expect(confirmed.text).toMatch(/^Cảm ơn anh\/chị\. Cán bộ sẽ gọi lại anh\/chị trong giờ làm việc/);
    expect(confirmed.text).toContain('theo số có đuôi 678');
    expect(confirmed.text).toContain('7:30 sáng thứ Hai, 30/11');

    const callbacks = await running.handoff!.callbacks.forConversation(citizen.botId);
    expect(callbacks).toEqual([
      expect.objectContaining({
        phone: '0912345678',
        reason: 'complaint',
        status: 'open',
        channel: 'directline',
      }),
    ]);
    // Officers see it in their queue, ahead of plain requests (the complaint's priority).
    const queue = await running.handoff!.queue.list({ status: 'queued' });
    expect(queue.find((h) => h.conversationId === citizen.botId)).toMatchObject({
      reason: 'callback',
      priority: 2,
    });
    expect((await running.handoff!.callbacks.list()).map((c) => c.conversationId)).toContain(citizen.botId);

    // The bot keeps answering while the callback waits for office hours.
    const [answer] = await ask(citizen, 'lý lịch tư pháp làm ở đâu');
    expect(answer.channelData.trolytuphap).toMatchObject({ procedure: 'ly-lich-tu-phap/cap-phieu' });

    // The full number is in no log line and not in the transcript (masked), only in callback_requests.
    const recorded = await until(async () => {
      const { rows } = await db.pool.query<{ text: string }>(
        `SELECT text FROM messages WHERE conversation_id = $1 ORDER BY id`,
        [citizen.botId],
      );
      return rows.some((r) => r.text.includes('lý lịch tư pháp')) ? rows.map((r) => r.text) : undefined;
    });
    expect(recorded).toContain('số của tôi là ***78 nhé');
    for (const text of [...recorded, ...logs]) expect(text).not.toMatch(/912[\s.-]?345[\s.-]?678/);
    expect(logs.some((l) => l.includes('"msg":"callback requested"'))).toBe(true);

    // The officer who opens the conversation sees the number to call; closing the handoff marks the
    // request handled (audited).
    const view = await loadConversation(db.pool, citizen.botId);
    expect(view?.callbacks).toEqual([expect.objectContaining({ phone: '0912345678' })]);
    const officer = await createUser(db.pool, {
      username: 'goilai',
      password: 'mat-khau-rat-dai',
      roles: ['agent'],
    });
    const handoffId = queue.find((h) => h.conversationId === citizen.botId)!.id;
    await running.handoff!.queue.claim(handoffId, Number(officer.id));
    await running.handoff!.close(handoffId, Number(officer.id), 'đã giải đáp');
    const [done] = await running.handoff!.callbacks.forConversation(citizen.botId);
    expect(done).toMatchObject({ status: 'done', handledBy: Number(officer.id) });
    expect((await loadConversation(db.pool, citizen.botId))?.callbacks).toEqual([]);
    const { rows: audited } = await db.pool.query(
      `SELECT actor FROM audit_log WHERE action = 'callback.done'`,
    );
    expect(audited).toEqual([{ actor: 'goilai' }]);
  });

  it('gives up after two retries, then answers normally', async () => {
    const citizen = await DirectLineCitizen.start(running.url);
    await ask(citizen, 'cho gặp người thật');
    await ask(citizen, 'Để lại số điện thoại');
    expect(texts(await ask(citizen, 'không có số'))[0]).toMatch(/^Số điện thoại này chưa đúng/);
    expect(texts(await ask(citizen, '+1 415 555 0100'))[0]).toMatch(/^Số điện thoại này chưa đúng/);
    const [gaveUp] = await ask(citizen, '0123');
    expect(gaveUp.text).toMatch(/^Tôi chưa nhận được số điện thoại hợp lệ/);
    expect(gaveUp.text).toContain('thứ Hai đến thứ Sáu 07:30-17:00');
    expect(await running.handoff!.callbacks.forConversation(citizen.botId)).toEqual([]);
    expect(await handoffsOf(citizen.botId)).toEqual([]);
    const [answer] = await ask(citizen, 'đăng ký khai sinh cần giấy tờ gì');
    expect(answer.channelData.trolytuphap).toMatchObject({ procedure: 'ho-tich/khai-sinh' });
  });

  it('"Tiếp tục hỏi trợ lý" returns to normal answers', async () => {
    const citizen = await DirectLineCitizen.start(running.url);
    await ask(citizen, 'hồ sơ của tôi đến đâu rồi');
    const [back] = await ask(citizen, 'Tiếp tục hỏi trợ lý');
    expect(back.text).toMatch(/^Vâng, anh\/chị cứ tiếp tục hỏi trợ lý/);
    const [answer] = await ask(citizen, 'đăng ký kết hôn cần giấy tờ gì');
    expect(answer.channelData.trolytuphap).toMatchObject({
      procedure: 'ho-tich/ket-hon',
      facet: 'documents',
    });
    expect(await handoffsOf(citizen.botId)).toEqual([]);
  });

  it('answers a new question asked instead of choosing, and takes a number given right away', async () => {
    const citizen = await DirectLineCitizen.start(running.url);
    await ask(citizen, 'gặp cán bộ');
    const [answer] = await ask(citizen, 'lý lịch tư pháp làm ở đâu');
    expect(answer.channelData.trolytuphap).toMatchObject({ procedure: 'ly-lich-tu-phap/cap-phieu' });
    await ask(citizen, 'cho tôi gặp cán bộ');
    const [confirmed] = await ask(citizen, '+84 238 3823 456');
    expect(confirmed.text).toContain('theo số có đuôi 456');
    const [request] = await running.handoff!.callbacks.forConversation(citizen.botId);
    expect(request).toMatchObject({ phone: '02383823456', reason: 'asked' });
  });

  it('speaks English to a citizen who writes English', async () => {
    const citizen = await DirectLineCitizen.start(running.url);
    const [reply] = await ask(citizen, 'I want to talk to a real person');
    expect(reply.text).toContain(
      'Our officers are off duty now (working hours: Monday to Friday 07:30-17:00',
    );
    expect(reply.text).toContain('The centre opens again at 7:30 a.m. on Monday 30/11.');
    expect(buttons(reply)).toEqual(['Leave a phone number', 'Keep asking the assistant']);
    const [askPhone] = await ask(citizen, 'Leave a phone number');
    expect(askPhone.text).toMatch(/^Please type the phone number/);
  });
});

describe('outside opening hours without a database', () => {
  it('says when the centre opens, with no callback offer', async () => {
    const plain = await startTestServer({}, { now: () => CLOSED });
    try {
      const res = await fetch(`${plain.url}/api/ask`, {
        method: 'POST',
        body: JSON.stringify({ text: 'cho tôi gặp cán bộ' }),
        headers: { 'content-type': 'application/json' },
      });
      const record = (await res.json()) as Json;
      expect(record).toMatchObject({ handoff: true, choices: [] });
      expect(record.answer).toContain(OPENS);
      expect(record.answer).toContain('Trong lúc chờ, anh/chị có thể tiếp tục hỏi trợ lý.');
    } finally {
      await plain.close();
    }
  });
});

/** Numbers as citizens type them, and the national form stored. */
const ACCEPTED: [string, string][] = [
  ['0912345678', '0912345678'],
  ['0912 345 678', '0912345678'],
  ['số em 0387.123.456 ạ', '0387123456'],
  ['+84 912 345 678', '0912345678'],
  ['84912345678', '0912345678'],
  ['0084 912 345 678', '0912345678'],
  ['(0238) 3823 456', '02383823456'],
  ['+84-238-3823-456', '02383823456'],
];

describe('formats', () => {
  const schedule = parseOpeningHours('Mon-Fri 07:30-11:30,13:30-17:00; Sat 07:30-11:30');

  it('writes when the centre opens: later today, tomorrow, another day; in English too', () => {
    const at = (iso: string) => nextOpening(schedule, new Date(iso))!;
    const noon = at('2026-12-02T05:00:00Z'); // Wednesday 12:00
    expect(formatOpening(noon)).toBe('1:30 chiều nay');
    expect(formatOpening(noon, 'en')).toBe('1:30 p.m. today');
    const evening = at('2026-12-02T12:00:00Z'); // Wednesday 19:00
    expect(formatOpening(evening)).toBe('7:30 sáng mai (thứ Năm, 3/12)');
    expect(formatOpening(evening, 'en')).toBe('7:30 a.m. tomorrow (Thursday 3/12)');
    const saturday = at('2026-11-28T06:00:00Z'); // Saturday 13:00
    expect(formatOpening(saturday)).toBe('7:30 sáng thứ Hai, 30/11');
    expect(formatOpening(saturday, 'en')).toBe('7:30 a.m. on Monday 30/11');
    expect(describeSchedule(schedule, 'text')).toBe(
      'thứ Hai đến thứ Sáu 07:30-11:30, 13:30-17:00; thứ Bảy 07:30-11:30',
    );
    expect(describeSchedule(schedule, 'text', 'en')).toBe(
      'Monday to Friday 07:30-11:30, 13:30-17:00; Saturday 07:30-11:30',
    );
  });

  it.each(ACCEPTED)('takes the Vietnamese number in "%s"', (text, phone) => {
    expect(findPhoneNumber(text)).toEqual({ kind: 'valid', phone, tail: phone.slice(-3) });
  });

  it.each([['0123'], ['1900 1234'], ['1800 5678 90'], ['0112345678'], ['+1 415 555 0100'], ['09123456789']])(
    'refuses "%s"',
    (text) => {
      expect(findPhoneNumber(text)).toEqual({ kind: 'invalid' });
    },
  );

  it('logs none of the numbers a callback accepts (src/log.ts masks every format)', () => {
    const lines: string[] = [];
    const log = createLogger('debug', (l) => lines.push(l));
    for (const [text, phone] of ACCEPTED) {
      log.info(`got ${text}`, { text });
      const { msg, text: logged } = JSON.parse(lines.pop()!) as { msg: string; text: string };
      expect(`${msg} ${logged}`.replace(/\D/g, '')).not.toContain(phone.slice(1, -2));
    }
  });

  it('tells a message without digits from a wrong number', () => {
    expect(findPhoneNumber('không có số')).toEqual({ kind: 'none' });
  });
});
