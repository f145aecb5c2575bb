/**
 * `npx tsx bench/twilio.ts`: the phone channel under load (a benchmark, not a test). Starts the server
 * on port 0 with the Twilio channel on, then fires 1000 signed gather turns — each a new call (distinct
 * CallSid) asking one Vietnamese question of eval/dev.jsonl by "speech" — 20 at a time, and reports
 * latency percentiles, throughput and which menu each TwiML offers next (after = an answer, ask = a
 * fallback or small talk, clarify, handoff).
 */
import path from 'node:path';
import twilio from 'twilio';
import { createTwilioChannel } from '../channels/twilio';
import { buildEngine } from '../src/app/build-engine';
import { readQuestionRows } from '../src/cli/question-rows';
import { parseConfig } from '../src/config';
import { createLogger } from '../src/log';
import { startServer } from '../src/server/start-server';

const ROOT = path.resolve(__dirname, '..');
const TURNS = 1000;
const CONCURRENCY = 20;
const TOKEN = 'bench-auth-token';
const BASE = 'https://ivr.bench.example.vn';
const PATH = '/webhooks/twilio/voice/gather?step=1&menu=main';

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

async function main(): Promise<void> {
  const config = parseConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
    TWILIO_AUTH_TOKEN: TOKEN,
    PUBLIC_BASE_URL: BASE,
  });
  const log = createLogger('silent');
  const engine = await buildEngine(config, log);
  const running = await startServer({ config, log, engine: () => engine, channels: [createTwilioChannel()] });
  const questions = (await readQuestionRows(path.join(ROOT, 'eval', 'dev.jsonl')))
    .filter((r) => r.lang !== 'en')
    .map((r) => r.text);

  const turn = async (i: number): Promise<{ ms: number; status: number; kind: string }> => {
    const params = {
      CallSid: `CA${i.toString(16).padStart(32, '0')}`,
      AccountSid: config.TWILIO_ACCOUNT_SID ?? '',
      From: `+8490${String(1000000 + i).slice(-7)}`,
      To: '+842383000000',
      CallStatus: 'in-progress',
      SpeechResult: questions[i % questions.length] ?? 'làm giấy khai sinh cần giấy tờ gì',
      Confidence: '0.9',
    };
    const signature = twilio.getExpectedTwilioSignature(TOKEN, BASE + PATH, params);
    const start = performance.now();
    const res = await fetch(running.url + PATH, {
      method: 'POST',
      body: new URLSearchParams(params),
      headers: { 'x-twilio-signature': signature },
    });
    const xml = await res.text();
    const ms = performance.now() - start;
    const menu = /menu=(\w+)/.exec(xml)?.[1];
    const kind = xml.includes('<Enqueue')
      ? 'handoff (queue)'
      : menu === 'closed'
        ? 'handoff (closed)'
        : (menu ?? (xml.includes('<Hangup') ? 'hang-up' : 'none'));
    return { ms, status: res.status, kind };
  };

  for (let i = 0; i < 50; i++) await turn(TURNS + i); // warm-up, distinct calls
  const times: number[] = [];
  const kinds = new Map<string, number>();
  let failures = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < TURNS) {
        const r = await turn(next++);
        times.push(r.ms);
        if (r.status !== 200) failures++;
        kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
      }
    }),
  );
  const wall = performance.now() - started;
  await running.close();

  times.sort((a, b) => a - b);
  console.log(`node ${process.version}, twilio gather turns: ${TURNS} calls, concurrency ${CONCURRENCY}`);
  console.log(
    `latency  p50 ${fmt(quantile(times, 0.5))}  p95 ${fmt(quantile(times, 0.95))}  p99 ${fmt(quantile(times, 0.99))}  max ${fmt(times.at(-1) ?? 0)}`,
  );
  console.log(`throughput ${((TURNS / wall) * 1000).toFixed(0)} turns/s, non-200: ${failures}`);
  console.log(`twiml: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
