import { Engine } from '../src/engine/engine';
import { NEW_CONVERSATION, type ConversationContext } from '../src/engine/types';
import { loadKnowledge } from '../src/knowledge/load-knowledge';
import { fixtureKnowledge, guideMarkdown } from './support/fixture-knowledge';

const khaiSinh = guideMarkdown({
  id: 'ho-tich/khai-sinh',
  title: 'Đăng ký khai sinh',
  aliases: ['làm giấy khai sinh', 'giấy khai sinh'],
  related: ['ho-tich/khai-sinh-yeu-to-nuoc-ngoai'],
  examples: [
    'làm giấy khai sinh cho con',
    'đăng ký khai sinh cho bé mới sinh',
    'khai sinh cho con cần giấy tờ gì',
    'lam giay khai sinh o dau',
    'con sinh ra được 1 tháng làm khai sinh',
    'khai sinh quá hạn',
    'khai sinh cho con mất bao lâu',
    'đăng ký khai sinh có mất tiền không',
    'dang ky khai sinh online',
    'khai sinh cho trẻ sinh ở nhà',
    'khai sinh cho người lớn chưa từng khai sinh',
    'bé nhà em chưa có giấy khai sinh',
    'giấy chứng sinh để làm khai sinh',
    'khai sinh cho con ngoài giá thú',
    'how to register my baby birth',
  ],
});
const khaiSinhNn = guideMarkdown({
  id: 'ho-tich/khai-sinh-yeu-to-nuoc-ngoai',
  title: 'Đăng ký khai sinh có yếu tố nước ngoài',
  aliases: ['khai sinh cho con lai', 'khai sinh con có bố là người nước ngoài'],
  related: ['ho-tich/khai-sinh'],
  examples: Array.from(
    { length: 15 },
    (_, i) => `khai sinh cho con có cha hoặc mẹ là người nước ngoài trường hợp ${i}`,
  ),
});
const ketHon = guideMarkdown({
  id: 'ho-tich/ket-hon',
  title: 'Đăng ký kết hôn',
  aliases: ['đăng ký kết hôn', 'làm giấy đăng ký kết hôn', 'cưới'],
  examples: Array.from({ length: 15 }, (_, i) => `đăng ký kết hôn trong nước lần ${i}`),
});
// Two guides written almost alike: a question matching both must be clarified.
const twinA = guideMarkdown({
  id: 'chung-thuc/chu-ky',
  title: 'Chứng thực chữ ký',
  examples: Array.from({ length: 15 }, (_, i) => `chứng thực giấy ủy quyền mẫu ${i}`),
});
const twinB = guideMarkdown({
  id: 'chung-thuc/hop-dong',
  title: 'Chứng thực hợp đồng',
  examples: Array.from({ length: 15 }, (_, i) => `chứng thực giấy ủy quyền mẫu ${i}`),
});

const intents = `intents:
  - intent: greeting
    examples: [xin chào, chào bạn, chào em, hello, hi]
    reply: { vi: "Xin chào!", en: "Hello!" }
  - intent: thanks
    examples: [cảm ơn, cám ơn nhé, thanks, thank you, cảm ơn em]
    reply: { vi: "Không có gì ạ.", en: "You're welcome." }
  - intent: goodbye
    examples: [tạm biệt, bye, chào nhé, hẹn gặp lại, goodbye]
    reply: { vi: "Tạm biệt!", en: "Goodbye!" }
  - intent: handoff_request
    examples: [cho tôi gặp cán bộ, nói chuyện với nhân viên, gặp người thật, tổng đài viên, talk to a human]
    reply: { vi: "Chuyển cán bộ.", en: "Connecting." }
`;
const outOfScope = `fallback: { vi: "Chưa tìm thấy.", en: "Not found." }
topics:
  - id: ho-chieu
    title: Cấp hộ chiếu
    handled_by: Công an tỉnh
    examples: [làm hộ chiếu, cấp hộ chiếu phổ thông, hộ chiếu hết hạn, xin passport, đổi hộ chiếu]
    reply: { vi: "Hộ chiếu do cơ quan công an cấp.", en: "Passports are issued by the police." }
`;
const lexicon = `abbreviations: { ks: khai sinh, ko: không }
synonyms:
  - means: nước ngoài
    phrases: [người Pháp, người Lào, Việt kiều]
stopwords: [cho, em, ạ, thì, sao, còn, là]
`;

let engine: Engine;

beforeAll(async () => {
  const dir = fixtureKnowledge({
    'guides/ho-tich/khai-sinh.md': khaiSinh,
    'guides/ho-tich/khai-sinh-yeu-to-nuoc-ngoai.md': khaiSinhNn,
    'guides/ho-tich/ket-hon.md': ketHon,
    'guides/chung-thuc/chu-ky.md': twinA,
    'guides/chung-thuc/hop-dong.md': twinB,
    'intents.yaml': intents,
    'out-of-scope.yaml': outOfScope,
    'lexicon.yaml': lexicon,
  });
  const { knowledge, problems } = await loadKnowledge(dir);
  expect(problems).toEqual([]);
  engine = new Engine(knowledge);
});

const ask = (text: string, context: ConversationContext = NEW_CONVERSATION) => engine.ask(text, context);

describe('engine decisions', () => {
  it('answers a confident question with the facet asked, source, review date and next steps', async () => {
    const { record, context } = await ask('lam giay khai sinh cho con het bao nhieu tien');
    expect(record).toMatchObject({
      intent: 'procedure',
      procedure: 'ho-tich/khai-sinh',
      facet: 'fee',
      decision: 'answer',
      clarify: false,
    });
    expect(record.confidence).toBeGreaterThanOrEqual(0.5);
    expect(record.answer).toContain('Lệ phí của Đăng ký khai sinh.');
    expect(record.answer).toContain('Nguồn thử nghiệm');
    expect(record.answer).toContain('27/11/2026');
    expect(record.choices.map((c) => c.label)).toEqual([
      'Giấy tờ',
      'Thời gian',
      'Nơi nộp',
      'Nộp trực tuyến',
      'Gặp cán bộ',
    ]);
    expect(context).toMatchObject({ procedure: 'ho-tich/khai-sinh', facet: 'fee', failures: 0 });
  });

  it('expands abbreviations from the lexicon', async () => {
    const { record } = await ask('lam ks cho con o dau');
    expect(record).toMatchObject({ procedure: 'ho-tich/khai-sinh', facet: 'authority' });
  });

  it('asks which one when two guides match equally, with both as choices', async () => {
    const { record } = await ask('chứng thực giấy ủy quyền');
    expect(record).toMatchObject({ intent: 'procedure', decision: 'clarify', clarify: true });
    const labels = record.choices.map((c) => c.label);
    expect(labels).toEqual(
      expect.arrayContaining(['Chứng thực chữ ký', 'Chứng thực hợp đồng', 'Gặp cán bộ']),
    );
  });

  it('refers other agencies’ procedures politely', async () => {
    const { record } = await ask('làm hộ chiếu ở đâu');
    expect(record).toMatchObject({ intent: 'out_of_scope', decision: 'referral', procedure: null });
    expect(record.answer).toContain('công an');
  });

  it('falls back on nonsense, then hands off after repeated failures', async () => {
    const first = await ask('zzqx vbnm');
    expect(first.record).toMatchObject({ intent: 'out_of_scope', decision: 'fallback', handoff: false });
    expect(first.context.failures).toBe(1);
    const second = await ask('qwrt plkm', first.context);
    expect(second.record).toMatchObject({ decision: 'handoff', handoff: true, intent: 'handoff_request' });
  });

  it('hands off on request and on anger cues', async () => {
    expect((await ask('cho tôi gặp cán bộ')).record).toMatchObject({
      intent: 'handoff_request',
      handoff: true,
    });
    expect((await ask('bot ngu quá')).record).toMatchObject({ intent: 'handoff_request', handoff: true });
  });

  it('answers small talk', async () => {
    expect((await ask('xin chào')).record).toMatchObject({ intent: 'greeting', answer: 'Xin chào!' });
    expect((await ask('cam on nhe')).record).toMatchObject({ intent: 'thanks' });
    expect((await ask('thank you')).record).toMatchObject({
      intent: 'thanks',
      lang: 'en',
      answer: "You're welcome.",
    });
  });

  it('keeps the procedure for a follow-up that names none', async () => {
    const first = await ask('đăng ký khai sinh cho bé');
    const second = await ask('còn lệ phí thì sao?', first.context);
    expect(second.record).toMatchObject({ procedure: 'ho-tich/khai-sinh', facet: 'fee', decision: 'answer' });
    const third = await ask('lam o dau', second.context);
    expect(third.record).toMatchObject({ procedure: 'ho-tich/khai-sinh', facet: 'authority' });
  });

  it('moves to the neighbour a refinement points at', async () => {
    const first = await ask('đăng ký khai sinh cho bé');
    const second = await ask('bố cháu là người Pháp', first.context);
    expect(second.record.procedure).toBe('ho-tich/khai-sinh-yeu-to-nuoc-ngoai');
  });

  it('switches topic when the follow-up names another procedure clearly', async () => {
    const first = await ask('đăng ký khai sinh cho bé');
    const second = await ask('còn đăng ký kết hôn thì cần giấy tờ gì', first.context);
    expect(second.record).toMatchObject({ procedure: 'ho-tich/ket-hon', facet: 'documents' });
  });

  it('answers English questions in English', async () => {
    const { record } = await ask('how to register my baby birth, what documents do I need');
    expect(record).toMatchObject({ lang: 'en', procedure: 'ho-tich/khai-sinh', facet: 'documents' });
    expect(record.answer).toContain('Documents in English.');
    expect(record.choices.at(-1)?.label).toBe('Talk to an officer');
  });

  it('reports the knowledge version and mode on every record', async () => {
    const { record } = await ask('xin chào');
    expect(record.knowledge_version).toBe(engine.version);
    expect(record.mode).toBe('lexical');
  });
});
