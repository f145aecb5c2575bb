import { MemoryStorage, type Activity } from 'botbuilder';
import { AssistantBot, answerOf } from '../src/bot/assistant-bot';
import { TurnAdapter } from '../src/bot/turn-adapter';
import type { Engine } from '../src/engine/engine';
import { sharedEngine, testLogger } from './support/test-server';

const base = (text: string | undefined, conversation = 'c1'): Partial<Activity> => ({
  type: 'message',
  channelId: 'test',
  text,
  from: { id: 'u1', name: 'citizen' },
  recipient: { id: 'bot', name: 'bot' },
  conversation: { id: conversation, isGroup: false, conversationType: 'personal', name: '' },
});

async function setup(engine: () => Engine, lines: string[] = []) {
  const log = testLogger(lines);
  const bot = new AssistantBot({ engine, storage: new MemoryStorage(), log });
  const adapter = new TurnAdapter(log, () => 'Xin lỗi, hệ thống đang gặp sự cố.');
  const turn = (activity: Partial<Activity>) => adapter.collect(activity, (t) => bot.run(t));
  return { turn };
}

describe('the bot', () => {
  it('welcomes a new member with suggested topics', async () => {
    const engine = await sharedEngine();
    const { turn } = await setup(() => engine);
    const replies = await turn({
      ...base(undefined),
      type: 'conversationUpdate',
      membersAdded: [{ id: 'u1', name: 'citizen' }],
    });
    expect(replies).toHaveLength(1);
    expect(replies[0]!.text).toContain('Trợ lý Tư pháp');
    expect(replies[0]!.suggestedActions?.actions.map((a) => a.title)).toContain('Gặp cán bộ');
  });

  it('answers with markdown, next steps as suggested actions and the record in channelData, keeping context in Storage', async () => {
    const engine = await sharedEngine();
    const { turn } = await setup(() => engine);
    const [first] = await turn(base('đăng ký khai tử cần giấy tờ gì'));
    expect(first?.textFormat).toBe('markdown');
    expect(answerOf(first!)).toMatchObject({ procedure: 'ho-tich/khai-tu', facet: 'documents' });
    expect(first?.suggestedActions?.to).toEqual(['u1']);
    expect(first?.suggestedActions?.actions.map((a) => a.type)).toContain('imBack');
    const [second] = await turn(base('Lệ phí'));
    expect(answerOf(second!)).toMatchObject({ procedure: 'ho-tich/khai-tu', facet: 'fee' });
    const [other] = await turn(base('Lệ phí', 'c2'));
    expect(answerOf(other!)?.procedure).not.toBe('ho-tich/khai-tu');
  });

  it('asks to type when a message has no text', async () => {
    const engine = await sharedEngine();
    const { turn } = await setup(() => engine);
    const [reply] = await turn({
      ...base(undefined),
      attachments: [{ contentType: 'image/png', contentUrl: 'x' }],
    });
    expect(reply?.text).toContain('gõ câu hỏi');
  });

  it('apologises when a turn fails, logs the error with personal data masked, and shows no details', async () => {
    const lines: string[] = [];
    const broken = {
      replies: (await sharedEngine()).replies,
      ask: () => Promise.reject(new Error('boom for 0912345678')),
    };
    const { turn } = await setup(() => broken as unknown as Engine, lines);
    const replies = await turn(base('lệ phí khai sinh'));
    expect(replies.map((r) => r.text)).toEqual(['Xin lỗi, hệ thống đang gặp sự cố.']);
    const logged = lines.join('\n');
    expect(logged).toContain('turn failed');
    expect(logged).not.toContain('0912345678');
  });
});
