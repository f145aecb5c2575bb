/**
 * One calibrated confidence for a candidate, from the evidence: how strong its match is (BM25 score,
 * log scale), how clearly it beats the runner-up, how much of the question's content its texts cover,
 * and (in hybrid mode) the dense cosine. A logistic function of these features; the weights are fitted
 * on the tuning set by `npm run eval -- --calibrate` (never on the held-out set) and kept here.
 */
import calibrationFile from './calibration.json';

export interface Calibration {
  /** Weight of ln(1 + score). */
  strength: number;
  /** Weight of the runner-up ratio s2/s1 (negative: a close runner-up lowers confidence). */
  closeness: number;
  /** Weight of the share of the question's content syllables found in the candidate's texts. */
  coverage: number;
  /** Weight of ln(1 + number of the question's content syllables found in the candidate's texts). */
  evidence: number;
  /** Weight of the dense cosine of the candidate (hybrid mode only). */
  dense: number;
  bias: number;
}

/** Fitted by `npm run eval -- --calibrate` on the tuning sets (eval/dev*.jsonl); rewrite it with that command. */
export const DEFAULT_CALIBRATION: Calibration = calibrationFile;

export interface ConfidenceFeatures {
  score: number;
  runnerUp: number;
  coverage: number;
  matched: number;
  dense: number;
}

export function featureVector(f: ConfidenceFeatures): number[] {
  return [
    Math.log1p(f.score),
    f.score > 0 ? Math.min(1, f.runnerUp / f.score) : 1,
    f.coverage,
    Math.log1p(f.matched),
    f.dense,
  ];
}

export function confidence(f: ConfidenceFeatures, c: Calibration = DEFAULT_CALIBRATION): number {
  if (f.score <= 0) return 0;
  const [strength = 0, closeness = 0, coverage = 0, dense = 0] = featureVector(f);
  const z =
    c.strength * strength + c.closeness * closeness + c.coverage * coverage + c.dense * dense + c.bias;
  return Math.round((1 / (1 + Math.exp(-z))) * 1000) / 1000;
}

/** Fits the calibration by logistic regression (batch gradient descent, L2) on labelled feature sets. */
export function fitCalibration(
  samples: { features: ConfidenceFeatures; right: boolean }[],
  withDense = false,
): Calibration {
  const xs = samples.map((s) => [...featureVector(s.features).slice(0, withDense ? 5 : 4), 1]);
  const ys = samples.map((s) => (s.right ? 1 : 0));
  const w = new Array<number>(xs[0]?.length ?? 0).fill(0);
  const rate = 0.5;
  for (let epoch = 0; epoch < 5000; epoch++) {
    const grad = new Array<number>(w.length).fill(0);
    xs.forEach((x, i) => {
      const z = x.reduce((acc, v, j) => acc + v * (w[j] ?? 0), 0);
      const err = 1 / (1 + Math.exp(-z)) - (ys[i] ?? 0);
      x.forEach((v, j) => (grad[j] = (grad[j] ?? 0) + err * v));
    });
    w.forEach(
      (wj, j) => (w[j] = wj - rate * ((grad[j] ?? 0) / xs.length + (j < w.length - 1 ? 0.001 * wj : 0))),
    );
  }
  const round = (v: number | undefined) => Math.round((v ?? 0) * 1000) / 1000;
  return {
    strength: round(w[0]),
    closeness: round(w[1]),
    coverage: round(w[2]),
    evidence: round(w[3]),
    dense: withDense ? round(w[4]) : 0,
    bias: round(w[w.length - 1]),
  };
}
