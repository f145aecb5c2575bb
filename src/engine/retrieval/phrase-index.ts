/**
 * Nearest phrasing: BM25 of a question against every single example question, alias and name, kept
 * as the best score per target. Thousands of short documents sharing common syllables make a general
 * search engine do much repeated work here, so this is a compact inverted index with precomputed
 * weights: one pass over the postings of the question's distinct terms. An unknown folded syllable
 * ("xinh" for "sinh") is matched, at half weight, to known ones one edit away (deletion neighbourhoods,
 * as in SymSpell).
 */

// BM25+ with the usual parameters (the same as the whole-guide ranker's).
const K1 = 1.2;
const B = 0.7;
const DELTA = 0.5;
const FUZZY_WEIGHT = 0.5;

/** The word itself and every form with one letter deleted. */
function deletions(word: string): string[] {
  const out = [word];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

export class PhraseIndex {
  private readonly postings = new Map<string, { ids: Int32Array; weights: Float32Array }>();
  private readonly owner: string[] = [];
  /** Deletion form → known folded syllables that produce it. */
  private readonly neighbours = new Map<string, Set<string>>();

  /** `phrases` are (target key, analysed terms) pairs. */
  constructor(phrases: { key: string; terms: string[] }[]) {
    const lists = new Map<string, { ids: number[]; tf: number[] }>();
    const lengths: number[] = [];
    phrases.forEach(({ key, terms }, id) => {
      this.owner.push(key);
      lengths.push(terms.length);
      const counts = new Map<string, number>();
      for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
      for (const [t, tf] of counts) {
        const list = lists.get(t) ?? { ids: [], tf: [] };
        list.ids.push(id);
        list.tf.push(tf);
        lists.set(t, list);
      }
    });
    const n = phrases.length;
    const avg = lengths.reduce((a, b) => a + b, 0) / Math.max(1, n);
    for (const [term, { ids, tf }] of lists) {
      const idf = Math.log(1 + (n - ids.length + 0.5) / (ids.length + 0.5));
      const weights = tf.map((f, i) => {
        const norm = 1 - B + (B * (lengths[ids[i] as number] ?? 0)) / avg;
        return idf * (DELTA + (f * (K1 + 1)) / (f + K1 * norm));
      });
      this.postings.set(term, { ids: Int32Array.from(ids), weights: Float32Array.from(weights) });
      if (/^[a-z]{3,}$/.test(term)) {
        for (const d of deletions(term)) {
          const set = this.neighbours.get(d) ?? new Set<string>();
          set.add(term);
          this.neighbours.set(d, set);
        }
      }
    }
  }

  /** Known syllables one edit away from an unknown folded syllable. */
  private corrections(term: string): string[] {
    if (term.length < 4 || !/^[a-z]+$/.test(term)) return [];
    const found = new Set<string>();
    for (const d of deletions(term)) for (const t of this.neighbours.get(d) ?? []) found.add(t);
    found.delete(term);
    return [...found];
  }

  /** Best phrasing score per target key for the given query terms. */
  nearest(terms: string[]): Map<string, number> {
    const scores = new Float32Array(this.owner.length);
    const touched: number[] = [];
    const add = (term: string, factor: number) => {
      const list = this.postings.get(term);
      if (!list) return;
      for (let i = 0; i < list.ids.length; i++) {
        const id = list.ids[i] as number;
        if (scores[id] === 0) touched.push(id);
        scores[id] = (scores[id] ?? 0) + factor * (list.weights[i] ?? 0);
      }
    };
    for (const term of terms) {
      if (this.postings.has(term)) add(term, 1);
      else for (const near of this.corrections(term)) add(near, FUZZY_WEIGHT);
    }
    const best = new Map<string, number>();
    for (const id of touched) {
      const key = this.owner[id] as string;
      const s = scores[id] ?? 0;
      if (s > (best.get(key) ?? 0)) best.set(key, s);
    }
    return best;
  }
}
