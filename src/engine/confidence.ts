/**
 * One calibrated confidence for the best candidate, from the lexical evidence: how strong the best
 * match is (BM25 score, log scale), how clearly it beats the runner-up, and (in hybrid mode) how
 * close the dense ranker finds it. A logistic function of these features; the weights are fitted on
 * the tuning set by `npm run eval -- --calibrate` and kept here, never on the held-out set.
 */

export interface Calibration {
  /** Weight of ln(top score). */
  strength: number;
  /** Weight of the runner-up ratio s2/s1 (negative: a close runner-up lowers confidence). */
  closeness: number;
  /** Weight of the dense cosine of the best candidate (hybrid mode only). */
  dense: number;
  bias: number;
}

export const DEFAULT_CALIBRATION: Calibration = { strength: 2.2, closeness: -2.5, dense: 0, bias: -3.2 };

export interface ConfidenceFeatures {
  top: number;
  runnerUp: number;
  denseTop?: number;
}

export function confidence(f: ConfidenceFeatures, c: Calibration = DEFAULT_CALIBRATION): number {
  if (f.top <= 0) return 0;
  const z =
    c.strength * Math.log(f.top) + c.closeness * (f.runnerUp / f.top) + c.dense * (f.denseTop ?? 0) + c.bias;
  return Math.round((1 / (1 + Math.exp(-z))) * 1000) / 1000;
}
