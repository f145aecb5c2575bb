/**
 * A real PostgreSQL for a test file, never a mock: the server of DATABASE_URL when set (CI, project
 * machines), else an embedded one started in a temp DATA_DIR (a fresh machine). Each test file gets its
 * own database `t_<random>`, migrated, and drops it afterwards (stopping the embedded server too).
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { openDatabase, type Database } from '../../src/db/database';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded-postgres';
import { createLogger, type Logger } from '../../src/log';

export interface TestDatabase extends Database {
  /** The database's name on the server. */
  name: string;
  /** Drops the database (and stops the embedded server when one was started). */
  drop(): Promise<void>;
}

export function dbTestLogger(lines?: string[]): Logger {
  return createLogger(process.env.TEST_LOGS ? 'debug' : lines ? 'debug' : 'silent', (l) => {
    lines?.push(l);
    if (process.env.TEST_LOGS) process.stderr.write(l + '\n');
  });
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(log: Logger = dbTestLogger()): Promise<TestDatabase> {
  let server: EmbeddedPostgres | undefined;
  let dataDir: string | undefined;
  const given = process.env.DATABASE_URL?.trim();
  if (!given) {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tltp-testdb-'));
    await chmod(dataDir, 0o755); // mkdtemp makes it 0700: as root, the postgres user could not enter it
    server = await startEmbeddedPostgres({ dataDir, log });
  }
  const serverUrl = given || server!.connectionString;
  const name = `t_${randomBytes(6).toString('hex')}`;
  await admin(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ DATABASE_URL: url.toString(), DATA_DIR: dataDir ?? tmpdir() }, log);
  const drop = async () => {
    await db.close();
    await admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  };
  return { ...db, name, drop };
}
