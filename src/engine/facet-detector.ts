/**
 * Finds which facet a question asks about (fee, documents, where, ...) from the cue phrases of
 * knowledge/facets.yaml, matched on folded syllables. The longest cue wins; ties go to the facet
 * listed first. Also reports which syllables the cues covered, so the policy can tell a bare
 * follow-up ("còn lệ phí thì sao?") from a question that names something new.
 */
import type { Facet, FacetsFile } from '../knowledge/schema';
import { cleanText, foldSyllable } from './text/vietnamese';

export interface FacetMatch {
  facet: Facet | null;
  /** Indexes of folded syllables covered by any cue. */
  covered: Set<number>;
}

interface Cue {
  facet: Facet;
  folded: string[];
  order: number;
  weak: boolean;
}

export class FacetDetector {
  private readonly cues: Cue[];
  /** Cues by their first syllable, so detection looks only at cues that can start at each position. */
  private readonly byFirst = new Map<string, Cue[]>();
  private readonly handoffCues: string[][];

  constructor(file: FacetsFile) {
    const fold = (phrase: string) => cleanText(phrase).split(' ').filter(Boolean).map(foldSyllable);
    this.cues = file.facets.flatMap((f, order) => [
      ...f.cues.map((c) => ({ facet: f.facet, folded: fold(c), order, weak: false })),
      ...f.weak_cues.map((c) => ({ facet: f.facet, folded: fold(c), order, weak: true })),
    ]);
    this.handoffCues = file.handoff_cues.map(fold);
    for (const cue of this.cues) {
      const first = cue.folded[0];
      if (first === undefined) continue;
      this.byFirst.set(first, [...(this.byFirst.get(first) ?? []), cue]);
    }
  }

  detect(folded: string[]): FacetMatch {
    let best: Cue | undefined;
    const covered = new Set<number>();
    for (let at = 0; at < folded.length; at++) {
      for (const cue of this.byFirst.get(folded[at] as string) ?? []) {
        if (!cue.folded.every((c, j) => folded[at + j] === c)) continue;
        cue.folded.forEach((_, j) => covered.add(at + j));
        if (
          !best ||
          (best.weak && !cue.weak) ||
          (best.weak === cue.weak &&
            (cue.folded.length > best.folded.length ||
              (cue.folded.length === best.folded.length && cue.order < best.order)))
        ) {
          best = cue;
        }
      }
    }
    return { facet: best?.facet ?? null, covered };
  }

  wantsPerson(folded: string[]): boolean {
    return this.handoffCues.some((cue) => occurrences(folded, cue).length > 0);
  }
}

function occurrences(haystack: string[], needle: string[]): number[] {
  const found: number[] = [];
  if (needle.length === 0) return found;
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (needle.every((n, j) => haystack[i + j] === n)) found.push(i);
  }
  return found;
}
