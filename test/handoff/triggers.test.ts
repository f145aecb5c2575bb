/**
 * What sends a conversation to the officers, end to end through the bot (/api/ask) on a real
 * PostgreSQL, inside opening hours: the citizen asks, two failed turns in a row, anger or a complaint,
 * a question about their own file. Each opens a handoff row with its own reason and priority
 * (complaints first). Ordinary questions, including how to file a complaint or how to look up a file,
 * open none: they are procedure questions the guides answer (phan-anh/kien-nghi, tra-cuu-ho-so).
 * The phone's key 0 ('ivr') is the voice channel's own trigger (channels/twilio), not the bot's.
 */
import { randomUUID } from 'node:crypto';
import type { Json } from '../support/directline-citizen';
import { serverWithDatabase } from '../support/server-with-database';

const server = serverWithDatabase();

/** One conversation over /api/ask; `say` returns the answer record (or the 202 body). */
function conversation() {
  const id = randomUUID();
  return {
    botId: `api:${id}`,
    async say(text: string): Promise<Json> {
      const res = await fetch(`${server.running.url}/api/ask`, {
        method: 'POST',
        body: JSON.stringify({ text, conversationId: id }),
        headers: { 'content-type': 'application/json' },
      });
      return res.json();
    },
  };
}

async function handoffsOf(conversationId: string): Promise<{ reason: string; priority: number }[]> {
  const { rows } = await server.db.pool.query<{ reason: string; priority: number }>(
    `SELECT reason, priority FROM handoffs WHERE conversation_id = $1 ORDER BY id`,
    [conversationId],
  );
  return rows;
}

/** Asks in a new conversation (after `before`, if any) and returns the handoff rows it opened. */
async function triggered(text: string, before: string[] = []) {
  const c = conversation();
  for (const t of before) await c.say(t);
  const record = await c.say(text);
  return { record, rows: await handoffsOf(c.botId) };
}

describe('handoff triggers through the bot (PostgreSQL)', () => {
  it.each([
    ['cho tôi gặp cán bộ'],
    ['cho toi gap can bo'],
    ['I want to speak to an officer'],
    ['gọi lại cho tôi với'],
  ])('the citizen asks: "%s" → reason asked, priority 0', async (text) => {
    const { record, rows } = await triggered(text);
    expect(record).toMatchObject({ handoff: true, decision: 'handoff' });
    expect(rows).toEqual([{ reason: 'asked', priority: 0 }]);
  });

  it('two failed turns in a row → reason failed_turns, priority 1 (one failed turn opens none)', async () => {
    const c = conversation();
    expect(await c.say('zzqx vbnm')).toMatchObject({ decision: 'fallback', handoff: false });
    expect(await handoffsOf(c.botId)).toEqual([]);
    expect(await c.say('qwrt plkm xdfg')).toMatchObject({ decision: 'handoff', handoff: true });
    expect(await handoffsOf(c.botId)).toEqual([{ reason: 'failed_turns', priority: 1 }]);
  });

  it.each([
    ['bực mình quá'],
    ['làm ăn kiểu gì vậy'],
    ['lam an kieu gi vay, hoi mai khong ra'],
    ['tôi muốn khiếu nại'],
    ['toi muon khieu nai can bo xa'],
    ['trả lời vớ vẩn, cho gặp cán bộ'],
    ['this bot is useless'],
  ])('anger or a complaint: "%s" → reason complaint, priority 2', async (text) => {
    const { record, rows } = await triggered(text);
    expect(record).toMatchObject({ handoff: true });
    expect(rows).toEqual([{ reason: 'complaint', priority: 2 }]);
  });

  it.each([
    ['hồ sơ của tôi đến đâu rồi'],
    ['ho so cua toi den dau roi'],
    ['tra cứu hồ sơ mã số 000.12.34.H40-250101-0001'],
    ['tra cuu ho so ma so 000.12.34.H40-250101-0001'],
    ['mã hồ sơ H40.123, cán bộ kiểm tra giúp em'],
  ])('a question about their own file: "%s" → reason own_file, priority 0', async (text) => {
    const { record, rows } = await triggered(text);
    expect(record).toMatchObject({ handoff: true });
    expect(rows).toEqual([{ reason: 'own_file', priority: 0 }]);
  });

  it('a question about their own file in a conversation about a procedure is not a bare follow-up', async () => {
    const { record, rows } = await triggered('hồ sơ của tôi đến đâu rồi', ['lý lịch tư pháp làm ở đâu']);
    expect(record).toMatchObject({ handoff: true });
    expect(rows).toEqual([{ reason: 'own_file', priority: 0 }]);
  });

  it('puts a complaint ahead of earlier requests in the officers’ queue', async () => {
    const queue = await server.running.handoff!.queue.list({ status: 'queued' });
    expect(queue[0]).toMatchObject({ reason: 'complaint', priority: 2, position: 1 });
    expect(queue.at(-1)?.priority).toBe(0);
  });

  it.each([
    ['thủ tục khiếu nại hành chính?', 'phan-anh/kien-nghi'],
    ['thu tuc khieu nai hanh chinh', 'phan-anh/kien-nghi'],
    ['tôi muốn khiếu nại thì gửi đơn ở đâu', 'phan-anh/kien-nghi'],
    ['em muốn phản ánh việc cán bộ xã làm chậm hồ sơ', 'phan-anh/kien-nghi'],
    ['tra cứu hồ sơ đã nộp ở đâu', 'dich-vu-cong/tra-cuu-ho-so'],
    ['mã hồ sơ nằm ở chỗ nào trên phiếu hẹn', 'dich-vu-cong/tra-cuu-ho-so'],
    ['đăng ký khai sinh cần giấy tờ gì', 'ho-tich/khai-sinh'],
  ])('an ordinary question does not trigger: "%s"', async (text, procedure) => {
    const { record, rows } = await triggered(text);
    expect(record).toMatchObject({ handoff: false, intent: 'procedure', procedure });
    expect(rows).toEqual([]);
  });
});
