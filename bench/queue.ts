/**
 * `npx tsx bench/queue.ts`: the handoff queue under contention. 500 queued handoffs, 50 officers each
 * claiming with claimNext on its own connection until the queue is empty; prints claim latency
 * (p50/p95/p99/max) and claims per second, and checks that no handoff was claimed twice.
 * DATABASE_URL set → that server (the bench's rows live on a channel of their own, its claims are
 * restricted to it, and they are deleted afterwards); else an embedded PostgreSQL in a temp DATA_DIR.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/db/database';
import { HandoffQueue } from '../src/handoff/queue';
import { createLogger } from '../src/log';

const HANDOFFS = 500;
const OFFICERS = 50;

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

async function main(): Promise<void> {
  const log = createLogger('warn');
  const url = process.env.DATABASE_URL?.trim();
  const dataDir = url ? undefined : await mkdtemp(path.join(tmpdir(), 'tltp-bench-queue-'));
  if (dataDir) await chmod(dataDir, 0o755); // as root, the postgres user must enter it
  const db = await openDatabase({ DATABASE_URL: url || undefined, DATA_DIR: dataDir ?? tmpdir() }, log, {
    max: OFFICERS + 5,
  });
  const tag = `bench-${randomBytes(4).toString('hex')}`;
  try {
    const queue = new HandoffQueue(db.pool);
    const { rows } = await db.pool.query<{ id: string }>(
      `INSERT INTO users (username, password_hash, roles)
       SELECT $1 || '-' || n, 'x', ARRAY['agent'] FROM generate_series(1, $2::int) n RETURNING id`,
      [tag, OFFICERS],
    );
    const officers = rows.map((r) => Number(r.id));

    const enqueueStart = performance.now();
    for (let i = 0; i < HANDOFFS; i += OFFICERS) {
      await Promise.all(
        Array.from({ length: Math.min(OFFICERS, HANDOFFS - i) }, (_, k) =>
          queue.enqueue({
            conversationId: `${tag}:${i + k}`,
            channel: tag,
            priority: (i + k) % 3,
            reason: 'bench',
          }),
        ),
      );
    }
    const enqueueMs = performance.now() - enqueueStart;

    // open every connection first so the claims start together
    await Promise.all(Array.from({ length: OFFICERS }, () => db.pool.connect())).then((cs) =>
      cs.forEach((c) => c.release()),
    );
    const latencies: number[] = [];
    const claimedIds: number[] = [];
    let empty = 0;
    const start = performance.now();
    await Promise.all(
      officers.map(async (officer) => {
        for (;;) {
          const t = performance.now();
          const handoff = await queue.claimNext(officer, { channels: [tag] });
          const ms = performance.now() - t;
          if (!handoff) {
            empty++;
            return;
          }
          latencies.push(ms);
          claimedIds.push(handoff.id);
        }
      }),
    );
    const totalMs = performance.now() - start;
    latencies.sort((a, b) => a - b);
    const unique = new Set(claimedIds).size;

    console.log(
      `handoff queue: ${HANDOFFS} queued, ${OFFICERS} concurrent claimers (${db.embedded ? 'embedded PostgreSQL' : 'DATABASE_URL'})`,
    );
    console.log(
      `  enqueue: ${HANDOFFS} in ${fmt(enqueueMs)} (${((HANDOFFS / enqueueMs) * 1000).toFixed(0)}/s, ${OFFICERS} at a time)`,
    );
    console.log(
      `  claim latency: p50 ${fmt(quantile(latencies, 0.5))}, p95 ${fmt(quantile(latencies, 0.95))}, ` +
        `p99 ${fmt(quantile(latencies, 0.99))}, max ${fmt(latencies.at(-1) ?? 0)}`,
    );
    console.log(
      `  throughput: ${claimedIds.length} claims in ${fmt(totalMs)} = ${((claimedIds.length / totalMs) * 1000).toFixed(0)} claims/s`,
    );
    console.log(
      `  check: ${unique} distinct handoffs claimed of ${claimedIds.length} claims; ${empty} empty polls`,
    );
    if (unique !== HANDOFFS || claimedIds.length !== HANDOFFS) {
      process.exitCode = 1;
      console.error('  FAILED: every handoff must be claimed exactly once');
    }
  } finally {
    if (url) {
      await db.pool.query(
        `DELETE FROM audit_log WHERE subject IN (SELECT 'handoff:' || id FROM handoffs WHERE channel = $1)`,
        [tag],
      );
      await db.pool.query(`DELETE FROM conversations WHERE channel = $1`, [tag]); // handoffs cascade
      await db.pool.query(`DELETE FROM users WHERE username LIKE $1 || '-%'`, [tag]);
    }
    await db.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
