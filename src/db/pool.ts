/**
 * The app's `pg` connection pool. Errors of idle connections (a restarted or stopped server) are logged
 * instead of crashing the process; connecting gives up after a few seconds and a query after a minute,
 * so a dead or unreachable database makes callers (the transcript recorder's retries) fail, not hang.
 */
import { Pool } from 'pg';
import type { Logger } from '../log';

export interface PoolOptions {
  /** Most connections this process opens (default 20; the embedded server allows 100). */
  max?: number;
  connectionTimeoutMillis?: number;
  /** A query with no answer after this long fails and its connection is dropped (default 60 s). */
  queryTimeoutMillis?: number;
}

export function createPool(connectionString: string, log: Logger, options: PoolOptions = {}): Pool {
  const pool = new Pool({
    connectionString,
    max: options.max ?? 20,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5000,
    query_timeout: options.queryTimeoutMillis ?? 60000,
    idleTimeoutMillis: 30000,
    keepAlive: true,
    application_name: 'tro-ly-tu-phap',
  });
  pool.on('error', (err) => log.warn('idle database connection failed', { error: err }));
  return pool;
}
