/**
 * `npx tsx bench/directline.ts [conversations] [messages]`: the Direct Line channel under load through
 * its REST API, the way a polling client uses it. Starts the real server (port 0, shipped knowledge,
 * lexical mode, the directline channel only), then runs N conversations at once (default 200), each
 * getting a token, starting, and sending M messages one after another (default 10). Reply latency is
 * from the start of the POST to the moment the bot's reply (replyToId = the posted id) is readable by
 * GET /activities?watermark=. At the end every conversation is read back whole: nothing may be lost,
 * duplicated or out of order (welcome + M × (echo, reply), watermarks 1..2M+1). A benchmark: it prints
 * figures and exits 1 only when something was lost.
 */
import os from 'node:os';
import { buildEngine } from '../src/app/build-engine';
import { parseConfig } from '../src/config';
import { createLogger } from '../src/log';
import { startServer } from '../src/server/start-server';
import { directLineChannel } from '../channels/directline';

const CONVERSATIONS = Number(process.argv[2] ?? 200);
const MESSAGES = Number(process.argv[3] ?? 10);

const QUESTIONS = [
  'làm giấy khai sinh cần giấy tờ gì',
  'Lệ phí',
  'Thời gian',
  'đăng ký kết hôn cần mang gì',
  'nộp ở đâu',
  'xin lý lịch tư pháp online được không',
  'mất bao lâu thì có',
  'chứng thực bản sao cần gì',
  'lam khai tu cho ong noi',
  'cảm ơn nhé',
];

interface Activity {
  id: string;
  type: string;
  replyToId?: string;
  from: { role: string };
  channelData?: { clientActivityID?: string };
}

interface Outcome {
  latencies: number[];
  problems: string[];
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

async function json<T>(res: Response): Promise<T> {
  if (!res.ok) throw new Error(`${res.url} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

async function conversation(base: string, n: number): Promise<Outcome> {
  const latencies: number[] = [];
  const problems: string[] = [];
  const { token } = await json<{ token: string }>(await fetch(`${base}/tokens/generate`, { method: 'POST' }));
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const { conversationId } = await json<{ conversationId: string }>(
    await fetch(`${base}/conversations`, { method: 'POST', headers, body: '{}' }),
  );
  const activities = `${base}/conversations/${conversationId}/activities`;
  let watermark = '1';
  for (let m = 0; m < MESSAGES; m++) {
    const clientActivityID = `bench-${n}-${m}`;
    const text = QUESTIONS[(n + m) % QUESTIONS.length]!;
    const start = performance.now();
    const { id } = await json<{ id: string }>(
      await fetch(activities, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          type: 'message',
          text,
          from: { id: 'u', role: 'user' },
          channelData: { clientActivityID },
        }),
      }),
    );
    for (;;) {
      const page = await json<{ activities: Activity[]; watermark: string }>(
        await fetch(`${activities}?watermark=${watermark}`, { headers }),
      );
      const reply = page.activities.find((a) => a.replyToId === id);
      if (reply) {
        latencies.push(performance.now() - start);
        watermark = page.watermark;
        break;
      }
      if (performance.now() - start > 30_000) {
        problems.push(`${conversationId}: no reply to ${id} within 30 s`);
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  // Read the whole conversation back: welcome, then (echo, reply) per message, watermarks 1..2M+1.
  const all = await json<{ activities: Activity[]; watermark: string }>(await fetch(activities, { headers }));
  const expected = 1 + 2 * MESSAGES;
  if (all.activities.length !== expected || all.watermark !== String(expected))
    problems.push(`${conversationId}: ${all.activities.length} activities, watermark ${all.watermark}`);
  all.activities.forEach((a, i) => {
    if (a.id !== `${conversationId}|${String(i + 1).padStart(7, '0')}`) problems.push(`${a.id} out of order`);
  });
  for (let m = 0; m < MESSAGES; m++) {
    const echo = all.activities[1 + 2 * m];
    const reply = all.activities[2 + 2 * m];
    if (echo?.channelData?.clientActivityID !== `bench-${n}-${m}` || echo.from.role !== 'user')
      problems.push(`${conversationId}: echo ${m} missing`);
    if (reply?.replyToId !== echo?.id || reply?.from.role !== 'bot')
      problems.push(`${conversationId}: reply ${m} missing`);
  }
  return { latencies, problems };
}

async function main(): Promise<void> {
  const config = parseConfig({ PORT: '0', LOG_LEVEL: 'silent' });
  const log = createLogger('silent');
  const engine = await buildEngine(config, log);
  const running = await startServer({ config, log, engine: () => engine, channels: [directLineChannel] });
  const base = `${running.url}/v3/directline`;
  try {
    console.log(`node ${process.version}, ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? '?'})`);
    await conversation(base, -1); // warm-up
    const rssBefore = process.memoryUsage().rss;
    const start = performance.now();
    const outcomes = await Promise.all(
      Array.from({ length: CONVERSATIONS }, (_, n) => conversation(base, n)),
    );
    const wall = performance.now() - start;
    const latencies = outcomes.flatMap((o) => o.latencies).sort((a, b) => a - b);
    const problems = outcomes.flatMap((o) => o.problems);
    const sent = CONVERSATIONS * MESSAGES;
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    console.log(
      `${CONVERSATIONS} concurrent conversations × ${MESSAGES} messages over REST (one server process)`,
    );
    console.log(
      `  wall time          ${(wall / 1000).toFixed(2)} s  (${((sent / wall) * 1000).toFixed(0)} messages/s)`,
    );
    console.log(
      `  reply latency      p50 ${ms(quantile(latencies, 0.5))}  p95 ${ms(quantile(latencies, 0.95))}  ` +
        `p99 ${ms(quantile(latencies, 0.99))}  max ${ms(latencies.at(-1) ?? 0)}`,
    );
    console.log(`  replies            ${latencies.length}/${sent}; problems: ${problems.length}`);
    for (const p of problems.slice(0, 10)) console.log(`    ${p}`);
    console.log(
      `  rss                ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB (before ${(rssBefore / 2 ** 20).toFixed(0)} MB)`,
    );
    if (problems.length > 0 || latencies.length !== sent) process.exitCode = 1;
  } finally {
    await running.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
