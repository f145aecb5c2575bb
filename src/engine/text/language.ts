/**
 * Tells English questions from Vietnamese ones, so answers come back in the language asked.
 * Vietnamese typed without diacritics is still Vietnamese: English needs a majority of common
 * English words and no Vietnamese diacritics.
 */
import { hasDiacritics } from './vietnamese';

export type Lang = 'vi' | 'en';

// Common English words that are not also frequent Vietnamese syllables typed without diacritics.
const ENGLISH = new Set(
  `a about after am an and any apply are at be been birth bring can certificate child copy cost could
  criminal death did do document documents does fee for from get have help hello hi how i if in is it
  legal long many marriage married marry me much my need needs of office on online or our please
  record register registration should so than thank thanks the there this to university was we what
  when where which who why will wife with would you your husband fiance fiancé fiancee vietnamese
  foreigner foreign passport need officer human agent talk speak bye goodbye good morning afternoon
  evening apply applying required requirements process procedure days take takes much`.split(/\s+/),
);

export function detectLanguage(syllables: string[]): Lang {
  if (syllables.length === 0) return 'vi';
  const english = syllables.filter((s) => ENGLISH.has(s)).length / syllables.length;
  // A loanword with an accent ("fiancé") does not make an English sentence Vietnamese.
  if (english >= 0.5) return 'en';
  return english >= 0.4 && !syllables.some(hasDiacritics) ? 'en' : 'vi';
}
