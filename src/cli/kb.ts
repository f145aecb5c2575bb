/**
 * `npm run --silent kb -- export`: the whole published knowledge as one JSON document on stdout
 * (shape of ../shared/contracts.md §2). `kb -- check`: validates the knowledge files and lists every
 * refused file with line, field and reason (exit 1 when any). `kb -- import-tthc FILE.json --id <id>`:
 * drafts a guide from a national procedure database record (kb-import.ts).
 */
import { formatProblem, loadKnowledge } from '../knowledge/load-knowledge';
import { importTthcCommand } from './kb-import';
import { runCli } from './run-cli';

runCli(async ({ config }, args) => {
  const command = args[0] ?? 'export';
  if (command === 'import-tthc') return importTthcCommand(args.slice(1));
  const { knowledge, problems } = await loadKnowledge(config.KNOWLEDGE_DIR);
  if (command === 'check') {
    for (const p of problems) process.stderr.write(formatProblem(p) + '\n');
    process.stderr.write(`${knowledge.guides.length} guides loaded, ${problems.length} problems\n`);
    return problems.length > 0 ? 1 : 0;
  }
  if (command !== 'export') {
    process.stderr.write('usage: npm run --silent kb -- export | check | import-tthc FILE.json --id <id>\n');
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
