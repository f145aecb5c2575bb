/**
 * The live-officer handoff through the bot on a real PostgreSQL: a Direct Line citizen asks for an
 * officer → queued with position 1 and told so, `handoff.initiate` emitted with the transcript; while
 * queued or held the engine does not answer; the officer's reply reaches the citizen's Direct Line
 * conversation; closing asks for CSAT, the rating lands in `feedback`, then the bot answers again.
 */
import { serverWithDatabase } from '../support/server-with-database';
import { addOfficers } from './officers';
import { until } from '../support/until';
import { DirectLineCitizen, type Json } from '../support/directline-citizen';

/** Parsed JSON, as untyped as JSON.parse gives it. */

const server = serverWithDatabase();

const texts = (activities: Json[]) => activities.filter((a) => a.type === 'message').map((a) => a.text);

describe('handoff through the bot (Direct Line, PostgreSQL)', () => {
  let citizen: DirectLineCitizen;
  let officer: number | undefined;

  beforeAll(async () => {
    [officer] = await addOfficers(server.db.pool, 'bot-handoff', 1);
    citizen = await DirectLineCitizen.start(server.running.url);
    await citizen.say('lý lịch tư pháp làm ở đâu');
    await citizen.fromBot();
  });

  it('enqueues the conversation, tells the citizen the position and emits handoff.initiate', async () => {
    await citizen.say('cho tôi gặp cán bộ');
    const replies = await citizen.fromBot();
    expect(texts(replies)).toContain('Anh/chị đang ở vị trí số 1, thời gian chờ khoảng 3 phút.');
    const [queued] = await server.running.handoff!.queue.list();
    expect(queued).toMatchObject({ conversationId: citizen.botId, position: 1, reason: 'asked' });
    const event = replies.find((a) => a.type === 'event');
    expect(event).toMatchObject({
      name: 'handoff.initiate',
      value: { reason: 'asked', position: 1 },
      attachments: [{ contentType: 'application/json', name: 'Transcript' }],
    });
    const transcript = event.attachments[0].content.activities as Json[];
    expect(transcript.map((a) => a.text)).toEqual(
      expect.arrayContaining(['lý lịch tư pháp làm ở đâu', 'cho tôi gặp cán bộ']),
    );
    const fromCitizen = transcript.filter((a) => a.from.role === 'user');
    expect(fromCitizen.at(-1)).toMatchObject({ type: 'message', text: 'cho tôi gặp cán bộ' });
    expect(fromCitizen.filter((a) => a.text === 'cho tôi gặp cán bộ')).toHaveLength(1);
  });

  it('does not answer with the engine while queued or held, but records the messages', async () => {
    await citizen.say('khai sinh cần giấy tờ gì');
    expect(await citizen.fromBot()).toEqual([]); // told on enqueue; not again within minutes
    const handoff = await server.running.handoff!.queue.claimNext(officer!);
    expect(handoff?.conversationId).toBe(citizen.botId);
    await citizen.say('alo, có ai không');
    expect(await citizen.fromBot()).toEqual([]);
    const recorded = await until(async () => {
      const { rows } = await server.db.pool.query<{ text: string }>(
        `SELECT text FROM messages WHERE conversation_id = $1 AND direction = 'in' ORDER BY id`,
        [citizen.botId],
      );
      return rows.length >= 4 ? rows.map((r) => r.text) : undefined;
    });
    expect(recorded).toEqual(expect.arrayContaining(['khai sinh cần giấy tờ gì', 'alo, có ai không']));
  });

  it("delivers the officer's reply to the citizen's Direct Line conversation and records it", async () => {
    await server.running.handoff!.sendOfficerReply(citizen.botId, 'Chào anh/chị, tôi là cán bộ tư pháp.', {
      id: officer!,
    });
    const replies = await citizen.waitFor((a) => a.text === 'Chào anh/chị, tôi là cán bộ tư pháp.');
    expect(replies.at(-1)).toMatchObject({ type: 'message', from: { role: 'bot', name: 'Cán bộ tư pháp' } });
    await until(async () => {
      const { rows } = await server.db.pool.query(
        `SELECT 1 FROM messages WHERE conversation_id = $1 AND direction = 'out' AND decision = 'officer'`,
        [citizen.botId],
      );
      return rows.length === 1 ? true : undefined;
    });
  });

  it('asks for CSAT on close, stores the rating, then answers with the bot again', async () => {
    const [held] = await server.running.handoff!.queue.list({ status: 'assigned' });
    await server.running.handoff!.close(held!.id, officer!, 'đã giải đáp');
    const asked = await citizen.waitFor((a) => a.text === 'Anh/chị chấm điểm hỗ trợ từ 1 đến 5 nhé?');
    const question = asked.find((a) => a.text === 'Anh/chị chấm điểm hỗ trợ từ 1 đến 5 nhé?');
    expect(question.suggestedActions.actions.map((a: Json) => a.value)).toEqual(['1', '2', '3', '4', '5']);
    // The CSAT question is recorded (asynchronously) before the citizen answers.
    await until(async () => {
      const { rows } = await server.db.pool.query(
        `SELECT 1 FROM messages WHERE conversation_id = $1 AND decision = 'csat'`,
        [citizen.botId],
      );
      return rows.length === 1 ? true : undefined;
    });
    await citizen.say('5');
    expect(texts(await citizen.fromBot())).toEqual([expect.stringMatching(/^Cảm ơn anh\/chị đã đánh giá/)]);
    const { rows } = await server.db.pool.query<{ rating: number; kind: string }>(
      `SELECT rating, kind FROM feedback WHERE conversation_id = $1`,
      [citizen.botId],
    );
    expect(rows).toEqual([{ rating: 5, kind: 'csat' }]);
    await citizen.say('lý lịch tư pháp làm ở đâu');
    const answer = (await citizen.fromBot()).find((a) => a.type === 'message');
    expect(answer.channelData.trolytuphap).toMatchObject({ procedure: 'ly-lich-tu-phap/cap-phieu' });
  });
});

describe('handoff through /api/ask', () => {
  it('asks CSAT at the next message when the channel has no sender, and answers with 202 while queued', async () => {
    const ask = async (text: string) =>
      fetch(`${server.running.url}/api/ask`, {
        method: 'POST',
        body: JSON.stringify({ text, conversationId: 'ho-1' }),
        headers: { 'content-type': 'application/json' },
      });
    const first = await ask('cho tôi gặp cán bộ');
    expect(await first.json()).toMatchObject({ handoff: true, decision: 'handoff' });
    const waiting = await ask('còn bao lâu nữa');
    expect(waiting.status).toBe(202);
    expect(await waiting.json()).toMatchObject({ answered: false, messages: [] });
    const [queued] = await server.running.handoff!.queue.list();
    expect(queued?.conversationId).toBe('api:ho-1');
    const [agent] = await addOfficers(server.db.pool, 'api-officer', 1);
    await server.running.handoff!.close(queued!.id, agent!, 'không cần nữa');
    const csat = await ask('xin chào');
    expect(await csat.json()).toMatchObject({
      answered: false,
      messages: ['Anh/chị chấm điểm hỗ trợ từ 1 đến 5 nhé?'],
    });
    expect(await (await ask('4')).json()).toMatchObject({ messages: [expect.stringMatching(/^Cảm ơn/)] });
    const { rows } = await server.db.pool.query(
      `SELECT rating FROM feedback WHERE conversation_id = 'api:ho-1'`,
    );
    expect(rows).toEqual([{ rating: 4 }]);
    expect(await (await ask('lý lịch tư pháp làm ở đâu')).json()).toMatchObject({
      procedure: 'ly-lich-tu-phap/cap-phieu',
    });
  });
});
