/**
 * The Twilio channel's pure parts: Vietnamese numbers, dates and times in words, answer text shaped for
 * a voice (no markdown or addresses, figures read out, about forty seconds), opening hours in Vietnam
 * time, and SMS texts.
 */
import { answerSpeech } from '../../channels/twilio/voice-flow';
import {
  describeSchedule,
  isOpen,
  nextOpening,
  parseOpeningHours,
  speakOpening,
} from '../../src/handoff/opening-hours';
import { fitText, plainText, smsReply } from '../../channels/twilio/sms-text';
import { cutToWords, MAX_SPOKEN_WORDS, toSpeech, wordCount } from '../../channels/twilio/speech-text';
import {
  readDate,
  readDecimal,
  readDigits,
  readNumber,
  readTime,
} from '../../src/engine/text/vietnamese-numbers';
import { ConfigError, parseConfig } from '../../src/config';
import type { AnswerRecord } from '../../src/engine/types';

describe('Vietnamese numbers', () => {
  it.each([
    [0, 'không'],
    [1, 'một'],
    [5, 'năm'],
    [10, 'mười'],
    [11, 'mười một'],
    [14, 'mười bốn'],
    [15, 'mười lăm'],
    [20, 'hai mươi'],
    [21, 'hai mươi mốt'],
    [24, 'hai mươi tư'],
    [25, 'hai mươi lăm'],
    [60, 'sáu mươi'],
    [100, 'một trăm'],
    [105, 'một trăm linh năm'],
    [110, 'một trăm mười'],
    [115, 'một trăm mười lăm'],
    [281, 'hai trăm tám mươi mốt'],
    [1000, 'một nghìn'],
    [1005, 'một nghìn không trăm linh năm'],
    [1968, 'một nghìn chín trăm sáu mươi tám'],
    [2025, 'hai nghìn không trăm hai mươi lăm'],
    [8000, 'tám nghìn'],
    [10000, 'mười nghìn'],
    [200000, 'hai trăm nghìn'],
    [1500000, 'một triệu năm trăm nghìn'],
    [2000005, 'hai triệu không trăm linh năm'],
    [1000000000, 'một tỷ'],
  ])('%d → %s', (n, words) => {
    expect(readNumber(n)).toBe(words);
  });

  it('reads digit strings and decimals', () => {
    expect(readDigits('0238')).toBe('không hai ba tám');
    expect(readDecimal('1', '5')).toBe('một phẩy năm');
    expect(readDecimal('66', '7', 'chấm')).toBe('sáu mươi sáu chấm bảy');
  });

  it('reads dates and times', () => {
    expect(readDate(1, 3, 2025)).toBe('ngày một tháng ba năm hai nghìn không trăm hai mươi lăm');
    expect(readDate(30, 4)).toBe('ngày ba mươi tháng tư');
    expect(readTime(7, 30)).toBe('bảy giờ ba mươi');
    expect(readTime(15)).toBe('mười lăm giờ');
  });
});

describe('answer text for a voice', () => {
  it.each([
    ['Lệ phí 8.000 đồng/bản.', 'Lệ phí tám nghìn đồng một bản.'],
    ['Giải quyết trong 05 ngày làm việc.', 'Giải quyết trong năm ngày làm việc.'],
    [
      'Từ 01/3/2025, phiếu do Công an cấp.',
      'Từ ngày một tháng ba năm hai nghìn không trăm hai mươi lăm, phiếu do Công an cấp.',
    ],
    ['Nộp sau 15 giờ thì trả hôm sau.', 'Nộp sau mười lăm giờ thì trả hôm sau.'],
    ['Mở cửa từ 07:30 đến 16h30.', 'Mở cửa từ bảy giờ ba mươi đến mười sáu giờ ba mươi.'],
    ['Tối đa 200.000 đồng/bản.', 'Tối đa hai trăm nghìn đồng một bản.'],
    [
      'Theo Nghị định 123/2015/NĐ-CP (Điều 24–27).',
      'Theo Nghị định một trăm hai mươi ba năm hai nghìn không trăm mười lăm, Điều hai mươi tư đến hai mươi bảy.',
    ],
    ['Nộp tại UBND xã/phường.', 'Nộp tại Ủy ban nhân dân xã hoặc phường.'],
    ['Miễn cho 50% số hộ.', 'Miễn cho năm mươi phần trăm số hộ.'],
    ['Từ trang thứ 3 là 1.000 đồng/trang.', 'Từ trang thứ ba là một nghìn đồng một trang.'],
  ])('%s', (text, speech) => {
    expect(toSpeech(text)).toBe(speech);
  });

  it('drops markdown and web addresses, naming the portal instead', () => {
    const speech = toSpeech(
      '**Đăng ký khai sinh** · Giấy tờ\n\n1. Đăng nhập Cổng Dịch vụ công quốc gia (dichvucong.gov.vn).\n2. Xem [hướng dẫn](https://dichvucong.gov.vn/p/huong-dan)\n🔗 https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfd',
    );
    expect(speech).not.toMatch(/https?:|\.gov\.vn|\*|\[|🔗|\d/);
    expect(speech).toBe(
      'Đăng ký khai sinh, Giấy tờ. Đăng nhập Cổng Dịch vụ công quốc gia. Xem hướng dẫn. Trên Cổng Dịch vụ công quốc gia.',
    );
    expect(toSpeech('Các bước nộp hồ sơ trên dichvucong.gov.vn:')).toBe(
      'Các bước nộp hồ sơ trên Cổng Dịch vụ công quốc gia.',
    );
  });

  it('turns bullets into sentences and semicolons into full stops', () => {
    expect(toSpeech('Các hình thức:\n\n- tư vấn pháp luật;\n- đại diện ngoài tố tụng.\n')).toBe(
      'Các hình thức: tư vấn pháp luật. Đại diện ngoài tố tụng.',
    );
    expect(toSpeech('Giấy chứng sinh; không có thì giấy cam đoan (nếu có)')).toBe(
      'Giấy chứng sinh. Không có thì giấy cam đoan, nếu có.',
    );
  });

  it('cuts to about forty seconds at a sentence boundary', () => {
    const sentence = 'Anh chị mang theo tờ khai và giấy chứng sinh đến Ủy ban nhân dân xã.';
    const long = Array.from({ length: 20 }, () => sentence).join(' ');
    const cut = cutToWords(long);
    expect(wordCount(cut)).toBeLessThanOrEqual(MAX_SPOKEN_WORDS);
    expect(wordCount(cut)).toBeGreaterThan(MAX_SPOKEN_WORDS - wordCount(sentence));
    expect(cut.endsWith('xã.')).toBe(true);
    const run = Array.from({ length: 150 }, (_, i) => (i % 10 === 9 ? 'chữ,' : 'chữ')).join(' ');
    const hard = cutToWords(`${run}.`);
    expect(wordCount(hard)).toBeLessThanOrEqual(MAX_SPOKEN_WORDS);
    expect(hard.endsWith('chữ.')).toBe(true);
  });

  it('speaks an answer record as title then body', () => {
    expect(answerSpeech({ title: 'Cấp Phiếu lý lịch tư pháp', body: 'Phí **200.000 đồng**/lần.' })).toBe(
      'Cấp Phiếu lý lịch tư pháp. Phí hai trăm nghìn đồng một lần.',
    );
  });
});

describe('opening hours (Vietnam time)', () => {
  const schedule = parseOpeningHours('Mon-Fri 07:30-11:30,13:30-17:00; Sat 07:30-11:30');

  it('parses days, ranges and several spans', () => {
    expect(schedule.segments).toEqual([
      {
        days: [1, 2, 3, 4, 5],
        spans: [
          { start: 450, end: 690 },
          { start: 810, end: 1020 },
        ],
      },
      { days: [6], spans: [{ start: 450, end: 690 }] },
    ]);
    expect(describeSchedule(schedule, 'text')).toBe(
      'thứ Hai đến thứ Sáu 07:30-11:30, 13:30-17:00; thứ Bảy 07:30-11:30',
    );
  });

  it('knows when the centre is open, in UTC+7', () => {
    expect(isOpen(schedule, new Date('2026-03-04T00:29:00Z'))).toBe(false); // Wed 07:29
    expect(isOpen(schedule, new Date('2026-03-04T00:30:00Z'))).toBe(true); // Wed 07:30
    expect(isOpen(schedule, new Date('2026-03-04T05:00:00Z'))).toBe(false); // Wed 12:00, lunch
    expect(isOpen(schedule, new Date('2026-03-04T09:59:00Z'))).toBe(true); // Wed 16:59
    expect(isOpen(schedule, new Date('2026-03-07T05:00:00Z'))).toBe(false); // Sat 12:00
    expect(isOpen(schedule, new Date('2026-03-06T23:00:00Z'))).toBe(false); // Sat 06:00 local, Fri in UTC
  });

  it('says when it next opens', () => {
    const lunch = nextOpening(schedule, new Date('2026-03-04T05:00:00Z'));
    expect(lunch && speakOpening(lunch)).toBe('một giờ ba mươi chiều nay');
    const evening = nextOpening(schedule, new Date('2026-03-04T12:00:00Z'));
    expect(evening && speakOpening(evening)).toBe('bảy giờ ba mươi sáng mai, thứ Năm');
    const weekend = nextOpening(parseOpeningHours('Mon-Fri 07:30-17:00'), new Date('2026-03-07T05:00:00Z'));
    expect(weekend).toMatchObject({
      daysAhead: 2,
      day: 1,
      start: 450,
      date: { day: 9, month: 3, year: 2026 },
    });
    expect(weekend && speakOpening(weekend)).toBe('bảy giờ ba mươi sáng thứ Hai, ngày chín tháng ba');
  });

  it('is configured through OPENING_HOURS, with a default and readable errors', () => {
    expect(parseConfig({}).OPENING_HOURS.source).toBe('Mon-Fri 07:30-17:00');
    expect(parseConfig({ OPENING_HOURS: 'Mon-Sat 08:00-12:00' }).OPENING_HOURS.segments[0]?.days).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
    expect(() => parseConfig({ OPENING_HOURS: 'weekdays 8-5' })).toThrow(ConfigError);
    expect(() => parseConfig({ OPENING_HOURS: 'Mon-Fri 17:00-07:30' })).toThrow(/end before they start/);
    expect(() => parseConfig({ TWILIO_HANDOFF_DIAL: 'call Lan' })).toThrow(/E\.164 number/);
    expect(parseConfig({ TWILIO_HANDOFF_DIAL: 'sip:tongdai@pbx.example.vn' }).TWILIO_HANDOFF_DIAL).toBe(
      'sip:tongdai@pbx.example.vn',
    );
  });
});

describe('SMS text', () => {
  const record = (over: Partial<AnswerRecord>): AnswerRecord => ({
    intent: 'procedure',
    procedure: 'ho-tich/khai-sinh',
    facet: 'fee',
    confidence: 1,
    clarify: false,
    handoff: false,
    alternatives: [],
    answer: '',
    decision: 'answer',
    lang: 'vi',
    choices: [
      { label: 'Giấy tờ', value: 'Giấy tờ' },
      { label: 'Gặp cán bộ', value: 'Gặp cán bộ' },
    ],
    body: 'Miễn lệ phí khi đăng ký **đúng hạn**.\n\n- Bản sao: 8.000 đồng/bản.',
    title: 'Đăng ký khai sinh',
    online_url: 'https://dichvucong.gov.vn/p/1',
    sources: [],
    reviewed: null,
    knowledge_version: 'test',
    mode: 'lexical',
    ...over,
  });

  it('strips markdown and fits long text at a sentence end', () => {
    expect(plainText('**A** [b](https://x.vn)\n\n* c')).toBe('A b\n- c');
    expect(fitText('Câu một. Câu hai dài hơn nhiều.', 15)).toBe('Câu một.…');
  });

  it('replies with plain text, the link and numbered next steps', () => {
    const reply = smsReply(record({}), '', 'Gặp cán bộ', 'thứ Hai đến thứ Sáu 07:30-17:00');
    expect(reply.text).toBe(
      'Đăng ký khai sinh\nMiễn lệ phí khi đăng ký đúng hạn.\n- Bản sao: 8.000 đồng/bản.\nNộp trực tuyến: https://dichvucong.gov.vn/p/1\nNhắn số để hỏi tiếp: 1 Giấy tờ, 0 Gặp cán bộ',
    );
    expect(reply.choices).toEqual([{ label: 'Giấy tờ', value: 'Giấy tờ' }]);
    const long = smsReply(record({ body: 'Rất dài. '.repeat(200) }), '', 'Gặp cán bộ', '');
    expect(long.text.length).toBeLessThanOrEqual(600);
    expect(long.text).toMatch(/Nộp trực tuyến: https:\/\/dichvucong\.gov\.vn\/p\/1/);
  });
});
