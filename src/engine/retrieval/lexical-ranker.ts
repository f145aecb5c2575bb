/**
 * The lexical ranker: BM25+ over every target the engine can pick (guides, small-talk intents,
 * out-of-scope topics), in two views fused together:
 * - the whole target, with weighted fields (name, aliases, example questions, facet texts);
 * - the nearest single phrasing (one example question, alias or name), so a question close to one
 *   example is not drowned by a long guide;
 * times a bonus for how much of the target's name the question spells out.
 *
 * The scoring is MiniSearch's (BM25+ per field, boosts, coordination, typo correction); the project
 * first used MiniSearch itself and measured 2–3 ms a question, most of it spent walking result maps
 * for thousands of short phrasings. The same scoring over precomputed postings (bm25-index.ts) gives
 * the same rankings on every eval set in well under a millisecond, so the engine owns these 150 lines.
 */
import type { Analyzer } from '../text/analyzer';
import { Bm25Index } from './bm25-index';

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

type Field = 'title' | 'aliases' | 'examples' | 'body';
export const DEFAULT_BOOSTS: Record<Field, number> = { title: 2, aliases: 2, examples: 1, body: 0.25 };
/** Score multiplier per unit of title coverage (see titleCoverage). */
const TITLE_BONUS = 0.5;
/** Weight of the nearest single phrasing beside the whole-target match (both scaled to their best). */
const PHRASE_WEIGHT = 0.3;

export class LexicalRanker {
  private readonly whole: Bm25Index;
  /** One document per example question, alias and name. */
  private readonly phrasings: Bm25Index;
  private readonly phraseOwner: number[] = [];
  private readonly targets: Target[];
  /** Folded syllables of each target's texts, to tell how much of a question a target covers. */
  private readonly syllables = new Map<string, Set<string>>();
  /** Folded specific syllables of each line of a target's name (Vietnamese and English). */
  private readonly titles = new Map<string, string[][]>();

  constructor(
    private readonly analyzer: Analyzer,
    targets: Target[],
    boosts: Record<Field, number> = DEFAULT_BOOSTS,
  ) {
    this.targets = targets;
    // Each line is analysed once, then used by every view below.
    const cache = new Map<string, ReturnType<Analyzer['analyze']>>();
    const analyze = (line: string) => {
      let a = cache.get(line);
      if (!a) cache.set(line, (a = this.analyzer.analyze(line)));
      return a;
    };
    const termsOf = (lines: string[]) =>
      lines.flatMap((x) => x.split('\n')).flatMap((line) => analyze(line).terms);
    this.whole = new Bm25Index(
      targets.map((t) => ({
        fields: {
          title: termsOf([t.title]),
          aliases: termsOf(t.aliases),
          examples: termsOf(t.examples),
          body: termsOf(t.body),
        },
      })),
      boosts,
      true,
    );
    const phrases: { fields: { text: string[] } }[] = [];
    targets.forEach((t, owner) => {
      for (const text of [...t.title.split('\n'), ...t.aliases, ...t.examples]) {
        phrases.push({ fields: { text: analyze(text).terms } });
        this.phraseOwner.push(owner);
      }
    });
    this.phrasings = new Bm25Index(phrases, { text: 1 }, false);

    for (const t of targets) {
      const lines = [t.title, ...t.aliases, ...t.examples, ...t.body].flatMap((x) => x.split('\n'));
      this.syllables.set(t.key, new Set(lines.flatMap((line) => analyze(line).folded)));
      // Generic words ("đăng ký", "cấp", "thủ tục") say nothing about which procedure a name is.
      const titleLines = t.title
        .split('\n')
        .map((line) => analyze(line).content.filter((s) => !this.analyzer.isGeneric(s)));
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
    const whole = this.whole.search(terms);
    const phrasings = this.phrasings.search(terms);
    const nearest = new Float64Array(this.targets.length);
    let topPhrase = 1e-9;
    for (const phrase of phrasings.matched) {
      const owner = this.phraseOwner[phrase] as number;
      const score = phrasings.scores[phrase] ?? 0;
      if (score > (nearest[owner] ?? 0)) nearest[owner] = score;
      if (score > topPhrase) topPhrase = score;
    }
    let topWhole = 0;
    for (const i of whole.matched) topWhole = Math.max(topWhole, whole.scores[i] ?? 0);
    if (topWhole <= 0) return [];
    const hits: LexicalHit[] = [];
    for (const i of whole.matched) {
      const target = this.targets[i] as Target;
      const bonus = 1 + TITLE_BONUS * this.titleCoverage(target.key, content);
      const phrase = (nearest[i] ?? 0) / topPhrase;
      const score = ((whole.scores[i] ?? 0) / topWhole + PHRASE_WEIGHT * phrase) * bonus * topWhole;
      hits.push({ key: target.key, kind: target.kind, score });
    }
    return hits.sort((a, b) => b.score - a.score);
  }
}
