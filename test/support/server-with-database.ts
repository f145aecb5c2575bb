/**
 * The real server on a fresh test database for a test file or a describe block: registers the
 * beforeAll that creates the database (and, when asked, the editable knowledge on it) and starts the
 * server on it, and the afterAll that closes the server (and the knowledge) and drops the database.
 * Hooks run in the order they are declared: declare what must stop before the server (a browser) first.
 */
import type { KnowledgeService } from '../../src/knowledge-store/knowledge-service';
import type { RunningServer, ServerOptions } from '../../src/server/start-server';
import { createTestDatabase, type TestDatabase } from './database';
import { openTestKnowledge } from './knowledge-store';
import { startTestServer } from './test-server';

export interface ServerWithDatabaseOptions {
  /** The server's environment, as startTestServer takes it. */
  env?: Record<string, string>;
  /** More server options, as startTestServer takes them. */
  server?: Partial<Omit<ServerOptions, 'config' | 'engine' | 'database' | 'knowledge'>>;
  /** Opens the knowledge on the database (openTestKnowledge, with these options) for the server. */
  knowledge?: true | Parameters<typeof openTestKnowledge>[1];
}

/** Each is set from the beforeAll on. */
export interface ServerWithDatabase {
  readonly db: TestDatabase;
  readonly running: RunningServer;
}

export function serverWithDatabase(
  options: ServerWithDatabaseOptions & { knowledge: NonNullable<ServerWithDatabaseOptions['knowledge']> },
): ServerWithDatabase & { readonly knowledge: KnowledgeService };
export function serverWithDatabase(options?: ServerWithDatabaseOptions): ServerWithDatabase;
export function serverWithDatabase(options: ServerWithDatabaseOptions = {}): ServerWithDatabase {
  const started: { db?: TestDatabase; knowledge?: KnowledgeService; running?: RunningServer } = {};
  beforeAll(async () => {
    started.db = await createTestDatabase();
    if (options.knowledge)
      started.knowledge = await openTestKnowledge(
        started.db,
        options.knowledge === true ? {} : options.knowledge,
      );
    started.running = await startTestServer(options.env, {
      ...options.server,
      database: started.db,
      ...(started.knowledge && { knowledge: started.knowledge }),
    });
  }, 120_000);
  afterAll(async () => {
    await started.running?.close();
    await started.knowledge?.close();
    await started.db?.drop();
  });
  return started as ServerWithDatabase;
}
