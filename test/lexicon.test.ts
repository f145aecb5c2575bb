import { Analyzer } from '../src/engine/text/analyzer';
import { compileLexicon } from '../src/engine/text/lexicon';
import { loadKnowledge } from '../src/knowledge/load-knowledge';
import { REAL_KNOWLEDGE } from './support/fixture-knowledge';

const lexicon = compileLexicon(
  {
    abbreviations: { gks: 'giấy khai sinh', đk: 'đăng ký', ko: 'không', 'ub nd': 'ủy ban nhân dân' },
    synonyms: [
      { means: 'khai tử', phrases: ['giấy chứng tử', 'báo tử'] },
      { means: 'nước ngoài', phrases: ['người Pháp'] },
    ],
    stopwords: ['ạ', 'cho', 'em', 'bạn'],
    accented_stopwords: ['còn'],
    generic: ['hồ sơ'],
  },
  ['Chứng thực bản sao'],
);
const analyzer = new Analyzer(lexicon);

describe('lexicon', () => {
  it('expands abbreviations in place, typed with or without diacritics, so bigrams form', () => {
    const a = analyzer.analyze('dk gks ko');
    expect(a.syllables).toEqual(['đăng', 'ký', 'giấy', 'khai', 'sinh', 'không']);
    expect(a.terms).toContain('khai_sinh');
    expect(analyzer.analyze('đk kết hôn').syllables.slice(0, 2)).toEqual(['đăng', 'ký']);
    expect(analyzer.analyze('ub nd xã').syllables).toEqual(['ủy', 'ban', 'nhân', 'dân', 'xã']);
  });

  it('adds what synonyms mean, with or without diacritics, keeping the original words', () => {
    const a = analyzer.analyze('xin giay chung tu cho ong');
    expect(a.terms).toEqual(expect.arrayContaining(['chung', 'khai_tu']));
    expect(a.expanded.has('khai')).toBe(true);
    expect(analyzer.analyze('bố cháu là người Pháp').terms).toContain('nuoc_ngoai');
  });

  it('drops stopwords; typed with diacritics only the exact word', () => {
    expect(analyzer.analyze('cho em hỏi ạ').content).toEqual(['hoi']);
    expect(analyzer.analyze('còn lệ phí').content).toEqual(['le', 'phi']);
    expect(analyzer.analyze('chứng thực bản sao, bạn ơi').content).toEqual([
      'chung',
      'thuc',
      'ban',
      'sao',
      'oi',
    ]);
  });

  it('keeps an ambiguous stopword typed without diacritics in bigrams, not as content', () => {
    const a = analyzer.analyze('chung thuc ban sao');
    expect(a.content).toEqual(['chung', 'thuc', 'sao']);
    expect(a.terms).toEqual(expect.arrayContaining(['thuc_ban', 'ban_sao']));
    expect(a.terms).not.toContain('ban');
  });

  it('marks generic domain words', () => {
    expect(lexicon.isGeneric('ho')).toBe(true);
    expect(lexicon.isGeneric('khai')).toBe(false);
  });

  it('ships a lexicon with the abbreviations and editors’ synonyms citizens use', async () => {
    const { knowledge } = await loadKnowledge(REAL_KNOWLEDGE);
    const shipped = new Analyzer(compileLexicon(knowledge.lexicon));
    for (const abbr of ['gks', 'cccd', 'lltp', 'dvc', 'bhyt', 'ubnd', 'ko', 'hok', 'đc', 'ntn', 'bn']) {
      expect(shipped.analyze(abbr).syllables).not.toEqual([abbr]);
    }
    const means = (phrase: string, meaning: string) =>
      expect(shipped.analyze(phrase).terms).toEqual(expect.arrayContaining(shipped.analyze(meaning).terms));
    means('giấy chứng tử', 'khai tử');
    means('xác nhận độc thân', 'xác nhận tình trạng hôn nhân');
    means('công chứng bản sao', 'chứng thực bản sao');
    means('không tiền án tiền sự', 'lý lịch tư pháp');
    means('nhập hộ khẩu', 'cư trú');
  });
});
