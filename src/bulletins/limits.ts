/**
 * What a bulletin may be: its channels and length limits, which fit Zalo's promotion message (header
 * ≤ 100 characters; the text element kept ≤ 1,000) and read well as one "Tin mới" line of the web chat
 * welcome. Characters are counted as Unicode code points of the NFC text, as PostgreSQL's char_length
 * counts them (migration 040) and as the editor's live counters show them.
 */

export const BULLETIN_CHANNELS = ['webchat', 'zalo'] as const;
export type BulletinChannel = (typeof BULLETIN_CHANNELS)[number];

export const TITLE_MAX = 100;
export const BODY_MAX = 1000;
export const LINK_MAX = 500;
/** A sent bulletin without show_until stays in the web chat welcome this long. */
export const DEFAULT_SHOW_DAYS = 14;
/** Bulletins named in one welcome, newest first. */
export const WELCOME_MAX = 3;

export function charCount(text: string): number {
  return [...text.normalize('NFC')].length;
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
