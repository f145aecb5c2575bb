/**
 * Transcripts against a real server (DATABASE_URL, else embedded): the middleware records both
 * directions in order with masked text and the answer's fields; with the database unreachable replies
 * are not delayed, /healthz data says degraded, and the queued messages are written once the database
 * is reachable again (a TCP proxy appears on the port the recorder points at).
 */
import { MemoryStorage, type Activity, type Storage } from 'botbuilder';
import { randomUUID } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { Pool } from 'pg';
import { AssistantBot } from '../../src/bot/assistant-bot';
import { transcriptMiddleware, type TranscriptSink } from '../../src/bot/transcript-middleware';
import { TurnAdapter } from '../../src/bot/turn-adapter';
import { createPool } from '../../src/db/pool';
import { PostgresStorage } from '../../src/db/postgres-storage';
import { TranscriptRecorder } from '../../src/db/transcript-recorder';
import type { Engine } from '../../src/engine/engine';
import type { Logger } from '../../src/log';
import { createTestDatabase, dbTestLogger, type TestDatabase } from '../support/database';
import { freePort } from '../support/free-port';
import { sharedEngine } from '../support/test-server';
import { until } from '../support/until';

let db: TestDatabase;
let engine: Engine;

beforeAll(async () => {
  [db, engine] = await Promise.all([createTestDatabase(), sharedEngine()]);
});

afterAll(async () => {
  await db?.drop();
});

function citizen(conversationId: string, text: string): Partial<Activity> {
  return {
    type: 'message',
    id: randomUUID(),
    channelId: 'directline',
    serviceUrl: 'urn:test',
    locale: 'vi-VN',
    from: { id: 'dl_0912345678', name: '' },
    recipient: { id: 'bot', name: 'Trợ lý Tư pháp' },
    conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
    text,
  };
}

function botWith(log: Logger, sink?: TranscriptSink, storage: Storage = new MemoryStorage()) {
  const adapter = new TurnAdapter(log, () => 'Xin lỗi');
  if (sink) adapter.use(transcriptMiddleware(sink, log));
  const bot = new AssistantBot({ engine: () => engine, storage, log });
  return async (activity: Partial<Activity>) => {
    const began = performance.now();
    const replies = await adapter.collect(activity, (context) => bot.run(context));
    return { replies, ms: performance.now() - began };
  };
}

async function stored(pool: Pool, conversationId: string) {
  const { rows } = await pool.query(
    `SELECT direction, channel, text, intent, procedure, facet, confidence, decision, knowledge_version
       FROM messages WHERE conversation_id = $1 ORDER BY created_at, id`,
    [conversationId],
  );
  return rows;
}

/** A TCP proxy on `port` to the real server: "the database is back". */
async function proxy(port: number, target: URL): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('transcript recording', () => {
  it('records both directions in order, masked, with the answer fields', async () => {
    const log = dbTestLogger();
    const recorder = new TranscriptRecorder(db.pool, log);
    const ask = botWith(log, recorder, new PostgresStorage(db.pool));
    const conversation = `conv-${randomUUID()}`;
    await ask(
      citizen(conversation, 'Làm giấy khai sinh cho con cần gì? CCCD 012345678901, gọi tôi 0912 345 678'),
    );
    await ask(citizen(conversation, 'lệ phí bao nhiêu'));
    expect(await recorder.flush()).toBe(true);

    const rows = await stored(db.pool, conversation);
    expect(rows.map((r) => r.direction)).toEqual(['in', 'out', 'in', 'out']);
    expect(rows.every((r) => r.channel === 'directline')).toBe(true);
    expect(rows[0].text).toContain('*********901');
    expect(rows[0].text).toContain('***78');
    expect(rows[0].text).not.toMatch(/012345678901|345 678/);
    expect(rows[0].intent).toBeNull();
    expect(rows[2].text).toBe('lệ phí bao nhiêu');
    for (const out of [rows[1], rows[3]]) {
      expect(out.text.length).toBeGreaterThan(0);
      expect(out).toMatchObject({ knowledge_version: engine.version, intent: expect.any(String) });
      expect(out.decision).toEqual(expect.any(String));
      expect(typeof out.confidence).toBe('number');
    }
    expect(rows[3].facet).toEqual(expect.any(String));

    const { rows: conv } = await db.pool.query(
      'SELECT channel, user_ref, state FROM conversations WHERE id = $1',
      [conversation],
    );
    expect(conv).toEqual([
      { channel: 'directline', user_ref: expect.not.stringContaining('0912345678'), state: 'bot' },
    ]);
    expect((await recorder.healthy()).status).toBe('ok');
    await recorder.close();
  });

  it('never delays a reply while the database is down, reports degraded, then writes everything', async () => {
    const lines: string[] = [];
    const log = dbTestLogger(lines);
    const port = await freePort('127.0.0.1');
    const real = new URL(db.connectionString);
    const down = new URL(db.connectionString);
    down.hostname = '127.0.0.1';
    down.port = String(port);
    const pool = createPool(down.toString(), log, { connectionTimeoutMillis: 1000 });
    const recorder = new TranscriptRecorder(pool, log, {
      retryMinMs: 50,
      retryMaxMs: 200,
      pingTimeoutMs: 500,
    });
    const questions = [
      'thủ tục đăng ký kết hôn',
      'cần giấy tờ gì',
      'lệ phí bao nhiêu',
      'làm ở đâu',
      'mất bao lâu',
    ];

    const plain = botWith(dbTestLogger());
    const baseline: number[] = [];
    for (const q of questions) baseline.push((await plain(citizen(`base-${randomUUID()}`, q))).ms);

    const ask = botWith(log, recorder);
    const conversation = `down-${randomUUID()}`;
    const timings: number[] = [];
    for (const q of questions) {
      const { replies, ms } = await ask(citizen(conversation, q));
      expect(replies.length).toBeGreaterThan(0);
      timings.push(ms);
    }
    process.stdout.write(
      `turn ms, database down vs no recording: max ${Math.max(...timings).toFixed(1)} vs ${Math.max(...baseline).toFixed(1)}\n`,
    );
    expect(Math.max(...timings)).toBeLessThan(Math.max(...baseline) + 100);

    const health = await recorder.healthy();
    expect(health).toMatchObject({ status: 'degraded', queued: 10, dropped: 0 });
    await until(async () => lines.some((l) => l.includes('transcript recording failing')) || undefined);
    expect((await recorder.healthy()).lastError).toMatch(/ECONNREFUSED|connect/);
    expect(await stored(db.pool, conversation)).toEqual([]);

    const back = await proxy(port, real);
    try {
      await until(async () => {
        const h = await recorder.healthy();
        return (h.status === 'ok' && h.queued === 0) || undefined;
      });
      const rows = await stored(db.pool, conversation);
      expect(rows.map((r) => r.direction)).toEqual([
        'in',
        'out',
        'in',
        'out',
        'in',
        'out',
        'in',
        'out',
        'in',
        'out',
      ]);
      expect(rows.filter((r) => r.direction === 'in').map((r) => r.text)).toEqual(questions);
      expect(lines.some((l) => l.includes('transcript recording recovered'))).toBe(true);
    } finally {
      await recorder.close();
      await pool.end();
      await back.close();
    }
  });

  it('keeps at most maxQueued messages, dropping the oldest with a warning', async () => {
    const lines: string[] = [];
    const log = dbTestLogger(lines);
    const down = new URL(db.connectionString);
    down.hostname = '127.0.0.1';
    down.port = String(await freePort('127.0.0.1'));
    const pool = createPool(down.toString(), log, { connectionTimeoutMillis: 500 });
    const recorder = new TranscriptRecorder(pool, log, {
      maxQueued: 5,
      retryMinMs: 60000,
      pingTimeoutMs: 300,
    });
    for (let i = 0; i < 8; i++)
      recorder.record({ conversationId: 'c', channel: 'test', direction: 'in', text: `message ${i}` });
    expect(await recorder.healthy()).toMatchObject({ status: 'degraded', queued: 5, dropped: 3 });
    expect(lines.some((l) => l.includes('oldest messages dropped'))).toBe(true);
    await recorder.close(300);
    expect(lines.some((l) => l.includes('lost at shutdown'))).toBe(true);
    await pool.end();
  });

  it('drops a row the database refuses instead of blocking the queue', async () => {
    const lines: string[] = [];
    const recorder = new TranscriptRecorder(db.pool, dbTestLogger(lines));
    const conversation = `refused-${randomUUID()}`;
    const base = { conversationId: conversation, channel: 'test', text: 'ok' };
    recorder.record({ ...base, direction: 'in' });
    recorder.record({ ...base, direction: 'sideways' as 'in' }); // violates the CHECK constraint
    recorder.record({ ...base, direction: 'out' });
    expect(await recorder.flush()).toBe(true);
    expect((await stored(db.pool, conversation)).map((r) => r.direction)).toEqual(['in', 'out']);
    expect(await recorder.healthy()).toMatchObject({ status: 'ok', queued: 0, dropped: 1 });
    expect(lines.some((l) => l.includes('refused by the database'))).toBe(true);
    await recorder.close();
  });

  it('a failing recorder never breaks a reply', async () => {
    const lines: string[] = [];
    const log = dbTestLogger(lines);
    const broken: TranscriptSink = {
      record: () => {
        throw new Error('boom');
      },
    };
    const { replies } = await botWith(log, broken)(citizen(`broken-${randomUUID()}`, 'thủ tục khai sinh'));
    expect(replies.length).toBeGreaterThan(0);
    expect(replies[0]!.text).not.toBe('Xin lỗi');
    expect(lines.filter((l) => l.includes('transcript message not recorded'))).toHaveLength(2);
  });
});
