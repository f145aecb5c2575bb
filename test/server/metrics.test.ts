/**
 * GET /metrics: requests by route pattern with latency histograms, answers by intent and decision,
 * handoff events and the queue length per channel from PostgreSQL; bearer / loopback protection; no
 * conversation id or user text in any label; a database that does not answer leaves the gauge out.
 */
import type { Pool } from 'pg';
import type { RunningServer } from '../../src/server/start-server';
import { ServerMetrics } from '../../src/server/metrics';
import { serverWithDatabase } from '../support/server-with-database';
import { startTestServer, testLogger } from '../support/test-server';
import { until } from '../support/until';
import { addOfficers } from '../handoff/officers';

const TOKEN = 'metrics-token-for-the-tests';

const ask = (server: RunningServer, text: string, conversationId: string) =>
  fetch(`${server.url}/api/ask`, {
    method: 'POST',
    body: JSON.stringify({ text, conversationId }),
    headers: { 'content-type': 'application/json' },
  });
const scrape = async (server: RunningServer, headers: Record<string, string> = {}) => {
  const res = await fetch(`${server.url}/metrics`, { headers });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
};
/** The value of one sample, labels in any order; undefined when absent. */
const sample = (text: string, name: string, labels: Record<string, string>): number | undefined => {
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
};
const labelValues = (text: string) =>
  [...text.matchAll(/^[a-z_]+\{(.*)\} /gm)].flatMap((m) =>
    [...m[1]!.matchAll(/="([^"]*)"/g)].map((v) => v[1]),
  );

describe('GET /metrics without a database', () => {
  let running: RunningServer;
  beforeAll(async () => {
    running = await startTestServer();
  });
  afterAll(async () => {
    await running.close();
  });

  it('counts requests by route pattern with histograms, and answers by intent and decision', async () => {
    for (const text of ['lệ phí đăng ký khai sinh', 'xin chào', 'làm lý lịch tư pháp ở đâu'])
      expect((await ask(running, text, 'conv-secret-42')).status).toBe(200);
    await fetch(`${running.url}/agent/nothing/here/123?x=1`);
    await fetch(`${running.url}/some/unknown/path-99`);
    const { status, type, text } = await scrape(running);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    const post = { method: 'POST', route: '/api/ask', status: '200' };
    expect(sample(text, 'tltp_http_requests_total', post)).toBe(3);
    expect(text).toContain('# TYPE tltp_http_request_duration_seconds histogram');
    expect(sample(text, 'tltp_http_request_duration_seconds_bucket', { ...post, le: '+Inf' })).toBe(3);
    expect(sample(text, 'tltp_http_request_duration_seconds_count', post)).toBe(3);
    expect(sample(text, 'tltp_http_request_duration_seconds_bucket', { ...post, le: '0.005' })).toBeDefined();
    expect(sample(text, 'tltp_http_requests_total', { route: 'other', status: '404' })).toBe(1);
    expect(sample(text, 'tltp_bot_answers_total', { intent: 'procedure', decision: 'answer' })).toBe(2);
    expect(sample(text, 'tltp_bot_answers_total', { intent: 'greeting' })).toBe(1);
    expect(text).toContain('tltp_process_cpu_user_seconds_total');
    // Without a database there is no handoff metric at all.
    expect(text).not.toContain('tltp_handoff_');
  });

  it('never puts a conversation id, user text or a raw URL in a label', async () => {
    const { text } = await scrape(running);
    const values = labelValues(text);
    expect(values.length).toBeGreaterThan(0);
    for (const value of values) {
      expect(value).not.toMatch(/conv-secret|khai sinh|lý lịch|nothing|unknown|path-99|\?/);
    }
    expect(values).toContain('/agent/*');
  });

  it('is served to loopback only when METRICS_TOKEN is unset (a forwarded request is not local)', async () => {
    const forwarded = await scrape(running, { 'x-forwarded-for': '203.0.113.7' });
    expect(forwarded.status).toBe(403);
    expect(JSON.parse(forwarded.text)).toEqual({ error: expect.stringMatching(/METRICS_TOKEN/) });
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  let running: RunningServer;
  beforeAll(async () => {
    running = await startTestServer({ METRICS_TOKEN: TOKEN });
  });
  afterAll(async () => {
    await running.close();
  });

  it('needs the bearer token, even from loopback', async () => {
    expect((await scrape(running)).status).toBe(401);
    expect((await scrape(running, { authorization: 'Bearer wrong-token-of-some-length' })).status).toBe(401);
    expect((await scrape(running, { authorization: TOKEN })).status).toBe(401);
    const ok = await scrape(running, { authorization: `Bearer ${TOKEN}`, 'x-forwarded-for': '203.0.113.7' });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('tltp_http_requests_total');
  });
});

describe('handoff metrics on PostgreSQL', () => {
  const server = serverWithDatabase();

  it('counts handoff events and reads the queue length per channel', async () => {
    expect((await ask(server.running, 'lệ phí kết hôn', 'pg-metrics-1')).status).toBe(200);
    expect(await (await ask(server.running, 'cho tôi gặp cán bộ', 'pg-metrics-1')).json()).toMatchObject({
      handoff: true,
    });
    const queued = await until(async () => {
      const { text } = await scrape(server.running);
      return sample(text, 'tltp_handoff_events_total', { event: 'enqueued' }) === 1 ? text : undefined;
    });
    expect(sample(queued, 'tltp_handoff_queue_length', { channel: 'api' })).toBe(1);
    expect(sample(queued, 'tltp_bot_answers_total', { intent: 'handoff_request', decision: 'handoff' })).toBe(
      1,
    );
    expect(sample(queued, 'tltp_handoff_events_total', { event: 'closed' })).toBe(0);
    for (const value of labelValues(queued)) expect(value).not.toMatch(/pg-metrics|cán bộ/);

    const [handoff] = await server.running.handoff!.queue.list();
    const [officer] = await addOfficers(server.db.pool, 'metrics-officer', 1);
    await server.running.handoff!.queue.claim(handoff!.id, officer!);
    await server.running.handoff!.close(handoff!.id, officer!, 'xong');
    const after = await until(async () => {
      const { text } = await scrape(server.running);
      return sample(text, 'tltp_handoff_events_total', { event: 'closed' }) === 1 ? text : undefined;
    });
    expect(sample(after, 'tltp_handoff_events_total', { event: 'claimed' })).toBe(1);
    // The channel seen before reports 0 rather than vanishing.
    expect(sample(after, 'tltp_handoff_queue_length', { channel: 'api' })).toBe(0);
  });
});

describe('a database that does not answer', () => {
  it('leaves the queue gauge without samples and still renders the rest', async () => {
    const silent = { query: () => new Promise(() => undefined) } as unknown as Pool;
    const metrics = new ServerMetrics({
      log: testLogger(),
      database: { pool: silent, connectionString: 'postgres://unused' },
      queueTimeoutMs: 50,
    });
    const text = await metrics.render();
    expect(text).toContain('# TYPE tltp_handoff_queue_length gauge');
    expect(text).not.toMatch(/^tltp_handoff_queue_length\{/m);
    expect(sample(text, 'tltp_handoff_events_total', { event: 'enqueued' })).toBe(0);
  });
});
