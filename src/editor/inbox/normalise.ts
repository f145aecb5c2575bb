/**
 * A citizen's question reduced to what the inbox groups on: the engine analyser's content syllables
 * (src/engine/text/analyzer.ts `content`: abbreviations expanded, "gks" → "giấy khai sinh"; folded;
 * stopwords and numbers dropped, so "ạ", "ơi" and a masked phone's last digits do not count), as a
 * set, sorted and joined by spaces. "lam giay khai sinh cho con o dau" and "làm giấy khai sinh cho con
 * ở đâu ạ" give the same key. The lexicon is compiled from the live knowledge's lexicon and guide names,
 * as the engine's is; only the content part of the analysis is computed (the ranker's terms, bigrams and
 * synonyms are not needed here, and skipping them makes it about three times faster; a test checks
 * both agree). Keys are memoised per knowledge version: a text seen once is not analysed again.
 */
import type { Engine } from '../../engine/engine';
import { compileLexicon, type CompiledLexicon } from '../../engine/text/lexicon';
import { cleanText, foldSyllable } from '../../engine/text/vietnamese';
import type { KnowledgeFiles } from '../../knowledge/load-knowledge';
import { lexiconFileSchema } from '../../knowledge/schema';
import { parseYaml } from '../../knowledge/yaml-document';
import { guideIdOf } from '../../knowledge-store/validate-file';

/** Texts whose key is remembered, per knowledge version; the memo is cleared when full. */
const MEMO_LIMIT = 200_000;

export class QuestionNormaliser {
  private readonly memo = new Map<string, string>();

  constructor(
    readonly version: string,
    private readonly lexicon: CompiledLexicon,
  ) {}

  /** The sorted, distinct folded content syllables of a text; '' when it has none. */
  key(text: string): string {
    const hit = this.memo.get(text);
    if (hit !== undefined) return hit;
    const syllables = this.lexicon.expandAbbreviations(cleanText(text).split(' ').filter(Boolean));
    const content = new Set<string>();
    for (const syllable of syllables) {
      const folded = foldSyllable(syllable);
      if (!this.lexicon.isStopword(syllable) && !/^\d+$/.test(folded)) content.add(folded);
    }
    const tokens = [...content].sort();
    const key = tokens.join(' ');
    if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
    this.memo.set(text, key);
    return key;
  }
}

/** The normaliser of the live knowledge (its lexicon file and the guides' titles and aliases). */
export function buildNormaliser(files: KnowledgeFiles, engine: Engine): QuestionNormaliser {
  const lexiconSource = files.get('lexicon.yaml') ?? '';
  const parsed = parseYaml(lexiconSource, lexiconFileSchema, 'lexicon.yaml');
  const lexicon = parsed.ok
    ? parsed.value
    : { abbreviations: {}, synonyms: [], stopwords: [], accented_stopwords: [], generic: [] };
  const names: string[] = [];
  for (const path of files.keys()) {
    const id = guideIdOf(path);
    const guide = id ? engine.guide(id) : undefined;
    if (guide) names.push(guide.title, ...guide.aliases);
  }
  return new QuestionNormaliser(engine.version, compileLexicon(lexicon, names));
}

/** Keeps one normaliser, rebuilt when the knowledge version changes. */
export class NormaliserCache {
  private current: QuestionNormaliser | undefined;

  get(files: KnowledgeFiles, engine: Engine): QuestionNormaliser {
    if (this.current?.version !== engine.version) this.current = buildNormaliser(files, engine);
    return this.current;
  }
}
