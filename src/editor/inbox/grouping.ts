/**
 * Groups normalised questions (keys of normalise.ts: sorted folded syllables) by token-set similarity,
 * deterministically: distinct keys in order of how often they were asked (then alphabetically); each
 * joins the most similar earlier seed with Jaccard ≥ JACCARD_THRESHOLD (the earliest seed on a tie),
 * or becomes a seed itself. Members are compared with the seed only (leader clustering), so a group
 * never drifts. Candidate seeds are found by prefix filtering (tokens ordered rarest first: two sets
 * with Jaccard ≥ t share a token among the first n − ⌈t·n⌉ + 1 of each), which keeps 50 000 distinct
 * questions to a fraction of a second instead of comparing every pair. A group's signature is a hash
 * of its seed: stable while the seed stays the most asked phrasing, which is what resolutions key on.
 */
import { createHash } from 'node:crypto';

/** Two questions belong together when their syllable sets overlap this much (|A∩B| / |A∪B|). */
export const JACCARD_THRESHOLD = 0.6;

export interface KeyGroup {
  signature: string;
  seed: string;
  /** The seed first, then the joined keys in processing order. */
  keys: string[];
}

export const signatureOf = (seed: string): string =>
  createHash('sha256').update(seed).digest('hex').slice(0, 16);

const EPSILON = 1e-9;

/** How many of a set's first tokens (rarest first) must be indexed/probed for threshold t. */
const prefixLength = (n: number, t: number) => n - Math.ceil(t * n - EPSILON) + 1;

/** |A∩B| / |A∪B| of two ascending lists of token ranks. */
function jaccard(a: Int32Array, b: Int32Array): number {
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      common++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return common / (a.length + b.length - common);
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** `counts`: key → how many messages have it. Keys with no token ('') are left out. */
export function groupKeys(counts: ReadonlyMap<string, number>, threshold = JACCARD_THRESHOLD): KeyGroup[] {
  const keys = [...counts.keys()]
    .filter((k) => k.length > 0)
    .sort((a, b) => counts.get(b)! - counts.get(a)! || byText(a, b));
  // Tokens become their rank, rarest first (then alphabetical): a set is an ascending Int32Array whose
  // first entries are its prefix.
  const split = keys.map((k) => k.split(' '));
  const frequency = new Map<string, number>();
  for (const tokens of split) for (const t of tokens) frequency.set(t, (frequency.get(t) ?? 0) + 1);
  const ranked = [...frequency.keys()].sort((a, b) => frequency.get(a)! - frequency.get(b)! || byText(a, b));
  const rank = new Map(ranked.map((t, i) => [t, i]));

  const groups: KeyGroup[] = [];
  const seeds: Int32Array[] = [];
  const index: number[][] = ranked.map(() => []); // token rank → seeds (group indexes) with it in their prefix
  const seenAt = new Int32Array(keys.length).fill(-1); // group → the last key that looked at it
  keys.forEach((key, k) => {
    const tokens = Int32Array.from(split[k]!, (t) => rank.get(t)!).sort();
    const prefix = prefixLength(tokens.length, threshold);
    let best = -1;
    let bestScore = -1;
    for (let p = 0; p < prefix; p++) {
      for (const g of index[tokens[p]!]!) {
        if (seenAt[g] === k) continue;
        seenAt[g] = k;
        const seed = seeds[g]!;
        if (Math.min(seed.length, tokens.length) < threshold * Math.max(seed.length, tokens.length) - EPSILON)
          continue; // the sizes alone cannot reach the threshold
        const score = jaccard(tokens, seed);
        if (score < threshold - EPSILON) continue;
        if (best < 0 || score > bestScore + EPSILON || (score >= bestScore - EPSILON && g < best)) {
          best = g;
          bestScore = score;
        }
      }
    }
    if (best >= 0) {
      groups[best]!.keys.push(key);
      return;
    }
    const g = groups.length;
    groups.push({ signature: signatureOf(key), seed: key, keys: [key] });
    seeds.push(tokens);
    for (let p = 0; p < prefix; p++) index[tokens[p]!]!.push(g);
  });
  return groups;
}
