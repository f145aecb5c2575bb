/**
 * `npm run eval -- --set FILE.jsonl [--set FILE2.jsonl]`: scores the engine on question sets and
 * prints top-1, facet, intent, out-of-scope recall, in-scope refusals and follow-ups, per procedure
 * with --verbose; writes a report and the errors (with what each was confused with) under
 * artifacts/eval/. Without --set it runs every set in eval/.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { answerTurns } from '../engine/conversations';
import type { AnswerRecord } from '../engine/types';
import { fitCalibration, type ConfidenceFeatures } from '../engine/confidence';
import type { Engine } from '../engine/engine';
import { scoreRun, type EvalReport, type Rate } from '../evaluation/score';
import { readQuestionRows, type QuestionRow } from './question-rows';
import { runCli } from './run-cli';

const EVAL_DIR = path.resolve(__dirname, '..', '..', 'eval');
const OUT_DIR = path.resolve(__dirname, '..', '..', 'artifacts', 'eval');
const CALIBRATION_FILE = path.resolve(__dirname, '..', 'engine', 'calibration.json');

const pct = (r: Rate) => `${(r.rate * 100).toFixed(1)}% (${r.right}/${r.total})`;

runCli(async ({ engine }, args) => {
  const sets = args.flatMap((a, i) => (args[i - 1] === '--set' ? [a] : []));
  const files =
    sets.length > 0
      ? sets
      : (await readdir(EVAL_DIR))
          .filter((f) => f.endsWith('.jsonl'))
          .sort()
          .map((f) => path.join(EVAL_DIR, f));
  const e = await engine();
  if (args.includes('--calibrate')) {
    await calibrate(e, files);
    return;
  }
  await mkdir(OUT_DIR, { recursive: true });
  for (const file of files) {
    const rows = await readQuestionRows(file);
    const records: AnswerRecord[] = [];
    for await (const r of answerTurns(e, rows)) records.push(r);
    const report = scoreRun(rows, records);
    const name = path.basename(file, '.jsonl');
    print(name, report, args.includes('--verbose'));
    const { errors, ...summary } = report;
    await writeFile(
      path.join(OUT_DIR, `${name}.report.json`),
      JSON.stringify({ set: file, mode: e.mode, knowledge: e.version, ...summary }, null, 2),
    );
    await writeFile(
      path.join(OUT_DIR, `${name}.errors.jsonl`),
      errors.map((x) => JSON.stringify(x)).join('\n') + '\n',
    );
  }
  process.stdout.write(`mode: ${e.mode}; reports in ${path.relative(process.cwd(), OUT_DIR)}/\n`);
});

function print(name: string, r: EvalReport, verbose: boolean): void {
  const lines = [
    `== ${name} (${r.rows} rows)`,
    `  procedure top-1      ${pct(r.top1)}`,
    `  facet                ${pct(r.facet)}`,
    `  intent (non-proc.)   ${pct(r.intent)}`,
    `  out-of-scope recall  ${pct(r.outOfScopeRecall)}`,
    `  in-scope refused     ${pct(r.inScopeRefused)}`,
    `  follow-up turns      ${pct(r.followUps)}`,
    `  answer language      ${pct(r.language)}`,
    `  overall              ${pct(r.overall)}`,
  ];
  if (verbose) {
    for (const [id, rt] of Object.entries(r.perProcedure)) lines.push(`    ${id.padEnd(40)} ${pct(rt)}`);
    for (const err of r.errors)
      lines.push(
        `    ✗ [${err.kind}] ${err.id} "${err.text}" expected ${err.expected}, got ${err.got} (${err.confidence})`,
      );
  }
  process.stdout.write(lines.join('\n') + '\n');
}

/** Was the best target of a single question the expected one? */
function topIsRight(row: QuestionRow, top: { key: string; kind: string } | undefined): boolean {
  const expect = row.expect;
  if (!expect || !top) return false;
  if (expect.intent === 'procedure')
    return top.kind === 'guide' && (expect.procedures ?? []).includes(top.key);
  if (expect.intent === 'out_of_scope') return top.kind === 'out_of_scope';
  return top.key === `intent:${expect.intent}`;
}

/** `--calibrate`: fits the confidence weights on single questions of the given (tuning) sets. */
async function calibrate(e: Engine, files: string[]): Promise<void> {
  if (files.some((f) => f.includes('heldout'))) throw new Error('never calibrate on held-out sets');
  const samples: { features: ConfidenceFeatures; right: boolean }[] = [];
  for (const file of files) {
    for (const row of await readQuestionRows(file)) {
      if (row.conversation || !row.expect) continue;
      const { top, features } = await e.explain(row.text);
      samples.push({ features, right: topIsRight(row, top) });
    }
  }
  const fitted = fitCalibration(samples, e.mode === 'hybrid');
  const right = samples.filter((s) => s.right).length;
  await writeFile(CALIBRATION_FILE, JSON.stringify(fitted, null, 2) + '\n');
  process.stdout.write(
    `${samples.length} questions, top right ${right}\n${JSON.stringify(fitted)}\nwritten to ${CALIBRATION_FILE}\n`,
  );
}
