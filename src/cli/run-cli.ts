/**
 * Shared start-up of the command-line tools: configuration, a logger on stderr (quiet unless
 * LOG_LEVEL says otherwise, so stdout carries only the output), the engine, and error reporting
 * without stack traces.
 */
import { buildEngine } from '../app/build-engine';
import { parseConfig, type Config } from '../config';
import type { Engine } from '../engine/engine';
import { createLogger, type Logger } from '../log';

export interface CliEnv {
  config: Config;
  log: Logger;
  engine: () => Promise<Engine>;
}

export function runCli(main: (env: CliEnv, args: string[]) => Promise<number | void>): void {
  const start = async () => {
    const config = parseConfig({ LOG_LEVEL: 'warn', ...process.env });
    const log = createLogger(config.LOG_LEVEL);
    return (await main({ config, log, engine: () => buildEngine(config, log) }, process.argv.slice(2))) ?? 0;
  };
  start().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
