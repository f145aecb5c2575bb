/**
 * BM25+ over documents with weighted fields, the scoring MiniSearch uses (per-field BM25+ with k 1.2,
 * b 0.7, d 0.5, field boosts, optional coordination: the sum times the number of distinct query terms
 * matched), computed from postings whose per-field weights are summed at build time. A question then
 * costs one pass over the postings of its terms, which is what keeps the engine under a millisecond.
 * An unknown folded syllable ("xinh" for "sinh") is matched to known ones one edit away (deletion
 * neighbourhoods, as in SymSpell) at a reduced weight, so typos still find their word.
 */

const K1 = 1.2;
const B = 0.7;
const DELTA = 0.5;
const FUZZY_WEIGHT = 0.5;

export interface Bm25Document {
  /** Analysed terms per field name. */
  fields: Record<string, string[]>;
}

interface Posting {
  ids: Int32Array;
  weights: Float64Array;
}

/** The word itself and every form with one letter deleted. */
function deletions(word: string): string[] {
  const out = [word];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/** Levenshtein distance ≤ 1 (the deletion neighbourhood also yields some pairs at distance 2). */
function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(i + 1) === b.slice(i + 1) || a.slice(i) === b.slice(i + 1) || a.slice(i + 1) === b.slice(i);
}

export class Bm25Index {
  private readonly postings = new Map<string, Posting>();
  private readonly neighbours = new Map<string, string[]>();
  readonly size: number;

  constructor(
    documents: Bm25Document[],
    boosts: Record<string, number>,
    private readonly coordination: boolean,
  ) {
    this.size = documents.length;
    const n = documents.length;
    const weights = new Map<string, Map<number, number>>();
    for (const [field, boost] of Object.entries(boosts)) {
      const lengths = documents.map((d) => d.fields[field]?.length ?? 0);
      const avg = lengths.reduce((a, b) => a + b, 0) / Math.max(1, n);
      const frequencies = new Map<string, Map<number, number>>();
      documents.forEach((d, id) => {
        for (const term of d.fields[field] ?? []) {
          const perDoc = frequencies.get(term) ?? new Map<number, number>();
          perDoc.set(id, (perDoc.get(id) ?? 0) + 1);
          frequencies.set(term, perDoc);
        }
      });
      for (const [term, perDoc] of frequencies) {
        const idf = Math.log(1 + (n - perDoc.size + 0.5) / (perDoc.size + 0.5));
        const summed = weights.get(term) ?? new Map<number, number>();
        for (const [id, tf] of perDoc) {
          const norm = 1 - B + (B * (lengths[id] ?? 0)) / (avg || 1);
          const score = idf * (DELTA + (tf * (K1 + 1)) / (tf + K1 * norm));
          summed.set(id, (summed.get(id) ?? 0) + boost * score);
        }
        weights.set(term, summed);
      }
    }
    for (const [term, perDoc] of weights) {
      this.postings.set(term, {
        ids: Int32Array.from(perDoc.keys()),
        weights: Float64Array.from(perDoc.values()),
      });
      if (/^[a-z]{3,}$/.test(term)) {
        for (const d of deletions(term)) this.neighbours.set(d, [...(this.neighbours.get(d) ?? []), term]);
      }
    }
  }

  has(term: string): boolean {
    return this.postings.has(term);
  }

  /** Known folded syllables one edit away from an unknown one (none for known terms or non-words). */
  corrections(term: string): string[] {
    if (term.length < 4 || !/^[a-z]+$/.test(term) || this.postings.has(term)) return [];
    const found = new Set<string>();
    for (const d of deletions(term)) {
      for (const t of this.neighbours.get(d) ?? []) if (withinOneEdit(term, t)) found.add(t);
    }
    return [...found];
  }

  /**
   * Scores by document id for the query terms (repeated terms count again), 0 for no match, and the
   * ids that matched (so callers need not scan every document).
   */
  search(terms: string[]): { scores: Float64Array; matched: number[] } {
    const scores = new Float64Array(this.size);
    const matched: number[] = [];
    // Coordination: how many distinct query terms matched each document.
    const distinct = this.coordination ? new Uint16Array(this.size) : undefined;
    const lastTerm = this.coordination ? new Int32Array(this.size).fill(-1) : undefined;
    const termIndex = new Map<string, number>();
    const add = (source: string, term: string, factor: number) => {
      const list = this.postings.get(term);
      if (!list) return;
      let t = termIndex.get(source);
      if (t === undefined) termIndex.set(source, (t = termIndex.size));
      for (let i = 0; i < list.ids.length; i++) {
        const id = list.ids[i] as number;
        if (scores[id] === 0) matched.push(id);
        scores[id] = (scores[id] ?? 0) + factor * (list.weights[i] ?? 0);
        if (distinct && lastTerm && lastTerm[id] !== t) {
          lastTerm[id] = t;
          distinct[id] = (distinct[id] ?? 0) + 1;
        }
      }
    };
    for (const term of terms) {
      if (this.postings.has(term)) add(term, term, 1);
      else
        for (const near of this.corrections(term))
          add(term, near, (FUZZY_WEIGHT * term.length) / (term.length + 1));
    }
    if (distinct) for (const id of matched) scores[id] = (scores[id] ?? 0) * (distinct[id] ?? 1);
    return { scores, matched };
  }
}
