/**
 * Vietnamese syllable normalisation. Every syllable is reduced to one canonical spelling so that the
 * variants citizens type compare equal:
 * - Unicode: NFC and NFD input, lower case;
 * - tone-mark placement: "hoà"/"hòa", "thuỷ"/"thủy" (the tone is taken off and written as a digit);
 * - i/y after h, k, l, m, s, t, qu: "kí"/"ký", "lí"/"lý", "mĩ"/"mỹ";
 * - a folded form without any diacritics ("đăng ký" → "dang ky"), matched alongside the accented one.
 */

/** Combining tone marks, in the order of the digit they become (1 sắc, 2 huyền, 3 hỏi, 4 ngã, 5 nặng). */
const TONES: Record<string, string> = {
  '\u0301': '1',
  '\u0300': '2',
  '\u0309': '3',
  '\u0303': '4',
  '\u0323': '5',
};
const ANY_MARK = /[\u0300-\u036f]/g;
const I_Y_ONSET = /^(h|k|l|m|s|t|qu)y(\d?)$/;

/** Lower case, NFC, and every run of non-letters/digits collapsed to one space. */
export function cleanText(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Canonical accented form of one syllable: vowel marks kept, the tone moved to a trailing digit,
 * i/y variants unified. "hoà" and "hòa" both give "hoa2"; "ký" and "kí" give "ki1".
 */
export function canonicalSyllable(syllable: string): string {
  return memo(canonicalCache, syllable, computeCanonical);
}

function computeCanonical(syllable: string): string {
  let tone = '';
  const base = syllable
    .normalize('NFD')
    .replace(/[\u0300\u0301\u0303\u0309\u0323]/g, (mark) => {
      tone = TONES[mark] ?? '';
      return '';
    })
    .normalize('NFC');
  return (base + tone).replace(I_Y_ONSET, '$1i$2');
}

/** The syllable without any diacritics: "đăng" → "dang". */
export function foldSyllable(syllable: string): string {
  return memo(foldCache, syllable, computeFold);
}

function computeFold(syllable: string): string {
  return syllable.normalize('NFD').replace(ANY_MARK, '').replace(/đ/g, 'd').replace(I_Y_ONSET, '$1i$2');
}

/** Folds a whole text: "Đăng ký kết hôn" → "dang ky ket hon". */
export function foldText(text: string): string {
  return cleanText(text).split(' ').map(foldSyllable).join(' ');
}

/** True when a syllable carries any diacritic (tone, vowel mark or đ). */
export function hasDiacritics(syllable: string): boolean {
  return /[^\u0000-\u007f]/.test(syllable);
}

/** Removes every diacritic of a text but keeps its casing and punctuation (used to generate eval variants). */
export function stripDiacritics(text: string): string {
  return text.normalize('NFD').replace(ANY_MARK, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').normalize('NFC');
}

// Syllables repeat endlessly (Vietnamese has about 7,000), so both reductions are memoised; the caches
// are cleared when full so odd input (long numbers, foreign words) cannot grow them without bound.
const CACHE_LIMIT = 50_000;
const canonicalCache = new Map<string, string>();
const foldCache = new Map<string, string>();

function memo(cache: Map<string, string>, key: string, compute: (k: string) => string): string {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  const value = compute(key);
  cache.set(key, value);
  return value;
}
