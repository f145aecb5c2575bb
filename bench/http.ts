/**
 * `npx tsx bench/http.ts [--record]`: POST /api/ask under load. The server runs in this process
 * (lexical mode, logs off, every channel mounted as in production); autocannon runs as a separate
 * process so the load generator does not share the server's event loop. With --record the server
 * also keeps bot state and transcripts in PostgreSQL (DATABASE_URL, else embedded). Prints requests/s
 * and latency percentiles.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildEngine } from '../src/app/build-engine';
import { parseConfig } from '../src/config';
import { openDatabase, type Database } from '../src/db/database';
import { createLogger } from '../src/log';
import { startServer } from '../src/server/start-server';

const ROOT = path.resolve(__dirname, '..');
const run = promisify(execFile);

async function main(): Promise<void> {
  const record = process.argv.includes('--record');
  const config = parseConfig({
    ...process.env,
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATA_DIR: process.env.DATA_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'bench-http-')),
  });
  const log = createLogger('silent');
  const engine = await buildEngine(config, log);
  const database: Database | undefined = record ? await openDatabase(config, log) : undefined;
  const running = await startServer({ config, log, engine: () => engine, ...(database ? { database } : {}) });
  const connections = process.env.CONNECTIONS ?? '20';
  const duration = process.env.DURATION ?? '10';
  const { stdout } = await run(
    path.join(ROOT, 'node_modules', '.bin', 'autocannon'),
    [
      '-j',
      '-c',
      connections,
      '-d',
      duration,
      '-m',
      'POST',
      '-H',
      'content-type: application/json',
      '-b',
      JSON.stringify({ text: 'đăng ký kết hôn cần giấy tờ gì' }),
      `${running.url}/api/ask`,
    ],
    { maxBuffer: 10 * 1024 * 1024 },
  );
  const r = JSON.parse(stdout) as {
    requests: { average: number };
    latency: { p50: number; p99: number; max: number };
    errors: number;
    non2xx: number;
  };
  console.log(
    `/api/ask${record ? ' (recording to PostgreSQL)' : ''}: ${r.requests.average.toFixed(0)} req/s, ` +
      `latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms, ` +
      `errors ${r.errors}, non-2xx ${r.non2xx} (${connections} connections, ${duration} s)`,
  );
  await running.close();
  await database?.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
