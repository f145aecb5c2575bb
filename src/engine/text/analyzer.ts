/**
 * Turns a text into the terms the rankers match on: canonical accented syllables (only where the
 * text carries diacritics), folded syllables, and folded syllable bigrams, after abbreviation
 * expansion; synonyms add their meaning as an extra segment. The same analysis runs on the
 * knowledge (at index time) and on questions, so both sides always agree.
 */
import type { CompiledLexicon } from './lexicon';
import { canonicalSyllable, cleanText, foldSyllable, hasDiacritics } from './vietnamese';

export interface Analysis {
  /** Cleaned syllables after abbreviation expansion, as typed (lower case, NFC). */
  syllables: string[];
  /** The same, folded (no diacritics). */
  folded: string[];
  /** Index/query terms: accented unigrams, folded unigrams and folded bigrams, synonyms included. */
  terms: string[];
  /** Folded content syllables: neither stopwords nor numbers. */
  content: string[];
  /** Content syllables plus those of the phrases synonyms imply ("giấy chứng tử" adds "khai tử"). */
  expanded: Set<string>;
}

export class Analyzer {
  constructor(private readonly lexicon: CompiledLexicon) {}

  isGeneric(folded: string): boolean {
    return this.lexicon.isGeneric(folded);
  }

  analyze(text: string): Analysis {
    const syllables = this.lexicon.expandAbbreviations(cleanText(text).split(' ').filter(Boolean));
    const folded = syllables.map(foldSyllable);
    const terms = this.segmentTerms(syllables, folded);
    const content = folded.filter(
      (f, i) => !this.lexicon.isStopword(syllables[i] as string) && !/^\d+$/.test(f),
    );
    const expanded = new Set(content);
    for (const phrase of this.lexicon.impliedPhrases(folded)) {
      terms.push(...this.segmentTerms(phrase, phrase.map(foldSyllable)));
      for (const s of phrase) if (!this.lexicon.isStopword(s)) expanded.add(foldSyllable(s));
    }
    return { syllables, folded, terms, content, expanded };
  }

  private segmentTerms(syllables: string[], folded: string[]): string[] {
    const terms: string[] = [];
    const kept: string[] = [];
    syllables.forEach((s, i) => {
      const f = folded[i] as string;
      if (this.lexicon.isAmbiguous(s)) {
        kept.push(f);
        return;
      }
      if (this.lexicon.isStopword(s)) return;
      kept.push(f);
      terms.push(f);
      if (hasDiacritics(s)) terms.push(canonicalSyllable(s));
    });
    for (let i = 0; i + 1 < kept.length; i++) terms.push(`${kept[i]}_${kept[i + 1]}`);
    return terms;
  }
}
