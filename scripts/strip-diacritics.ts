/**
 * Generates the "typed without diacritics" variant of question sets: every text folded, ids
 * suffixed with "-plain", expectations unchanged. `npm run eval:plain` rewrites eval/*.plain.jsonl.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stripDiacritics } from '../src/engine/text/vietnamese';

const EVAL_DIR = path.resolve(__dirname, '..', 'eval');

async function main(): Promise<void> {
  const sources = (await readdir(EVAL_DIR)).filter((f) => f.endsWith('.jsonl') && !f.includes('.plain.'));
  for (const file of sources) {
    const rows = (await readFile(path.join(EVAL_DIR, file), 'utf8'))
      .split('\n')
      .filter((l) => l.trim() !== '');
    const plain = rows.map((line) => {
      const row = JSON.parse(line) as { id: string; text: string; conversation?: string };
      return JSON.stringify({
        ...row,
        id: `${row.id}-plain`,
        text: stripDiacritics(row.text),
        ...(row.conversation ? { conversation: `${row.conversation}-plain` } : {}),
      });
    });
    const out = file.replace(/\.jsonl$/, '.plain.jsonl');
    await writeFile(path.join(EVAL_DIR, out), plain.join('\n') + '\n');
    process.stdout.write(`${out}: ${plain.length} rows\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exitCode = 1;
});
