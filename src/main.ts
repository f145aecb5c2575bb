/**
 * The composition root of `npm start`: configuration (parsed once), logger, engine, database (embedded
 * when DATABASE_URL is unset), server with every channel; SIGTERM/SIGINT shut down gracefully.
 */
import { buildEngine } from './app/build-engine';
import { parseConfig } from './config';
import { openDatabase } from './db/database';
import { createLogger } from './log';
import { startServer } from './server/start-server';

async function main(): Promise<void> {
  const config = parseConfig();
  const log = createLogger(config.LOG_LEVEL);
  const engine = await buildEngine(config, log);
  // DATABASE_URL, or an embedded PostgreSQL under DATA_DIR for a newcomer's machine.
  const database = await openDatabase(config, log);
  const running = await startServer({ config, log, engine: () => engine, database });
  const stop = () => {
    running
      .close()
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
