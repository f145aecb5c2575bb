/**
 * Runs a function in one transaction on a client of the pool: COMMIT when it resolves, ROLLBACK when it
 * throws (the error is rethrown). NOTIFYs sent inside are delivered only if it commits.
 */
import type { Pool, PoolClient } from 'pg';

export async function inTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw err;
  } finally {
    client.release(broken); // a connection that could not roll back is discarded, not reused
  }
}
