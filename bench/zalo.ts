/**
 * `npx tsx bench/zalo.ts`: the Zalo webhook under load (a benchmark, not a test; nothing fails on
 * machine noise). Starts the server on port 0 with the Zalo channel pointed at a local fake Zalo API
 * (a tiny http server answering the OA message API and OAuth v4), then a load generator in a child
 * process (so it does not share the server's event loop) fires 2000 signed `user_send_text`
 * deliveries (questions of eval/, 400 users) with concurrency 50 over keep-alive connections.
 * Reports the acknowledgement latency seen by the sender and inside the server (p50, p99, max), the
 * server's CPU per delivery, and how long the answers took to reach the fake API.
 * `--noop-bot` replaces the bot with one that answers nothing, to see the webhook's own cost;
 * `--handle-concurrency=N` sets how many events the channel handles at once (default 8); BENCH_LOGS=1 shows
 * the server's warnings (retries, failures) on stderr.
 */
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  Agent,
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ChannelDeps, ChannelModule } from '../channels/channel';
import { createZaloChannel, type ZaloChannel } from '../channels/zalo';
import { buildEngine } from '../src/app/build-engine';
import { readQuestionRows } from '../src/cli/question-rows';
import { parseConfig } from '../src/config';
import { createLogger } from '../src/log';
import { startServer } from '../src/server/start-server';

const EVENTS = 2000;
const WARM_UP = 100;
const CONCURRENCY = 50;
const USERS = 400;
const APP_ID = '3601234567890123456';
const OA_SECRET = 'bench-oa-secret';
const ROOT = path.resolve(__dirname, '..');

interface LoadOrder {
  url: string;
  texts: string[];
  first: number;
  count: number;
  concurrency: number;
}
interface LoadResult {
  latencies: number[];
  statuses: Record<string, number>;
  wallMs: number;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const ms = (v: number) => `${v.toFixed(2)} ms`;
const figures = (sorted: number[]) =>
  `p50 ${ms(quantile(sorted, 0.5))}  p99 ${ms(quantile(sorted, 0.99))}  max ${ms(sorted.at(-1) ?? 0)}`;

/** The fake Zalo: counts consultation messages, answers success; hands out tokens on OAuth v4. */
async function fakeZalo(): Promise<{ url: string; sent: () => number; close: () => Promise<void> }> {
  let sent = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/v3.0/oa/message/cs') {
        sent += 1;
        res.end(
          JSON.stringify({ error: 0, message: 'Success', data: { message_id: `m${sent}`, user_id: 'u' } }),
        );
      } else if (req.url === '/v4/oa/access_token') {
        res.end(
          JSON.stringify({
            access_token: 'bench-access-2',
            refresh_token: 'bench-refresh-2',
            expires_in: '90000',
          }),
        );
      } else {
        res.statusCode = 404;
        res.end(JSON.stringify({ error: -201, message: 'not found' }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sent: () => sent,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** One delivery as Zalo signs it: mac = sha256(app_id + body + timestamp + OA secret key). */
function signedDelivery(i: number, text: string): { raw: string; signature: string } {
  const timestamp = String(Date.now());
  const raw = JSON.stringify({
    app_id: APP_ID,
    user_id_by_app: '5520000000000000000',
    event_name: 'user_send_text',
    timestamp,
    sender: { id: String(2468458835296117000n + BigInt(i % USERS)) },
    recipient: { id: '579745863508352884' },
    message: { msg_id: `bench-${process.pid}-${i}`, text },
  });
  const mac = createHash('sha256')
    .update(APP_ID + raw + timestamp + OA_SECRET)
    .digest('hex');
  return { raw, signature: `mac=${mac}` };
}

/** The load generator (child process): `count` deliveries, `concurrency` at a time, keep-alive. */
async function generateLoad(order: LoadOrder): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: order.concurrency });
  const post = (i: number) =>
    new Promise<{ ms: number; status: number }>((resolve, reject) => {
      const { raw, signature } = signedDelivery(i, order.texts[i % order.texts.length] ?? 'xin chào');
      const started = performance.now();
      const req = request(
        order.url,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(raw),
            'x-zevent-signature': signature,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ ms: performance.now() - started, status: res.statusCode ?? 0 }));
        },
      );
      req.on('error', reject);
      req.end(raw);
    });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let next = order.first;
  const end = order.first + order.count;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: order.concurrency }, async () => {
      while (next < end) {
        const r = await post(next++);
        latencies.push(r.ms);
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      }
    }),
  );
  const wallMs = performance.now() - start;
  agent.destroy();
  return { latencies, statuses, wallMs };
}

function loadInChild(order: LoadOrder): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--load-generator'], { execArgv: process.execArgv });
    child.once('message', (result) => {
      resolve(result as LoadResult);
      child.disconnect();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code) reject(new Error(`load generator exited with ${code}`));
    });
    child.send(order);
  });
}

async function questions(): Promise<string[]> {
  const rows = await readQuestionRows(path.join(ROOT, 'eval', 'dev.jsonl'));
  const texts = rows.map((r) => r.text).filter((t) => t.trim().length > 0);
  return texts.length > 0 ? texts : ['làm giấy khai sinh cần gì'];
}

async function main(): Promise<void> {
  const noopBot = process.argv.includes('--noop-bot');
  const concurrencyArg = process.argv.find((a) => a.startsWith('--handle-concurrency='));
  const options = concurrencyArg ? { concurrency: Number(concurrencyArg.split('=')[1]) } : {};
  console.log(
    `node ${process.version}, ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? '?'}), load ${os.loadavg()[0]?.toFixed(1)}`,
  );
  const zalo = await fakeZalo();
  const log = createLogger(process.env.BENCH_LOGS ? 'warn' : 'silent');
  const config = parseConfig({
    PORT: '0',
    ZALO_APP_ID: APP_ID,
    ZALO_OA_SECRET_KEY: OA_SECRET,
    ZALO_ACCESS_TOKEN: 'bench-access-1',
    ZALO_REFRESH_TOKEN: 'bench-refresh-1',
    ZALO_APP_SECRET: 'bench-app-secret',
    ZALO_API_BASE: zalo.url,
    ZALO_OAUTH_BASE: zalo.url,
  });
  const engine = await buildEngine(config, log);
  let channel: ZaloChannel | undefined;
  const module: ChannelModule = {
    name: 'zalo',
    create: (deps: ChannelDeps) =>
      (channel = createZaloChannel(
        noopBot ? { ...deps, bot: { run: async () => undefined } as never } : deps,
        options,
      )),
  };
  const running = await startServer({ config, log, engine: () => engine, channels: [module] });
  try {
    if (!channel) throw new Error('zalo channel not created');
    await measure(running, channel, noopBot, options.concurrency ?? 8, zalo.sent);
  } finally {
    await running.close();
    await zalo.close();
  }
}

async function measure(
  running: { server: Server; url: string },
  channel: ZaloChannel,
  noopBot: boolean,
  handled: number,
  zaloSent: () => number,
): Promise<void> {
  const idle = () => channel.idle();
  const inServer: number[] = [];
  running.server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    const t = performance.now();
    res.on('finish', () => inServer.push(performance.now() - t));
  });
  const texts = await questions();
  const url = `${running.url}/webhooks/zalo`;

  await loadInChild({ url, texts, first: EVENTS, count: WARM_UP, concurrency: 10 });
  await idle();
  inServer.length = 0;
  const warmSent = zaloSent();

  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const load = await loadInChild({ url, texts, first: 0, count: EVENTS, concurrency: CONCURRENCY });
  const acked = performance.now();
  const cpu = process.cpuUsage(cpuBefore);
  const cpuAfterAcks = process.cpuUsage();
  await idle();
  const drained = performance.now();
  const drainCpu = process.cpuUsage(cpuAfterAcks);
  const sent = zaloSent() - warmSent;

  const seen = [...load.latencies].sort((a, b) => a - b);
  inServer.sort((a, b) => a - b);
  console.log(
    `deliveries           ${EVENTS} signed user_send_text, concurrency ${CONCURRENCY}${noopBot ? ', no-op bot' : ''}, events handled ${handled} at a time`,
  );
  console.log(`ack seen by sender   ${figures(seen)}`);
  console.log(`ack inside server    ${figures(inServer)}  (request parsed → 200 written)`);
  console.log(
    `statuses             ${Object.entries(load.statuses)
      .map(([s, n]) => `${s}×${n}`)
      .join(' ')}  ${((EVENTS / load.wallMs) * 1000).toFixed(0)} deliveries/s`,
  );
  console.log(
    `server cpu           ${ms((cpu.user + cpu.system) / 1000 / EVENTS)} a delivery while acknowledging (answers computed meanwhile included)`,
  );
  console.log(
    `answers              ${sent} messages to the fake Zalo API, the last ${ms(drained - acked)} after the last ack (${ms(drained - start)} in all)`,
  );
  console.log(
    `server cpu after     ${ms((drainCpu.user + drainCpu.system) / 1000)} from the last ack to the last answer`,
  );
  console.log(`resident memory      ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB`);
}

if (process.argv.includes('--load-generator')) {
  process.once('message', (order) => {
    generateLoad(order as LoadOrder).then(
      (result) => process.send?.(result),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
} else {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
