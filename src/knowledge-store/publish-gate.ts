/**
 * The publish gate: the project's question sets (eval/*.jsonl) answered by the live engine and by the
 * candidate; the candidate passes when no set loses right answers overall and its files load without
 * new problems. The report names every question that was right before and is wrong after (broken),
 * so the editor sees what the change breaks. Runs on the event loop in slices (it yields every few
 * rows), so requests keep being served while it works.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { setImmediate as nextTick } from 'node:timers/promises';
import { readQuestionRows, type QuestionRow } from '../cli/question-rows';
import type { Engine } from '../engine/engine';
import { answerTurns } from '../engine/conversations';
import type { AnswerRecord } from '../engine/types';
import { isRight } from '../evaluation/score';
import type { KnowledgeProblem } from '../knowledge/yaml-document';

export interface QuestionSet {
  name: string;
  rows: QuestionRow[];
}

export interface BrokenQuestion {
  set: string;
  id: string;
  text: string;
  expected: string;
  before: string;
  after: string;
}

export interface SetScore {
  name: string;
  total: number;
  before: number;
  after: number;
}

export interface GateReport {
  passed: boolean;
  /** Why it did not pass, in Vietnamese for the editor. */
  reasons: string[];
  sets: SetScore[];
  broken: BrokenQuestion[];
  fixed: number;
  problems: KnowledgeProblem[];
  candidateVersion: string;
  liveVersion: string;
  ms: number;
}

/** Every eval/*.jsonl set of the folder (row expectations are required for scoring). */
export async function readQuestionSets(dir: string): Promise<QuestionSet[]> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.jsonl')).sort();
  const sets: QuestionSet[] = [];
  for (const file of files) {
    const rows = (await readQuestionRows(path.join(dir, file))).filter((r) => r.expect);
    if (rows.length > 0) sets.push({ name: path.basename(file, '.jsonl'), rows });
  }
  return sets;
}

const describe = (r: AnswerRecord) => (r.intent === 'procedure' ? (r.procedure ?? 'procedure') : r.intent);
const expected = (row: QuestionRow) =>
  row.expect?.intent === 'procedure' ? (row.expect.procedures ?? []).join(' | ') : (row.expect?.intent ?? '');

const SLICE = 40;

async function answerAll(engine: Engine, rows: QuestionRow[]): Promise<AnswerRecord[]> {
  const records: AnswerRecord[] = [];
  for await (const record of answerTurns(engine, rows)) {
    records.push(record);
    if (records.length % SLICE === 0) await nextTick();
  }
  return records;
}

/** Answers of the live engine, kept per knowledge version (the live side rarely changes). */
const liveAnswers = new WeakMap<Engine, Map<string, AnswerRecord[]>>();

async function answersOf(engine: Engine, set: QuestionSet, cache: boolean): Promise<AnswerRecord[]> {
  if (!cache) return answerAll(engine, set.rows);
  const byName = liveAnswers.get(engine) ?? new Map<string, AnswerRecord[]>();
  liveAnswers.set(engine, byName);
  const found = byName.get(set.name);
  if (found) return found;
  const records = await answerAll(engine, set.rows);
  byName.set(set.name, records);
  return records;
}

export async function runGate(
  live: Engine,
  candidate: Engine,
  sets: readonly QuestionSet[],
  newProblems: KnowledgeProblem[],
): Promise<GateReport> {
  const started = Date.now();
  const scores: SetScore[] = [];
  const broken: BrokenQuestion[] = [];
  let fixed = 0;
  for (const set of sets) {
    const before = await answersOf(live, set, true);
    const after = await answersOf(candidate, set, false);
    const score: SetScore = { name: set.name, total: set.rows.length, before: 0, after: 0 };
    set.rows.forEach((row, i) => {
      const b = before[i]!;
      const a = after[i]!;
      const wasRight = isRight(row, b);
      const isNowRight = isRight(row, a);
      if (wasRight) score.before++;
      if (isNowRight) score.after++;
      if (wasRight && !isNowRight)
        broken.push({
          set: set.name,
          id: row.id,
          text: row.text,
          expected: expected(row),
          before: describe(b),
          after: describe(a),
        });
      if (!wasRight && isNowRight) fixed++;
    });
    scores.push(score);
  }
  const reasons: string[] = [];
  for (const p of newProblems)
    reasons.push(`Lỗi nội dung: ${p.file}${p.field ? ` [${p.field}]` : ''}: ${p.reason}`);
  for (const s of scores)
    if (s.after < s.before)
      reasons.push(
        `Bộ câu hỏi ${s.name}: số câu trả lời đúng giảm từ ${s.before} xuống ${s.after} (trên ${s.total}).`,
      );
  return {
    passed: reasons.length === 0,
    reasons,
    sets: scores,
    broken,
    fixed,
    problems: newProblems,
    candidateVersion: candidate.version,
    liveVersion: live.version,
    ms: Date.now() - started,
  };
}
