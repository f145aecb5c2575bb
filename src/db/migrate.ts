/**
 * Versioned SQL migrations: `migrations/NNN_name.sql`, applied in order at start, each recorded in
 * `schema_migrations` (version, name, checksum). All pending files run in one transaction that first
 * takes a transaction-level advisory lock, so two processes starting together apply them once: the
 * second waits, then finds nothing left to do. A failing file rolls everything back.
 *
 * A small runner rather than a library (node-pg-migrate, Knex, an ORM): the schema is plain SQL files a
 * reviewer reads as they are, with no JS migration DSL or ORM to learn; the advisory lock and the single
 * transaction are exactly what we need and easy to see here; it is about 60 lines, with no dependency.
 * An applied file that changed afterwards is reported (add a new migration instead of editing one).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Pool } from 'pg';
import type { Logger } from '../log';

export const MIGRATIONS_DIR = path.join(__dirname, 'migrations');
const LOCK_KEY = 7_417_000_001; // pg_advisory_xact_lock key of this project's migrations
const FILE = /^(\d{3})_([a-z0-9_]+)\.sql$/;

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE.exec(file);
    if (!match) throw new Error(`migration file ${file}: expected NNN_name.sql`);
    const sql = await readFile(path.join(dir, file), 'utf8');
    const checksum = createHash('sha256').update(sql).digest('hex');
    migrations.push({ version: Number(match[1]), name: match[2]!, sql, checksum });
  }
  const versions = new Set(migrations.map((m) => m.version));
  if (versions.size !== migrations.length) throw new Error(`two migration files share a number in ${dir}`);
  return migrations;
}

/** Applies the pending migrations; returns the versions applied by this call. */
export async function migrate(pool: Pool, log: Logger, dir = MIGRATIONS_DIR): Promise<number[]> {
  const migrations = await loadMigrations(dir);
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    const applied = await client.query<{ version: number; checksum: string }>(
      'SELECT version, checksum FROM schema_migrations',
    );
    const known = new Map(applied.rows.map((r) => [r.version, r.checksum]));
    const done: number[] = [];
    for (const m of migrations) {
      const checksum = known.get(m.version);
      if (checksum !== undefined) {
        if (checksum !== m.checksum)
          log.warn('an applied migration file has changed', { version: m.version });
        continue;
      }
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        m.checksum,
      ]);
      done.push(m.version);
    }
    await client.query('COMMIT');
    if (done.length > 0) log.info('database migrated', { applied: done });
    return done;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => (broken = true));
    throw err;
  } finally {
    client.release(broken);
  }
}
