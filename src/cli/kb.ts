/**
 * `npm run --silent kb -- export`: the whole published knowledge as one JSON document on stdout
 * (shape of ../shared/contracts.md §2): what is live in the database when DATABASE_URL is set (the
 * editors' published revisions), else the knowledge/ folder. `kb -- export-files --out DIR`: the live
 * files from the database written as a knowledge folder (review them as a pull request).
 * `kb -- check`: validates the knowledge files and lists every refused file with line, field and
 * reason (exit 1 when any). `kb -- import-tthc FILE.json --id <id>`: drafts a guide from a national
 * procedure database record (kb-import.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Pool } from 'pg';
import type { Config } from '../config';
import {
  formatProblem,
  loadKnowledge,
  loadKnowledgeFiles,
  type LoadResult,
} from '../knowledge/load-knowledge';
import { readLiveSet } from '../knowledge-store/read-live-set';
import { importTthcCommand } from './kb-import';
import { runCli } from './run-cli';

/** The live files of the database of DATABASE_URL. */
async function databaseFiles(url: string): Promise<Map<string, string>> {
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    const { files } = await readLiveSet(pool, new Date());
    if (files.size === 0)
      throw new Error('the database holds no published knowledge yet (start the server once)');
    return files;
  } finally {
    await pool.end();
  }
}

async function published(config: Config): Promise<LoadResult> {
  return config.DATABASE_URL
    ? loadKnowledgeFiles(await databaseFiles(config.DATABASE_URL))
    : loadKnowledge(config.KNOWLEDGE_DIR);
}

async function exportFiles(config: Config, args: string[]): Promise<number> {
  const out = args[args.indexOf('--out') + 1];
  if (!args.includes('--out') || !out) {
    process.stderr.write('usage: npm run kb -- export-files --out DIR   (needs DATABASE_URL)\n');
    return 2;
  }
  if (!config.DATABASE_URL) {
    process.stderr.write('export-files reads the published knowledge from DATABASE_URL, which is not set\n');
    return 2;
  }
  const files = await databaseFiles(config.DATABASE_URL);
  for (const [rel, source] of files) {
    const target = path.join(out, ...rel.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, source);
  }
  process.stderr.write(`${files.size} files written to ${out}\n`);
  return 0;
}

runCli(async ({ config }, args) => {
  const command = args[0] ?? 'export';
  if (command === 'import-tthc') return importTthcCommand(args.slice(1));
  if (command === 'export-files') return exportFiles(config, args.slice(1));
  const { knowledge, problems } =
    command === 'export' ? await published(config) : await loadKnowledge(config.KNOWLEDGE_DIR);
  if (command === 'check') {
    for (const p of problems) process.stderr.write(formatProblem(p) + '\n');
    process.stderr.write(`${knowledge.guides.length} guides loaded, ${problems.length} problems\n`);
    return problems.length > 0 ? 1 : 0;
  }
  if (command !== 'export') {
    process.stderr.write(
      'usage: npm run --silent kb -- export | export-files --out DIR | check | import-tthc FILE.json --id <id>\n',
    );
    return 2;
  }
  const document = {
    version: knowledge.version,
    guides: knowledge.guides.map((g) => ({
      id: g.id,
      title: g.title,
      aliases: g.aliases,
      examples: g.examples,
      facets: g.facets,
      sources: g.sources,
      reviewed: g.reviewed,
      related: g.related,
      online_url: g.online_url ?? null,
      en: g.en,
    })),
    intents: [
      ...knowledge.intents.map((i) => ({ intent: i.intent, examples: i.examples })),
      {
        intent: 'out_of_scope',
        examples: knowledge.outOfScope.topics.flatMap((t) => t.examples),
      },
    ],
  };
  process.stdout.write(JSON.stringify(document, null, 2) + '\n');
});
