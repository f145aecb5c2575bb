/**
 * `npm run bench`: prints the engine's figures (a benchmark, not a test; nothing fails on machine noise).
 * - knowledge load and lexical index build time;
 * - per-question latency (p50, p99, max) in lexical mode over every question of eval/;
 * - the same in hybrid mode with the project's tiny generated model, and its index build time;
 * - resident memory.
 * Later issues add the HTTP figures here.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readQuestionRows } from '../src/cli/question-rows';
import { createDenseRanker } from '../src/dense/dense-ranker';
import { writeTinyModel } from '../src/dense/tiny-model';
import { Engine } from '../src/engine/engine';
import { loadKnowledge } from '../src/knowledge/load-knowledge';

const ROOT = path.resolve(__dirname, '..');

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const fmt = (ms: number) => `${ms.toFixed(3)} ms`;

async function timeQuestions(engine: Engine, texts: string[], rounds: number): Promise<number[]> {
  for (const t of texts.slice(0, 200)) await engine.ask(t); // warm-up
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const t of texts) {
      const start = process.hrtime.bigint();
      await engine.ask(t);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  return times.sort((a, b) => a - b);
}

function report(label: string, times: number[]): void {
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  console.log(
    `${label.padEnd(34)} n=${times.length}  p50 ${fmt(quantile(times, 0.5))}  p99 ${fmt(quantile(times, 0.99))}  max ${fmt(times.at(-1) ?? 0)}  mean ${fmt(mean)}`,
  );
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? '?'})`);
  let start = performance.now();
  const { knowledge } = await loadKnowledge(path.join(ROOT, 'knowledge'));
  console.log(`knowledge load (${knowledge.guides.length} guides)        ${fmt(performance.now() - start)}`);

  start = performance.now();
  const lexical = new Engine(knowledge);
  console.log(`lexical index build                ${fmt(performance.now() - start)}`);
  for (let i = 0; i < 3; i++) new Engine(knowledge);
  start = performance.now();
  for (let i = 0; i < 5; i++) new Engine(knowledge);
  console.log(`lexical index build (warm, avg)    ${fmt((performance.now() - start) / 5)}`);

  const evalDir = path.join(ROOT, 'eval');
  const texts: string[] = [];
  for (const f of readdirSync(evalDir).filter((x) => x.endsWith('.jsonl'))) {
    for (const row of await readQuestionRows(path.join(evalDir, f))) texts.push(row.text);
  }
  report('lexical ask()', await timeQuestions(lexical, texts, 5));

  const modelDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'bench-model-')), 'tiny');
  await writeTinyModel(modelDir);
  start = performance.now();
  const dense = await createDenseRanker({
    modelDir,
    passages: lexical.passages(),
    cacheDir: mkdtempSync(path.join(os.tmpdir(), 'bench-index-')),
    version: knowledge.version,
    log: () => undefined,
  });
  console.log(
    `dense model load + index build     ${fmt(performance.now() - start)} (${lexical.passages().length} passages, tiny model)`,
  );
  const hybrid = new Engine(knowledge, { dense });
  report('hybrid ask() (tiny model)', await timeQuestions(hybrid, texts, 2));

  const mem = process.memoryUsage();
  console.log(
    `resident memory                    ${(mem.rss / 1048576).toFixed(1)} MiB (heap used ${(mem.heapUsed / 1048576).toFixed(1)} MiB)`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
