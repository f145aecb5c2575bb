/**
 * A Vietnamese phone number in a citizen's message, for a callback request: a mobile number (10 digits,
 * 03x/05x/07x/08x/09x) or a landline with its area code (11 digits, 02x…), written with a leading 0,
 * +84, 0084 or 84, and spaces, dots, dashes or brackets anywhere ("0912 345 678", "+84 912.345.678",
 * "(0238) 3823 456"). Service numbers (1800/1900) and foreign numbers are refused: an officer could not
 * call them back. The number is kept in the national form an officer dials ("0912345678").
 */

export type PhoneMatch =
  /** The message has no digit at all. */
  | { kind: 'none' }
  /** Digits, but no callable Vietnamese number among them. */
  | { kind: 'invalid' }
  | { kind: 'valid'; phone: string; tail: string };

const MOBILE = /^0[35789]\d{8}$/;
const LANDLINE = /^02\d{9}$/;
/** Runs of digits with at most two separators between them, an optional + or ( in front. */
const RUN = /[+(]{0,2}\d(?:[\s.()-]{0,2}\d)*/g;

/** The national form ("0912345678") of one run, or undefined when it is not a callable VN number. */
export function normalisePhone(run: string): string | undefined {
  const digits = run.replace(/\D/g, '');
  const international = /^\s*\(?\s*\+/.test(run) || digits.startsWith('0084');
  let national: string;
  if (digits.startsWith('0084')) national = `0${digits.slice(4)}`;
  else if (international) national = digits.startsWith('84') ? `0${digits.slice(2)}` : '';
  else if (digits.startsWith('84') && (digits.length === 11 || digits.length === 12))
    national = `0${digits.slice(2)}`;
  else national = digits;
  return MOBILE.test(national) || LANDLINE.test(national) ? national : undefined;
}

/** The first callable number of the message. */
export function findPhoneNumber(text: string): PhoneMatch {
  if (!/\d/.test(text)) return { kind: 'none' };
  for (const run of text.match(RUN) ?? []) {
    const phone = normalisePhone(run);
    if (phone) return { kind: 'valid', phone, tail: phone.slice(-3) };
  }
  return { kind: 'invalid' };
}
