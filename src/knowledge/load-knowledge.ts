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

/** The files the knowledge is made of, by path relative to the knowledge folder (posix separators). */
export type KnowledgeFiles = ReadonlyMap<string, string>;

/** The YAML files besides the guides, in the order they enter the version hash. */
export const KNOWLEDGE_YAML = [
  'intents.yaml',
  'out-of-scope.yaml',
  'lexicon.yaml',
  'facets.yaml',
  'replies.yaml',
] as const;

export const isGuidePath = (file: string): boolean => /^guides\/.+\.md$/.test(file);

/** Reads the knowledge folder into a map: every guide under guides/ and the YAML files that exist. */
export async function readKnowledgeFiles(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const guides = (await listFiles(path.join(dir, 'guides'))).filter((f) => f.endsWith('.md')).sort();
  for (const rel of guides) {
    const file = path.posix.join('guides', rel);
    files.set(file, await readFile(path.join(dir, 'guides', rel), 'utf8'));
  }
  for (const rel of KNOWLEDGE_YAML) {
    const content = await readFile(path.join(dir, rel), 'utf8').catch(() => undefined);
    if (content !== undefined) files.set(rel, content);
  }
  return files;
}

export async function loadKnowledge(dir: string): Promise<LoadResult> {
  return loadKnowledgeFiles(await readKnowledgeFiles(dir));
}

/** Validates and assembles the knowledge from its files (the folder's, or the database's revisions). */
export function loadKnowledgeFiles(files: KnowledgeFiles): LoadResult {
  const problems: KnowledgeProblem[] = [];
  const hash = createHash('sha256');
  const read = (rel: string): string | undefined => {
    const content = files.get(rel);
    if (content !== undefined) hash.update(rel).update('\0').update(content).update('\0');
    return content;
  };

  const guideFiles = [...files.keys()].filter(isGuidePath).sort();
  const guides: Guide[] = [];
  for (const file of guideFiles) {
    const parsed = parseGuide(read(file) ?? '', file, file.replace(/^guides\//, '').replace(/\.md$/, ''));
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

  const optional = <S extends z.ZodType>(rel: string, schema: S, empty: z.output<S>) => {
    const source = read(rel);
    if (source === undefined) {
      problems.push({ file: rel, reason: 'file is missing' });
      return empty;
    }
    const parsed = parseYaml(source, schema, rel);
    if (parsed.ok) return parsed.value;
    problems.push(...parsed.problems);
    return empty;
  };
  const required = <S extends z.ZodType>(rel: string, schema: S) => {
    const source = read(rel);
    if (source === undefined) throw new KnowledgeError([{ file: rel, reason: 'file is missing' }]);
    const parsed = parseYaml(source, schema, rel);
    if (!parsed.ok) throw new KnowledgeError(parsed.problems);
    return parsed.value;
  };

  const intents = optional('intents.yaml', intentsFileSchema, { intents: [] });
  const outOfScope = optional('out-of-scope.yaml', outOfScopeFileSchema, {
    fallback: { vi: 'Xin lỗi, tôi chưa tìm được câu trả lời phù hợp.', en: 'Sorry, I could not find an answer.' },
    topics: [],
  });
  const lexicon = optional('lexicon.yaml', lexiconFileSchema, { abbreviations: {}, synonyms: [], stopwords: [], accented_stopwords: [], generic: [] });
  const facets = required('facets.yaml', facetsFileSchema);
  const replies = required('replies.yaml', repliesFileSchema);

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
