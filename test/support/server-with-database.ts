/**
 * The real server on a fresh test database for a test file or a describe block: registers the
 * beforeAll that creates the database and starts the server on it (startTestServer's environment and
 * options, `database` added) and the afterAll that closes the server and drops the database.
 */
import type { RunningServer, ServerOptions } from '../../src/server/start-server';
import { createTestDatabase, type TestDatabase } from './database';
import { startTestServer } from './test-server';

export interface ServerWithDatabase {
  /** Set from the beforeAll on. */
  readonly db: TestDatabase;
  /** Set from the beforeAll on. */
  readonly running: RunningServer;
}

export function serverWithDatabase(
  env: Record<string, string> = {},
  extra: Partial<Omit<ServerOptions, 'config' | 'engine' | 'database'>> = {},
): ServerWithDatabase {
  const started: { db?: TestDatabase; running?: RunningServer } = {};
  beforeAll(async () => {
    started.db = await createTestDatabase();
    started.running = await startTestServer(env, { ...extra, database: started.db });
  }, 60_000);
  afterAll(async () => {
    await started.running?.close();
    await started.db?.drop();
  });
  return started as ServerWithDatabase;
}
