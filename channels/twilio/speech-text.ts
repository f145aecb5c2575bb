/**
 * Turns an answer's text (light markdown, lists, links, figures) into what a Vietnamese voice can read:
 * short plain sentences, no markdown or web addresses (the portal is named instead), list items as
 * sentences, abbreviations spelled out, numbers, money, dates, times and legal document numbers in
 * words. `cutToWords` keeps a spoken answer to about forty seconds, ending at a sentence boundary.
 */
import {
  isValidDate,
  readDate,
  readDecimal,
  readDigits,
  readMonth,
  readNumber,
  readOrdinal,
  readTime,
} from '../../src/engine/text/vietnamese-numbers';

/** About forty seconds of Vietnamese text-to-speech. */
export const MAX_SPOKEN_WORDS = 100;

const PORTAL = 'Cổng Dịch vụ công quốc gia';
const OTHER_SITE = 'trang thông tin điện tử chính thức';

const URL_RE =
  /(?:\bhttps?:\/\/|\bwww\.)[^\s)\]]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:gov\.vn|com\.vn|org\.vn|edu\.vn|vn|com|org|net)\b(?:\/[^\s)\]]*)?/giu;

/** Upper-case abbreviations of the guides, read in full. */
const ABBREVIATIONS: [string, string][] = [
  ['UBND', 'Ủy ban nhân dân'],
  ['HĐND', 'Hội đồng nhân dân'],
  ['CCCD', 'căn cước công dân'],
  ['CMND', 'chứng minh nhân dân'],
  ['TTHC', 'thủ tục hành chính'],
  ['LLTP', 'lý lịch tư pháp'],
  ['BHYT', 'bảo hiểm y tế'],
  ['BHXH', 'bảo hiểm xã hội'],
  ['DVC', 'dịch vụ công'],
  ['TP.', 'thành phố'],
];

const word = (w: string) => new RegExp(`(?<![\\p{L}\\d])${w.replace('.', '\\.')}(?![\\p{L}\\d])`, 'gu');
const ABBREVIATION_RES = ABBREVIATIONS.map(([abbr, full]) => [word(abbr), full] as const);

const siteName = (url: string) => (/dichvucong\.gov\.vn/i.test(url) ? PORTAL : OTHER_SITE);

function stripMarkdown(text: string): string {
  return text
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1')
    .replace(/\*\*|__|`/g, '')
    .replace(/(^|[\s(])[*_]([^*_\n]+)[*_](?=$|[\s.,;:!?)])/gmu, '$1$2')
    .replace(/^\s{0,3}(?:#{1,6}|>)\s*/gm, '')
    .replace(/\p{Extended_Pictographic}\uFE0F?/gu, '');
}

/** Web addresses become the portal's name; "(dichvucong.gov.vn)" after the portal's name just goes. */
function replaceUrls(text: string): string {
  const inParens = new RegExp(`\\s*\\(\\s*(${URL_RE.source})\\s*\\)`, 'giu');
  const withoutParens = text.replace(inParens, (_m, url: string, offset: number, all: string) => {
    const before = all.slice(Math.max(0, offset - 60), offset).toLowerCase();
    const name = siteName(url);
    return before.includes(name.toLowerCase()) ? '' : ` trên ${name}`;
  });
  return withoutParens.replace(URL_RE, (url: string, offset: number, all: string) => {
    const before = all.slice(Math.max(0, offset - 20), offset);
    const name = siteName(url);
    return /(?:trên|vào|tại|qua|ở|truy cập|trang)\s*$/iu.test(before) ? name : `trên ${name}`;
  });
}

/** Each line a sentence: list markers go, a line without final punctuation gets a full stop. */
function linesToSentences(text: string): string {
  return text
    .split(/\n+/)
    .map((l) => l.trim().replace(/^(?:[-*+•]|\d{1,2}[.)])\s+/u, ''))
    .filter((l) => l.length > 0)
    .map((l) => l.replace(/[;,]$/u, '.'))
    .map((l) => (/[.!?:]$/u.test(l) ? l : `${l}.`))
    .join(' ');
}

function readFigures(text: string): string {
  return (
    text
      // Legal documents: "123/2015/NĐ-CP" → "một trăm hai mươi ba năm hai nghìn không trăm mười lăm".
      .replace(
        /(?<![\p{L}\d])(\d+)(?:\.(\d+))?\/(\d{4})\/[\p{Lu}\d]+(?:-[\p{Lu}\d]+)*/gu,
        (_m, n: string, dec: string | undefined, y: string) =>
          `${dec ? readDecimal(n, dec, 'chấm') : readNumber(Number(n))} năm ${readNumber(Number(y))}`,
      )
      // Decisions without a year: "Quyết định 1025/QĐ-BCA" → the number alone.
      .replace(/(?<![\p{L}\d])(\d+)\/\p{Lu}[\p{Lu}\d]*(?:-[\p{Lu}\d]+)+/gu, '$1')
      // Dates: "(ngày) 01/3/2025", ISO "2025-03-01", "ngày 01/7", "tháng 7/2025".
      .replace(
        /(?<![\p{L}\d/])(?:ngày\s+)?(\d{1,2})\/(\d{1,2})\/(\d{4})(?![\d/])/gu,
        (m, d: string, mo: string, y: string) => (isValidDate(+d, +mo, +y) ? readDate(+d, +mo, +y) : m),
      )
      .replace(/(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])/g, (m, y: string, mo: string, d: string) =>
        isValidDate(+d, +mo, +y) ? readDate(+d, +mo, +y) : m,
      )
      .replace(/(?<![\p{L}\d])ngày\s+(\d{1,2})\/(\d{1,2})(?![\d/])/giu, (m, d: string, mo: string) =>
        isValidDate(+d, +mo) ? readDate(+d, +mo) : m,
      )
      .replace(/(?<![\p{L}\d])tháng\s+(\d{1,2})\/(\d{4})(?![\d/])/giu, (m, mo: string, y: string) =>
        +mo >= 1 && +mo <= 12 ? `tháng ${readMonth(+mo)} năm ${readNumber(+y)}` : m,
      )
      // Clock times: "07:30", "16h30", "4h".
      .replace(/(?<![\d.,:])(\d{1,2})(?::|h)(\d{2})(?![\d:])/g, (m, h: string, mi: string) =>
        +h <= 24 && +mi < 60 ? readTime(+h, +mi) : m,
      )
      .replace(/(?<![\d.,:])(\d{1,2})h(?![\p{L}\d])/gu, (m, h: string) => (+h <= 24 ? readTime(+h) : m))
      // Ranges, percentages, ordinals.
      .replace(/(\d)\s*[–—-]\s*(?=\d)/g, '$1 đến ')
      .replace(/\s*%/g, ' phần trăm')
      .replace(/(?<![\p{L}\d])thứ\s+(\d{1,2})(?!\d)/giu, (_m, n: string) => `thứ ${readOrdinal(+n)}`)
      // Amounts with thousands dots: "8.000", "1.500.000".
      .replace(/(?<![\d.,])\d{1,3}(?:\.\d{3})+(?![\d]|[.,]\d)/g, (m) =>
        readNumber(Number(m.replace(/\./g, ''))),
      )
      // Codes with dots ("1.001193"), decimals with a comma ("1,5").
      .replace(/(?<![\d.,])\d+(?:\.\d+)+(?![\d]|[.,]\d)/g, (m) =>
        m
          .split('.')
          .map((part) => (part.length <= 2 && !part.startsWith('0') ? readNumber(+part) : readDigits(part)))
          .join(' chấm '),
      )
      .replace(/(?<![\d.,])(\d+),(\d+)(?![\d]|[.,]\d)/g, (_m, w: string, f: string) => readDecimal(w, f))
      // Long digit strings (phone numbers) digit by digit; other numbers in words ("05" → "năm").
      .replace(/\d+/g, (m) =>
        m.length >= 7 || (m.length >= 3 && m.startsWith('0')) ? readDigits(m) : readNumber(+m),
      )
  );
}

function readSymbols(text: string): string {
  let t = text;
  for (const [re, full] of ABBREVIATION_RES) t = t.replace(re, full);
  return t
    .replace(/đồng\s*\/\s*/giu, 'đồng một ')
    .replace(/(?<![\p{L}])(anh|Anh)\/chị/gu, '$1 chị')
    .replace(/(?<=\p{L})\/(?=\p{L})/gu, ' hoặc ')
    .replace(/\//g, ' trên ')
    .replace(/\s*\(([^()]*)\)/g, ', $1,')
    .replace(/\s+[–—-]\s+|\s*[–—]\s*/g, ', ')
    .replace(/(?<=\p{L})-(?=\p{L})/gu, ' ')
    .replace(/\s*\+\s*/g, ' cộng ')
    .replace(/\s*=\s*/g, ' bằng ')
    .replace(/\s*&\s*/g, ' và ')
    .replace(/[·|→⇒•]/g, ',')
    .replace(/…/g, '.')
    .replace(/["“”‘’*#_<>[\]{}~^\\]/g, '');
}

function tidyPunctuation(text: string): string {
  let t = text.replace(/;/g, '.').replace(/\s+/g, ' ').replace(/,\s*:/g, ':');
  for (let i = 0; i < 3; i++) {
    t = t
      .replace(/\s+([,.:!?])/g, '$1')
      .replace(/[,:]+\s*([.!?])/g, '$1')
      .replace(/,\s*,/g, ',')
      .replace(/([.!?])\s*[.,:]+/g, '$1')
      .replace(/([.!?]),/g, '$1');
  }
  t = t
    .replace(/([,.:!?])(?=[\p{L}\d])/gu, '$1 ')
    .replace(/^[\s,.:;]+/, '')
    .replace(/[\s,:]+$/, '')
    .trim();
  if (t && !/[.!?]$/.test(t)) t += '.';
  return t.replace(/(^|[.!?]\s+)(\p{Ll})/gu, (_m, pre: string, c: string) => pre + c.toLocaleUpperCase('vi'));
}

/** Plain spoken Vietnamese for a piece of answer text. */
export function toSpeech(text: string): string {
  const lines = linesToSentences(replaceUrls(stripMarkdown(text)));
  return tidyPunctuation(readSymbols(readFigures(lines)));
}

export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+/u)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export const wordCount = (text: string) => text.split(/\s+/).filter((w) => w.length > 0).length;

/**
 * The first sentences of `text` that fit in `maxWords`. A first sentence longer than that is cut at its
 * last comma within the limit, or at the limit itself.
 */
export function cutToWords(text: string, maxWords = MAX_SPOKEN_WORDS): string {
  const kept: string[] = [];
  let count = 0;
  for (const sentence of splitSentences(text)) {
    const n = wordCount(sentence);
    if (count + n > maxWords) {
      if (kept.length === 0) kept.push(cutSentence(sentence, maxWords));
      break;
    }
    kept.push(sentence);
    count += n;
  }
  return kept.join(' ');
}

function cutSentence(sentence: string, maxWords: number): string {
  const words = sentence.split(/\s+/).slice(0, maxWords);
  let end = words.length;
  for (let i = words.length - 1; i >= Math.floor(maxWords / 2); i--) {
    if (words[i]?.endsWith(',')) {
      end = i + 1;
      break;
    }
  }
  return `${words
    .slice(0, end)
    .join(' ')
    .replace(/[,:;]$/, '')}.`;
}
