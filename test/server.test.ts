import { parseConfig } from '../src/config';
import type { Engine } from '../src/engine/engine';
import { startServer } from '../src/server/start-server';
import { sharedEngine, startTestServer, testLogger } from './support/test-server';
import type { RunningServer } from '../src/server/start-server';

let running: RunningServer;
beforeAll(async () => {
  running = await startTestServer();
});
afterAll(async () => {
  await running.close();
});

const post = (
  path: string,
  body: string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) => fetch(running.url + path, { method: 'POST', body, headers });

describe('graceful shutdown', () => {
  it('finishes a turn in flight, then stops accepting', async () => {
    const engine = await sharedEngine();
    const slow = Object.create(engine) as Engine;
    slow.ask = async (...args) => {
      await new Promise((r) => setTimeout(r, 300));
      return engine.ask(...args);
    };
    const server = await startServer({
      config: parseConfig({ PORT: '0' }),
      log: testLogger(),
      engine: () => slow,
    });
    const inFlight = fetch(`${server.url}/api/ask`, {
      method: 'POST',
      body: JSON.stringify({ text: 'lệ phí kết hôn' }),
      headers: { 'content-type': 'application/json', connection: 'close' },
    });
    await new Promise((r) => setTimeout(r, 100));
    const closing = server.close();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ procedure: 'ho-tich/ket-hon' });
    await closing;
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});

describe('HTTP server basics', () => {
  it('reports health with the knowledge version and mode', async () => {
    const res = await fetch(running.url + '/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ok',
      mode: 'lexical',
      knowledge: expect.stringMatching(/^[0-9a-f]{12}$/),
    });
  });

  it('POST /api/ask answers with the contract record and keeps context by conversationId', async () => {
    const first = await post(
      '/api/ask',
      JSON.stringify({ text: 'đăng ký khai tử cho ông', conversationId: 'c-1' }),
    );
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({
      intent: 'procedure',
      procedure: 'ho-tich/khai-tu',
      conversationId: 'c-1',
    });
    const second = await post(
      '/api/ask',
      JSON.stringify({ text: 'còn lệ phí thì sao?', conversationId: 'c-1' }),
    );
    expect(await second.json()).toMatchObject({ procedure: 'ho-tich/khai-tu', facet: 'fee' });
  });

  it('answers bad input with clear 4xx JSON and no stack trace', async () => {
    const invalid = await post('/api/ask', '{"text":');
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({ error: 'invalid JSON' });
    const empty = await post('/api/ask', JSON.stringify({ text: '   ' }));
    expect(empty.status).toBe(400);
    const huge = await post('/api/ask', JSON.stringify({ text: 'a'.repeat(100_000) }));
    expect(huge.status).toBe(413);
    const unknown = await fetch(running.url + '/nope');
    expect(unknown.status).toBe(404);
    for (const res of [invalid, empty, huge, unknown])
      expect(res.headers.get('content-type')).toMatch(/json/);
  });

  it('answers a very long message politely instead of failing', async () => {
    const story =
      'Nhà em ở xã Nghi Lộc, bố em mới mất tuần trước ở bệnh viện. '.repeat(60) +
      'Giờ làm khai tử thế nào ạ?';
    const res = await post('/api/ask', JSON.stringify({ text: story }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { answer: string; intent: string };
    expect(body.answer).toContain('Câu hỏi khá dài');
  });
});
