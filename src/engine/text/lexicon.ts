/**
 * The lexicon compiled for matching: abbreviations replaced in place (so "dk khai sinh" reads as
 * "đăng ký khai sinh" and forms the right bigrams), and editors' synonyms and concepts appended
 * ("giấy chứng tử" also means "khai tử"; "người Pháp" also means "nước ngoài").
 */
import type { LexiconFile } from '../../knowledge/schema';
import { canonicalSyllable, cleanText, foldSyllable, hasDiacritics } from './vietnamese';

interface Abbreviation {
  /** The typed form as written in the lexicon (cleaned syllables). */
  raw: string[];
  expansion: string[];
}

interface Synonym {
  folded: string[];
  means: string[];
}

export interface CompiledLexicon {
  /** Replaces abbreviations in a list of cleaned syllables. */
  expandAbbreviations(syllables: string[]): string[];
  /** Phrases (as cleaned syllables) implied by synonyms found in the folded syllables. */
  impliedPhrases(folded: string[]): string[][];
  /**
   * A syllable as typed (lower case). Typed with diacritics, it is a stopword only if it is one exactly
   * ("bạn" is, "bản" is not). Typed without, only if no word of a procedure's name or aliases folds to
   * the same letters ("ban" may be "bản sao", "tu" may be "khai tử": both are kept).
   */
  isStopword(syllable: string): boolean;
  /** A stopword typed without diacritics whose letters also spell a word of a procedure's name
   * ("tu": "từ" or "khai tử"): not content, but kept in bigrams so "khai tu" still matches. */
  isAmbiguous(syllable: string): boolean;
  /** A folded syllable that belongs to no procedure in particular ("ho", "so", "giay", "nop"). */
  isGeneric(folded: string): boolean;
}

export function compileLexicon(file: LexiconFile, protectedWords: Iterable<string> = []): CompiledLexicon {
  const abbreviations = new Map<string, Abbreviation[]>();
  for (const [key, expansion] of Object.entries(file.abbreviations)) {
    const raw = cleanText(key).split(' ').filter(Boolean);
    const first = raw[0];
    if (!first) continue;
    const entry = { raw, expansion: cleanText(expansion).split(' ').filter(Boolean) };
    const bucket = abbreviations.get(foldSyllable(first)) ?? [];
    bucket.push(entry);
    // Longer keys first, so "ub nd" wins over "ub".
    bucket.sort((a, b) => b.raw.length - a.raw.length);
    abbreviations.set(foldSyllable(first), bucket);
  }

  const synonyms = new Map<string, Synonym[]>();
  for (const group of file.synonyms) {
    const means = cleanText(group.means).split(' ').filter(Boolean);
    for (const phrase of group.phrases) {
      const folded = cleanText(phrase).split(' ').filter(Boolean).map(foldSyllable);
      const first = folded[0];
      if (!first) continue;
      const bucket = synonyms.get(first) ?? [];
      bucket.push({ folded, means });
      synonyms.set(first, bucket);
    }
  }
  const allStopwords = [...file.stopwords, ...file.accented_stopwords].map((w) => cleanText(w));
  const exactStopwords = new Set(allStopwords.map(canonicalSyllable));
  const foldedStopwords = new Set(allStopwords.map(foldSyllable));
  const ambiguous = new Set<string>();
  for (const word of protectedWords) {
    for (const s of cleanText(word).split(' ')) {
      const folded = foldSyllable(s);
      if (hasDiacritics(s) && !exactStopwords.has(canonicalSyllable(s)) && foldedStopwords.has(folded)) {
        ambiguous.add(folded);
      }
    }
  }
  const generic = new Set(file.generic.flatMap((w) => cleanText(w).split(' ').map(foldSyllable)));

  /** A typed syllable matches a lexicon syllable exactly, or by its folded form when typed without diacritics. */
  const sameSyllable = (typed: string, key: string) =>
    typed === key || (!hasDiacritics(typed) && foldSyllable(key) === typed);

  return {
    expandAbbreviations(syllables) {
      const out: string[] = [];
      for (let i = 0; i < syllables.length; i++) {
        const s = syllables[i] as string;
        const match = abbreviations
          .get(foldSyllable(s))
          ?.find((a) =>
            a.raw.every((k, j) => i + j < syllables.length && sameSyllable(syllables[i + j] as string, k)),
          );
        if (match) {
          out.push(...match.expansion);
          i += match.raw.length - 1;
        } else {
          out.push(s);
        }
      }
      return out;
    },
    impliedPhrases(folded) {
      const found: string[][] = [];
      folded.forEach((s, i) => {
        for (const syn of synonyms.get(s) ?? []) {
          if (syn.folded.every((k, j) => folded[i + j] === k)) found.push(syn.means);
        }
      });
      return found;
    },
    isGeneric: (folded) => generic.has(folded),
    isAmbiguous: (syllable) => !hasDiacritics(syllable) && ambiguous.has(syllable),
    isStopword: (syllable) =>
      hasDiacritics(syllable)
        ? exactStopwords.has(canonicalSyllable(syllable))
        : foldedStopwords.has(syllable),
  };
}
