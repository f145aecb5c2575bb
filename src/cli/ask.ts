/**
 * `npm run ask -- "câu hỏi"`: the answer as a citizen would read it.
 * `npm run ask -- --json "câu hỏi"`: one answer record as JSON.
 * `npm run --silent ask -- --batch FILE.jsonl`: one record per question row, JSONL on stdout only.
 */
import { answerTurns } from '../engine/conversations';
import type { AnswerRecord } from '../engine/types';
import { readQuestionRows } from './question-rows';
import { runCli } from './run-cli';

const USAGE = 'usage: npm run ask -- [--json] "câu hỏi"  |  npm run --silent ask -- --batch FILE.jsonl';

/**
 * The record with the long texts first and the decision last, so the end of the output (what a
 * terminal shows, what `tail` reads) holds intent, procedure, facet and confidence.
 */
function decisionLast(record: AnswerRecord): Record<string, unknown> {
  const { id, intent, procedure, facet, confidence, clarify, handoff, alternatives, answer, body, ...rest } =
    record;
  return {
    ...rest,
    body,
    answer,
    ...(id === undefined ? {} : { id }),
    intent,
    procedure,
    facet,
    confidence,
    clarify,
    handoff,
    alternatives,
  };
}

runCli(async ({ engine }, args) => {
  const batch = args.indexOf('--batch');
  if (batch >= 0) {
    const file = args[batch + 1];
    if (!file) throw new Error(`--batch needs a file\n${USAGE}`);
    const rows = await readQuestionRows(file);
    const e = await engine();
    for await (const record of answerTurns(e, rows))
      process.stdout.write(JSON.stringify(decisionLast(record)) + '\n');
    return;
  }
  const json = args.includes('--json');
  const text = args
    .filter((a) => a !== '--json')
    .join(' ')
    .trim();
  if (!text) {
    process.stderr.write(USAGE + '\n');
    return 2;
  }
  const { record } = await (await engine()).ask(text);
  if (json) {
    process.stdout.write(JSON.stringify(decisionLast(record), null, 2) + '\n');
    return;
  }
  const buttons = record.choices.map((c) => `[${c.label}]`).join(' ');
  process.stdout.write(`${record.answer}\n${buttons ? `\n${buttons}\n` : ''}`);
});
