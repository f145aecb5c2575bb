/**
 * CLI: write the tiny deterministic test embedding model (see src/dense/tiny-model.ts).
 * Usage: `npx tsx scripts/generate-tiny-model.ts [outDir]` (default `.models/tiny`); prints the folder,
 * its size and the time taken. No network is used.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeTinyModel } from '../src/dense/tiny-model';

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? await folderBytes(path) : (await stat(path)).size;
  }
  return total;
}

async function main(): Promise<void> {
  const outDir = resolve(process.argv[2] ?? '.models/tiny');
  const started = performance.now();
  await writeTinyModel(outDir);
  const ms = performance.now() - started;
  const kb = (await folderBytes(outDir)) / 1024;
  console.log(`tiny model written to ${outDir} (${kb.toFixed(0)} KB) in ${ms.toFixed(0)} ms`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
