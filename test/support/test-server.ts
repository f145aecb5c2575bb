/**
 * Starts the real server on a free port for a test, with the shipped knowledge (lexical mode) and
 * configuration parsed from the given environment, logs silenced unless TEST_LOGS=1. The bot's clock
 * is fixed inside the default opening hours (officers on duty) unless the test passes `now`.
 */
import { buildEngine } from '../../src/app/build-engine';
import { parseConfig } from '../../src/config';
import type { Engine } from '../../src/engine/engine';
import { createLogger, type Logger } from '../../src/log';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/start-server';

let shared: Promise<Engine> | undefined;

/** Wednesday 2 December 2026, 10:00 in Vietnam: inside the default OPENING_HOURS. */
export const IN_OPENING_HOURS = new Date('2026-12-02T03:00:00Z');

export function testLogger(lines?: string[]): Logger {
  return createLogger(process.env.TEST_LOGS ? 'debug' : lines ? 'debug' : 'silent', (l) => {
    lines?.push(l);
    if (process.env.TEST_LOGS) process.stderr.write(l + '\n');
  });
}

export async function sharedEngine(): Promise<Engine> {
  const config = parseConfig({});
  shared ??= buildEngine(config, testLogger());
  return shared;
}

export async function startTestServer(
  env: Record<string, string> = {},
  extra: Partial<Omit<ServerOptions, 'config' | 'engine'>> = {},
): Promise<RunningServer> {
  const engine = await sharedEngine();
  const config = parseConfig({ PORT: '0', ...env });
  return startServer({
    config,
    log: extra.log ?? testLogger(),
    engine: () => engine,
    now: () => IN_OPENING_HOURS,
    ...extra,
  });
}
