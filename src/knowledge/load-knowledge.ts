/**
 * Loads the knowledge folder: every guide, the intents, out-of-scope topics, lexicon, facets and
 * replies. A bad guide (or intents, out-of-scope or lexicon file) is refused with its problems and the
 * rest still loads; facets.yaml and replies.yaml are the engine's own settings and must be valid.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { parseGuide } from './parse-guide';
import {
  facetsFileSchema,
  intentsFileSchema,
  lexiconFileSchema,
  outOfScopeFileSchema,
  repliesFileSchema,
  type Guide,
  type Knowledge,
} from './schema';
import { parseYaml, type KnowledgeProblem } from './yaml-document';

export interface LoadResult {
  knowledge: Knowledge;
  problems: KnowledgeProblem[];
}

export class KnowledgeError extends Error {
  constructor(readonly problems: KnowledgeProblem[]) {
    super(`knowledge is not usable:\n${problems.map(formatProblem).join('\n')}`);
  }
}

export function formatProblem(p: KnowledgeProblem): string {
  return `${p.file}${p.line ? `:${p.line}` : ''}${p.field ? ` [${p.field}]` : ''}: ${p.reason}`;
}

export async function loadKnowledge(dir: string): Promise<LoadResult> {
  const problems: KnowledgeProblem[] = [];
  const hash = createHash('sha256');
  const read = async (rel: string) => {
    const content = await readFile(path.join(dir, rel), 'utf8');
    hash.update(rel).update('\0').update(content).update('\0');
    return content;
  };

  const guideFiles = (await listFiles(path.join(dir, 'guides'))).filter((f) => f.endsWith('.md')).sort();
  const guides: Guide[] = [];
  for (const rel of guideFiles) {
    const file = path.posix.join('guides', rel);
    const parsed = parseGuide(await read(file), file, rel.replace(/\.md$/, ''));
    if (parsed.ok) guides.push(parsed.value);
    else problems.push(...parsed.problems);
  }
  const known = new Set(guides.map((g) => g.id));
  for (const guide of guides) {
    const unknown = guide.related.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      problems.push({ file: `guides/${guide.id}.md`, field: 'related', reason: `unknown guides ${unknown.join(', ')}` });
      guide.related = guide.related.filter((id) => known.has(id));
    }
  }

  const optional = async <S extends z.ZodType>(rel: string, schema: S, empty: z.output<S>) => {
    const source = await read(rel).catch(() => undefined);
    if (source === undefined) {
      problems.push({ file: rel, reason: 'file is missing' });
      return empty;
    }
    const parsed = parseYaml(source, schema, rel);
    if (parsed.ok) return parsed.value;
    problems.push(...parsed.problems);
    return empty;
  };
  const required = async <S extends z.ZodType>(rel: string, schema: S) => {
    const parsed = parseYaml(await read(rel), schema, rel);
    if (!parsed.ok) throw new KnowledgeError(parsed.problems);
    return parsed.value;
  };

  const intents = await optional('intents.yaml', intentsFileSchema, { intents: [] });
  const outOfScope = await optional('out-of-scope.yaml', outOfScopeFileSchema, {
    fallback: { vi: 'Xin lỗi, tôi chưa tìm được câu trả lời phù hợp.', en: 'Sorry, I could not find an answer.' },
    topics: [],
  });
  const lexicon = await optional('lexicon.yaml', lexiconFileSchema, { abbreviations: {}, synonyms: [], stopwords: [], accented_stopwords: [], generic: [] });
  const facets = await required('facets.yaml', facetsFileSchema);
  const replies = await required('replies.yaml', repliesFileSchema);

  const knowledge: Knowledge = {
    version: hash.digest('hex').slice(0, 12),
    guides,
    intents: intents.intents,
    outOfScope,
    lexicon,
    facets,
    replies,
  };
  return { knowledge, problems };
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries.map(async (e) =>
      e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
    ),
  );
  return nested.flat();
}
