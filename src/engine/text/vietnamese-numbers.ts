/**
 * Vietnamese number words for text-to-speech: integers ("8000" → "tám nghìn", "2025" → "hai nghìn
 * không trăm hai mươi lăm"), digit strings, dates ("ngày một tháng ba năm ...") and clock times
 * ("bảy giờ ba mươi"). Pure functions; the speech shaper (speech-text.ts) finds the numbers in text.
 */

const DIGITS = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín'] as const;
const GROUPS = ['', 'nghìn', 'triệu', 'tỷ', 'nghìn tỷ'] as const;

const digit = (d: number): string => DIGITS[d] ?? '';

/** 0..999; `full` reads a group after a higher one with its hundreds ("không trăm linh năm"). */
function readGroup(n: number, full: boolean): string {
  const h = Math.floor(n / 100);
  const t = Math.floor(n / 10) % 10;
  const u = n % 10;
  const words: string[] = [];
  if (full || h > 0) words.push(digit(h), 'trăm');
  if (t === 0) {
    if (u > 0) {
      if (words.length > 0) words.push('linh');
      words.push(digit(u));
    }
  } else if (t === 1) {
    words.push('mười');
    if (u === 5) words.push('lăm');
    else if (u > 0) words.push(digit(u));
  } else {
    words.push(digit(t), 'mươi');
    if (u === 1) words.push('mốt');
    else if (u === 4) words.push('tư');
    else if (u === 5) words.push('lăm');
    else if (u > 0) words.push(digit(u));
  }
  return words.join(' ');
}

/** A non-negative integer in words, up to 999 nghìn tỷ; larger or odd values fall back to digits. */
export function readNumber(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0 || n >= 1e15) return readDigits(String(n));
  if (n === 0) return 'không';
  const groups: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 1000)) groups.push(rest % 1000);
  const words: string[] = [];
  for (let i = groups.length - 1; i >= 0; i--) {
    const g = groups[i] ?? 0;
    if (g === 0) continue;
    words.push(readGroup(g, words.length > 0));
    const unit = GROUPS[i];
    if (unit) words.push(unit);
  }
  return words.join(' ');
}

/** Each digit on its own ("1193" → "một một chín ba"), for codes and phone numbers. */
export function readDigits(text: string): string {
  return [...text]
    .filter((c) => c >= '0' && c <= '9')
    .map((c) => digit(Number(c)))
    .join(' ');
}

/** A decimal with a Vietnamese comma ("1,5" → "một phẩy năm"); digits after the comma one by one past two. */
export function readDecimal(whole: string, fraction: string, separator: 'phẩy' | 'chấm' = 'phẩy'): string {
  const frac =
    fraction.length <= 2 && !fraction.startsWith('0') ? readNumber(Number(fraction)) : readDigits(fraction);
  return `${readNumber(Number(whole))} ${separator} ${frac}`;
}

/** Month names: "tháng tư" for April, the number otherwise ("tháng một", "tháng mười hai"). */
export function readMonth(m: number): string {
  return m === 4 ? 'tư' : readNumber(m);
}

export function isValidDate(d: number, m: number, y?: number): boolean {
  if (!Number.isInteger(d) || !Number.isInteger(m) || m < 1 || m > 12 || d < 1) return false;
  const year = y ?? 2000; // a leap year: 29/2 without a year is fine
  return d <= new Date(Date.UTC(year, m, 0)).getUTCDate();
}

/** "ngày một tháng ba năm hai nghìn không trăm hai mươi lăm"; without a year, day and month only. */
export function readDate(d: number, m: number, y?: number): string {
  const date = `ngày ${readNumber(d)} tháng ${readMonth(m)}`;
  return y === undefined ? date : `${date} năm ${readNumber(y)}`;
}

/** 24-hour clock time: "bảy giờ ba mươi", "mười bảy giờ". */
export function readTime(h: number, m = 0): string {
  return m > 0 ? `${readNumber(h)} giờ ${readNumber(m)}` : `${readNumber(h)} giờ`;
}

/** Ordinals: "thứ nhất", "thứ hai", "thứ tư"… */
export function readOrdinal(n: number): string {
  if (n === 1) return 'nhất';
  if (n === 4) return 'tư';
  return readNumber(n);
}
