/**
 * Scores answer records against expected rows (../shared/contracts.md §4): right procedure first,
 * facet, intent, out-of-scope recall and in-scope refusals, per procedure, with every error and what
 * it was confused with.
 */
import type { QuestionRow } from '../cli/question-rows';
import type { AnswerRecord } from '../engine/types';

export interface EvalError {
  id: string;
  text: string;
  expected: string;
  got: string;
  kind: 'procedure' | 'intent' | 'facet';
  confidence: number;
  alternatives: string[];
}

export interface Rate {
  right: number;
  total: number;
  rate: number;
}

export interface EvalReport {
  rows: number;
  /** Procedure rows answered with an acceptable procedure (or an accepted alternative intent). */
  top1: Rate;
  /** Rows naming a facet whose facet was right (procedure rows that got the right procedure). */
  facet: Rate;
  /** Every row: intent right (procedure rows: also the procedure). */
  overall: Rate;
  /** Non-procedure rows: intent right. */
  intent: Rate;
  /** Out-of-scope rows refused. */
  outOfScopeRecall: Rate;
  /** Procedure rows refused as out of scope (lower is better). */
  inScopeRefused: Rate;
  /** Follow-up turns (second and later turns of a conversation): right procedure/intent. */
  followUps: Rate;
  /** Rows that name their language: answered in it. */
  language: Rate;
  perProcedure: Record<string, Rate>;
  errors: EvalError[];
}

const rate = (right: number, total: number): Rate => ({
  right,
  total,
  rate: total === 0 ? 1 : Math.round((right / total) * 10000) / 10000,
});

export function isRight(row: QuestionRow, got: AnswerRecord): boolean {
  const expect = row.expect;
  if (!expect) return true;
  if (expect.alt_intents?.includes(got.intent)) return true;
  if (expect.intent !== 'procedure') return got.intent === expect.intent;
  return (
    got.intent === 'procedure' && got.procedure !== null && (expect.procedures ?? []).includes(got.procedure)
  );
}

export function scoreRun(rows: QuestionRow[], records: AnswerRecord[]): EvalReport {
  const keys = ['top1', 'facet', 'overall', 'intent', 'oos', 'refused', 'follow', 'lang'] as const;
  const counts = Object.fromEntries(keys.map((k) => [k, { right: 0, total: 0 }])) as Record<
    (typeof keys)[number],
    { right: number; total: number }
  >;
  const perProcedure: Record<string, [number, number]> = {};
  const errors: EvalError[] = [];
  const seenConversations = new Set<string>();
  const bump = (k: keyof typeof counts, ok: boolean) => {
    counts[k].total++;
    if (ok) counts[k].right++;
  };

  rows.forEach((row, i) => {
    const got = records[i];
    const expect = row.expect;
    if (!got || !expect) return;
    const ok = isRight(row, got);
    bump('overall', ok);
    if (row.lang === 'vi' || row.lang === 'en') bump('lang', got.lang === row.lang);
    if (row.conversation) {
      if (seenConversations.has(row.conversation)) bump('follow', ok);
      seenConversations.add(row.conversation);
    }
    const base = {
      id: row.id,
      text: row.text,
      confidence: got.confidence,
      alternatives: got.alternatives.map((a) => a.procedure),
    };
    const gotLabel = got.intent === 'procedure' ? (got.procedure ?? 'procedure') : got.intent;
    if (expect.intent === 'procedure') {
      bump('top1', ok);
      bump('refused', got.intent === 'out_of_scope');
      const first = expect.procedures?.[0] ?? 'procedure';
      const slot = (perProcedure[first] ??= [0, 0]);
      slot[1]++;
      if (ok) slot[0]++;
      if (!ok)
        errors.push({
          ...base,
          kind: 'procedure',
          expected: (expect.procedures ?? []).join('|'),
          got: gotLabel,
        });
      if (expect.facet && got.intent === 'procedure') {
        const facetOk = got.facet === expect.facet;
        if (ok) bump('facet', facetOk);
        if (ok && !facetOk)
          errors.push({ ...base, kind: 'facet', expected: expect.facet, got: got.facet ?? 'none' });
      }
    } else {
      bump('intent', ok);
      if (expect.intent === 'out_of_scope') bump('oos', ok);
      if (!ok) errors.push({ ...base, kind: 'intent', expected: expect.intent, got: gotLabel });
    }
  });

  const r = (k: keyof typeof counts) => rate(counts[k].right, counts[k].total);
  return {
    rows: rows.length,
    top1: r('top1'),
    facet: r('facet'),
    overall: r('overall'),
    intent: r('intent'),
    outOfScopeRecall: r('oos'),
    inScopeRefused: r('refused'),
    followUps: r('follow'),
    language: r('lang'),
    perProcedure: Object.fromEntries(
      Object.entries(perProcedure)
        .sort()
        .map(([k, [a, b]]) => [k, rate(a, b)]),
    ),
    errors,
  };
}
