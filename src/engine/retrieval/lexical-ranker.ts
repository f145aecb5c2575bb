/**
 * The lexical ranker: BM25+ over every target the engine can pick (guides, small-talk intents,
 * out-of-scope topics), with MiniSearch doing the indexing and scoring. MiniSearch is used rather than
 * a hand-written BM25 because it is small, maintained, fast (radix-tree index), scores per field with
 * boosts and corrects typos with bounded edit distance; the project keeps control of tokenisation by
 * handing it the analyser's terms. Typo correction runs only for terms the knowledge does not contain,
 * so a correct word never drifts to a neighbour.
 */
import MiniSearch, { type SearchOptions } from 'minisearch';
import type { Analyzer } from '../text/analyzer';
import { PhraseIndex } from './phrase-index';

export type TargetKind = 'guide' | 'intent' | 'out_of_scope';

/** Something a question can be matched to, with its text by field. */
export interface Target {
  key: string;
  kind: TargetKind;
  title: string;
  aliases: string[];
  examples: string[];
  body: string[];
}

export interface LexicalHit {
  key: string;
  kind: TargetKind;
  score: number;
}

const FIELDS = ['title', 'aliases', 'examples', 'body'] as const;
export const DEFAULT_BOOSTS = { title: 2, aliases: 2, examples: 1, body: 0.25 };
/** Score multiplier per unit of title coverage (see titleCoverage). */
const TITLE_BONUS = 0.5;
/** Weight of the nearest single phrasing beside the whole-target match (both scaled to their best). */
const PHRASE_WEIGHT = 0.5;

export class LexicalRanker {
  private readonly index: MiniSearch<{ id: string }>;
  /** One document per example question, alias and name: the nearest phrasing, not the whole guide. */
  private readonly phrasings: PhraseIndex;
  private readonly targets: Map<string, Target>;
  private readonly vocabulary = new Set<string>();
  /** Folded syllables of each target's texts, to tell how much of a question a target covers. */
  private readonly syllables = new Map<string, Set<string>>();
  /** Folded content syllables of each line of a target's title (Vietnamese and English names). */
  private readonly titles = new Map<string, string[][]>();

  constructor(
    private readonly analyzer: Analyzer,
    targets: Target[],
    private readonly boosts: Record<(typeof FIELDS)[number], number> = DEFAULT_BOOSTS,
  ) {
    this.targets = new Map(targets.map((t) => [t.key, t]));
    const tokenize = (field: string) =>
      field.split('\n').flatMap((line) => {
        const terms = this.analyzer.analyze(line).terms;
        for (const t of terms) this.vocabulary.add(t);
        return terms;
      });
    this.index = new MiniSearch({
      idField: 'id',
      fields: [...FIELDS],
      tokenize,
      processTerm: (t) => t,
      extractField: (doc, field) => {
        if (field === 'id') return doc.id;
        const target = this.targets.get(doc.id)!;
        const value = target[field as (typeof FIELDS)[number]];
        return Array.isArray(value) ? value.join('\n') : value;
      },
    });
    this.index.addAll(targets.map((t) => ({ id: t.key })));
    this.phrasings = new PhraseIndex(
      targets.flatMap((t) =>
        [...t.title.split('\n'), ...t.aliases, ...t.examples].map((text) => ({
          key: t.key,
          terms: this.analyzer.analyze(text).terms,
        })),
      ),
    );
    for (const t of targets) {
      const lines = [t.title, ...t.aliases, ...t.examples, ...t.body].flatMap((x) => x.split('\n'));
      this.syllables.set(t.key, new Set(lines.flatMap((line) => this.analyzer.analyze(line).folded)));
      // Generic words ("đăng ký", "cấp", "thủ tục") say nothing about which procedure a name is.
      const titleLines = t.title
        .split('\n')
        .map((line) => this.analyzer.analyze(line).content.filter((s) => !this.analyzer.isGeneric(s)));
      this.titles.set(
        t.key,
        titleLines.filter((line) => line.length > 0),
      );
    }
  }

  /**
   * The largest share of one of the target's names that the question spells out. A question about
   * "khai sinh" names all of "Đăng ký khai sinh" but a third of "Đăng ký khai sinh có yếu tố nước
   * ngoài": the plainer procedure is meant unless the question says more.
   */
  titleCoverage(key: string, content: ReadonlySet<string>): number {
    let best = 0;
    for (const line of this.titles.get(key) ?? []) {
      best = Math.max(best, line.filter((s) => content.has(s)).length / line.length);
    }
    return best;
  }

  /** How many of the given folded syllables occur in the target's texts. */
  matched(key: string, folded: string[]): number {
    const own = this.syllables.get(key);
    return own ? folded.filter((f) => own.has(f)).length : 0;
  }

  /** Targets scored for the given query terms, best first; `content` are the question's folded content syllables. */
  rank(terms: string[], content: ReadonlySet<string> = new Set()): LexicalHit[] {
    if (terms.length === 0) return [];
    const options: SearchOptions = {
      tokenize: (s: string) => s.split(' '),
      processTerm: (t: string) => t,
      combineWith: 'OR',
      // Typos are corrected on folded syllables only (plain a-z), and only when the word is unknown.
      fuzzy: (term: string) =>
        term.length >= 4 && /^[a-z]+$/.test(term) && !this.vocabulary.has(term) ? 1 : false,
      weights: { fuzzy: 0.5, prefix: 0 },
    };
    const query = terms.join(' ');
    const results = this.index.search(query, { ...options, boost: this.boosts });
    const nearest = this.phrasings.nearest(terms);
    const topGuide = results[0]?.score ?? 1;
    const topPhrase = Math.max(1e-9, ...nearest.values());
    return results
      .map((r) => {
        const target = this.targets.get(r.id as string)!;
        const bonus = 1 + TITLE_BONUS * this.titleCoverage(target.key, content);
        const phrase = (nearest.get(target.key) ?? 0) / topPhrase;
        return {
          key: target.key,
          kind: target.kind,
          score: (r.score / topGuide + PHRASE_WEIGHT * phrase) * bonus * topGuide,
        };
      })
      .sort((a, b) => b.score - a.score);
  }
}
