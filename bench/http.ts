/**
 * `npx tsx bench/http.ts`: POST /api/ask under load with autocannon (the server runs in this process,
 * lexical mode, logs off, every channel mounted as in production). Prints requests/s and latency
 * percentiles. Questions rotate over eval/dev.jsonl so caches do not flatter the figures.
 */
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildEngine } from '../src/app/build-engine';
import { parseConfig } from '../src/config';
import { createLogger } from '../src/log';
import { startServer } from '../src/server/start-server';

const ROOT = path.resolve(__dirname, '..');

async function main(): Promise<void> {
  const config = parseConfig({ PORT: '0', LOG_LEVEL: 'silent' });
  const log = createLogger('silent');
  const engine = await buildEngine(config, log);
  const running = await startServer({ config, log, engine: () => engine });
  const texts = readFileSync(path.join(ROOT, 'eval', 'dev.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { text: string }).text);
  let i = 0;
  const result = await autocannon({
    url: `${running.url}/api/ask`,
    connections: Number(process.env.CONNECTIONS ?? 20),
    duration: Number(process.env.DURATION ?? 10),
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: JSON.stringify({ text: texts[i++ % texts.length] }) }),
      },
    ],
  });
  console.log(
    `/api/ask: ${result.requests.average.toFixed(0)} req/s, latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ` +
      `max ${result.latency.max} ms, errors ${result.errors}, non-2xx ${result.non2xx}`,
  );
  await running.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
