/**
 * Finds which facet a question asks about (fee, documents, where, ...) from the cue phrases of
 * knowledge/facets.yaml, matched on folded syllables. The longest cue wins; ties go to the facet
 * listed first. Also reports which syllables the cues covered, so the policy can tell a bare
 * follow-up ("còn lệ phí thì sao?") from a question that names something new.
 * Also tells whether a message wants a person and why (the handoff cues of the same file, in the
 * order complaint, own file, asked; a wish to complain counts unless the message asks how to).
 */
import type { Facet, FacetsFile } from '../knowledge/schema';
import { cleanText, foldSyllable } from './text/vietnamese';
import type { HandoffReason } from './types';

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
  private readonly handoffCues: { reason: HandoffReason; cues: string[][] }[];
  private readonly complaintWishes: string[][];
  private readonly howToCues: string[][];

  constructor(file: FacetsFile) {
    const fold = (phrase: string) => cleanText(phrase).split(' ').filter(Boolean).map(foldSyllable);
    // `<số>` in a handoff cue: any word with a digit (a file code).
    const foldCue = (phrase: string) =>
      phrase
        .trim()
        .split(/\s+/)
        .flatMap((word) => (word === NUMBER_WORD ? [ANY_NUMBER] : fold(word)));
    this.cues = file.facets.flatMap((f, order) => [
      ...f.cues.map((c) => ({ facet: f.facet, folded: fold(c), order, weak: false })),
      ...f.weak_cues.map((c) => ({ facet: f.facet, folded: fold(c), order, weak: true })),
    ]);
    const { complaint, own_file, asked } = file.handoff_cues;
    this.handoffCues = [
      { reason: 'complaint', cues: complaint.map(foldCue) },
      { reason: 'own_file', cues: own_file.map(foldCue) },
      { reason: 'asked', cues: asked.map(foldCue) },
    ];
    this.complaintWishes = file.complaint_wishes.map(foldCue);
    this.howToCues = file.how_to_cues.map(foldCue);
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

  /** Why the message wants a person, or undefined when it does not say so. */
  handoffReason(folded: string[]): HandoffReason | undefined {
    const has = (cues: string[][]) => cues.some((cue) => contains(folded, cue));
    if (has(this.complaintWishes) && !has(this.howToCues)) return 'complaint';
    return this.handoffCues.find((group) => has(group.cues))?.reason;
  }
}

const NUMBER_WORD = '<số>';
const ANY_NUMBER = '\u0000number';

function contains(haystack: string[], needle: string[]): boolean {
  if (needle.length === 0) return false;
  const same = (word: string | undefined, cue: string) =>
    cue === ANY_NUMBER ? word !== undefined && /\d/.test(word) : word === cue;
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (needle.every((n, j) => same(haystack[i + j], n))) return true;
  }
  return false;
}
