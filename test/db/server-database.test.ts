/**
 * The server on a real PostgreSQL: bot state and transcripts are stored, /healthz reports the database,
 * and `npm start` on a machine without DATABASE_URL comes up on the embedded PostgreSQL and stops cleanly.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../support/free-port';
import { serverWithDatabase } from '../support/server-with-database';
import { until } from '../support/until';

const ROOT = path.resolve(__dirname, '..', '..');

describe('server with PostgreSQL', () => {
  const server = serverWithDatabase();

  it('records both directions of a conversation with the answer fields, masked, and keeps bot state', async () => {
    const ask = (text: string) =>
      fetch(`${server.running.url}/api/ask`, {
        method: 'POST',
        body: JSON.stringify({ text, conversationId: 'pg-1' }),
        headers: { 'content-type': 'application/json' },
      });
    expect((await ask('đăng ký khai tử, sđt của tôi 0912345678')).status).toBe(200);
    expect(await (await ask('còn lệ phí thì sao?')).json()).toMatchObject({
      procedure: 'ho-tich/khai-tu',
      facet: 'fee',
    });
    const rows = await until(async () => {
      const { rows } = await server.db.pool.query<{
        direction: string;
        text: string;
        procedure: string | null;
        facet: string | null;
      }>(
        "SELECT direction, text, procedure, facet FROM messages WHERE conversation_id = 'api:pg-1' ORDER BY id",
      );
      return rows.length >= 4 ? rows : undefined;
    }, 20000);
    expect(rows.map((r) => r.direction)).toEqual(['in', 'out', 'in', 'out']);
    expect(rows[0]!.text).not.toContain('0912345678');
    expect(rows[3]).toMatchObject({ procedure: 'ho-tich/khai-tu', facet: 'fee' });
    const state = await server.db.pool.query(
      "SELECT count(*)::int AS n FROM bot_state WHERE id LIKE '%pg-1%'",
    );
    expect(state.rows[0].n).toBeGreaterThan(0);
  });

  it('reports the database in /healthz', async () => {
    const health = await (await fetch(`${server.running.url}/healthz`)).json();
    expect(health).toMatchObject({ status: 'ok', database: { state: 'ok', transcripts: { status: 'ok' } } });
  });
});

describe('npm start (tsx src/main.ts) on a machine without DATABASE_URL', () => {
  it('comes up on the embedded PostgreSQL, answers, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'start-')),
      LOG_LEVEL: 'warn',
    };
    delete env.DATABASE_URL;
    delete env.NODE_OPTIONS;
    // What `npm start` runs (package.json), spawned directly so the test owns the signal it sends.
    const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['src/main.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const health = await until(async () => {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        return res.ok
          ? ((await res.json()) as { status: string; database: { embedded: boolean } })
          : undefined;
      }, 60000);
      expect(health).toMatchObject({ status: 'ok', database: { embedded: true } });
      const answer = await fetch(`http://127.0.0.1:${port}/api/ask`, {
        method: 'POST',
        body: JSON.stringify({ text: 'lý lịch tư pháp làm ở đâu' }),
        headers: { 'content-type': 'application/json' },
      });
      expect(await answer.json()).toMatchObject({ procedure: 'ly-lich-tu-phap/cap-phieu' });
    } finally {
      child.kill('SIGTERM');
    }
    // The app stops the server and the embedded PostgreSQL, then exits 0.
    const code = await Promise.race([
      exited,
      new Promise<string>((r) => setTimeout(() => r('still running'), 20000)),
    ]);
    if (code === 'still running') child.kill('SIGKILL');
    expect(code).toBe(0);
    expect(output).not.toMatch(/"level":"error"|uncaught|unhandled/i);
  }, 90000);
});
