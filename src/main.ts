/**
 * The composition root of `npm start`: configuration (parsed once), logger, database (embedded when
 * DATABASE_URL is unset), the knowledge and its engine (knowledge-store, seeded from knowledge/), the
 * server with every channel, the console and the editor; SIGTERM/SIGINT shut down gracefully.
 */
import { parseConfig } from './config';
import { openDatabase } from './db/database';
import { KnowledgeService } from './knowledge-store/knowledge-service';
import { createLogger } from './log';
import { startServer } from './server/start-server';

async function main(): Promise<void> {
  const config = parseConfig();
  const log = createLogger(config.LOG_LEVEL);
  // DATABASE_URL, or an embedded PostgreSQL under DATA_DIR for a newcomer's machine.
  const database = await openDatabase(config, log);
  // The knowledge lives in PostgreSQL (seeded from knowledge/); publishing swaps the engine everywhere.
  const knowledge = await KnowledgeService.open({
    pool: database.pool,
    connectionString: database.connectionString,
    config,
    log,
  });
  const running = await startServer({ config, log, engine: () => knowledge.engine(), database, knowledge });
  const stop = () => {
    running
      .close()
      .then(() => knowledge.close())
      .then(() => database.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          log.error('shutdown failed', { error: err });
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
