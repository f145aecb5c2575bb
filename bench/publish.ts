/**
 * `npx tsx bench/publish.ts`: what a publish costs with the real gate (every set of eval/). Seeds a
 * fresh database from knowledge/, then approves a one-line change of a guide: prints the gate's time
 * and rows, the time until the new engine is swapped in, and how long a second KnowledgeService (another
 * process) takes to swap after the NOTIFY. DATABASE_URL set → a temporary database on that server.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { parseConfig } from '../src/config';
import { openDatabase } from '../src/db/database';
import { parseGuide } from '../src/knowledge/parse-guide';
import { renderGuide } from '../src/knowledge/render-guide';
import { KnowledgeService } from '../src/knowledge-store/knowledge-service';
import { insertRevision, submitRevision } from '../src/knowledge-store/revisions';
import { createLogger } from '../src/log';

const PATH = 'guides/ho-tich/khai-tu.md';

async function admin(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query(sql).finally(() => client.end());
}

async function main(): Promise<void> {
  const log = createLogger('warn');
  const given = process.env.DATABASE_URL?.trim();
  const name = `bench_publish_${randomBytes(3).toString('hex')}`;
  let url: string | undefined;
  if (given) {
    await admin(given, `CREATE DATABASE ${name}`);
    const u = new URL(given);
    u.pathname = `/${name}`;
    url = u.toString();
  }
  const dataDir = url ? undefined : await mkdtemp(path.join(tmpdir(), 'tltp-bench-publish-'));
  if (dataDir) await chmod(dataDir, 0o755);
  const db = await openDatabase({ DATABASE_URL: url, DATA_DIR: dataDir ?? tmpdir() }, log);
  const config = parseConfig({ LOG_LEVEL: 'warn' });
  const open = () =>
    KnowledgeService.open({ pool: db.pool, connectionString: db.connectionString, config, log });
  try {
    let t = performance.now();
    const a = await open();
    const firstOpen = performance.now() - t;
    const b = await open();
    const parsed = parseGuide(a.liveSet().files.get(PATH)!, PATH, 'ho-tich/khai-tu');
    if (!parsed.ok) throw new Error('guide does not parse');
    parsed.value.facets.fee = `${parsed.value.facets.fee}\n\nBench ${Date.now()}.`;
    const id = await insertRevision(db.pool, {
      path: PATH,
      source: renderGuide(parsed.value),
      author: 'bench-a',
    });
    await submitRevision(db.pool, id, 'bench-a', new Date());
    const swappedB = new Promise<number>((resolve) => b.onSwap(() => resolve(performance.now())));
    t = performance.now();
    const result = await a.approve(id, 'bench-b');
    const approved = performance.now() - t;
    const other = (await swappedB) - t;
    const rows = result.gate.sets.reduce((n, s) => n + s.total, 0);
    process.stdout.write(
      `publish: first open (seed ${a.liveSet().files.size} files + build) ${firstOpen.toFixed(0)} ms\n` +
        `  gate over ${result.gate.sets.length} sets, ${rows} questions × 2 engines: ${result.gate.ms} ms ` +
        `(passed: ${result.gate.passed})\n` +
        `  approve → swapped in this process: ${approved.toFixed(0)} ms; in the other process: ${other.toFixed(0)} ms\n`,
    );
    await a.close();
    await b.close();
  } finally {
    await db.close();
    if (given) await admin(given, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
