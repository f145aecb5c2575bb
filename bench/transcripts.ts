/**
 * `npx tsx bench/transcripts.ts`: transcript writes under load. For 5 s, every 5 ms 10 messages (in
 * and out) of 200 conversations are given to the TranscriptRecorder (2,000 messages/s, about what the
 * /api/ask figures produce with recording on); each tick then waits for flush(), so its latency is the
 * time from record() to the rows committed in PostgreSQL. Prints p50/p95/p99/max and rows written.
 * DATABASE_URL set → that server (rows on a bench channel, deleted afterwards); else embedded.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/db/database';
import { TranscriptRecorder } from '../src/db/transcript-recorder';
import { createLogger } from '../src/log';

const SECONDS = 5;
const TICK_MS = 5;
const PER_TICK = 10;
const CONVERSATIONS = 200;

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

async function main(): Promise<void> {
  const log = createLogger('warn');
  const url = process.env.DATABASE_URL?.trim();
  const dataDir = url ? undefined : await mkdtemp(path.join(tmpdir(), 'tltp-bench-transcripts-'));
  if (dataDir) await chmod(dataDir, 0o755);
  const db = await openDatabase({ DATABASE_URL: url || undefined, DATA_DIR: dataDir ?? tmpdir() }, log);
  const channel = `bench-${randomBytes(3).toString('hex')}`;
  const recorder = new TranscriptRecorder(db.pool, log);
  const latencies: number[] = [];
  const ticks: Promise<void>[] = [];
  let n = 0;
  const end = Date.now() + SECONDS * 1000;
  try {
    while (Date.now() < end) {
      const started = performance.now();
      for (let i = 0; i < PER_TICK; i++, n++) {
        recorder.record({
          conversationId: `${channel}:${n % CONVERSATIONS}`,
          channel,
          direction: n % 2 === 0 ? 'in' : 'out',
          text:
            n % 2 === 0
              ? 'làm giấy khai sinh cho con cần giấy tờ gì ạ'
              : 'Đăng ký khai sinh · Giấy tờ cần nộp …',
          decision: n % 2 === 0 ? null : 'answer',
          confidence: 0.9,
        });
      }
      ticks.push(
        recorder.flush().then(() => {
          latencies.push(performance.now() - started);
        }),
      );
      await new Promise((r) => setTimeout(r, TICK_MS));
    }
    await Promise.all(ticks);
    const { rows } = await db.pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM messages WHERE channel = $1',
      [channel],
    );
    const sorted = latencies.sort((a, b) => a - b);
    process.stdout.write(
      `transcripts: ${n} messages recorded in ${SECONDS} s (${Math.round(n / SECONDS)}/s), ${rows[0]!.n} rows written\n` +
        `  record → committed: p50 ${fmt(quantile(sorted, 0.5))}  p95 ${fmt(quantile(sorted, 0.95))}  ` +
        `p99 ${fmt(quantile(sorted, 0.99))}  max ${fmt(sorted.at(-1) ?? 0)}\n`,
    );
  } finally {
    await recorder.close();
    await db.pool.query(`DELETE FROM conversations WHERE channel = $1`, [channel]).catch(() => undefined);
    await db.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
