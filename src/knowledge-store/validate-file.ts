/**
 * Validates one knowledge file's text with the same schema the loader uses (a guide with parseGuide,
 * a YAML file with its zod schema), for the editor's live validation and before a revision is saved
 * for review. Problems name the file, line and field.
 */
import { parseGuide } from '../knowledge/parse-guide';
import {
  facetsFileSchema,
  intentsFileSchema,
  lexiconFileSchema,
  outOfScopeFileSchema,
  repliesFileSchema,
} from '../knowledge/schema';
import { parseYaml, type KnowledgeProblem } from '../knowledge/yaml-document';

const YAML_SCHEMAS = {
  'intents.yaml': intentsFileSchema,
  'out-of-scope.yaml': outOfScopeFileSchema,
  'lexicon.yaml': lexiconFileSchema,
  'facets.yaml': facetsFileSchema,
  'replies.yaml': repliesFileSchema,
} as const;

const GUIDE_PATH = /^guides\/([a-z0-9-]+\/[a-z0-9-]+)\.md$/;

export const isKnowledgePath = (path: string): boolean => GUIDE_PATH.test(path) || path in YAML_SCHEMAS;

/** guides/ho-tich/khai-sinh.md ↔ ho-tich/khai-sinh */
export const guidePath = (id: string): string => `guides/${id}.md`;
export const guideIdOf = (path: string): string | undefined => GUIDE_PATH.exec(path)?.[1];

export function validateFile(path: string, source: string): KnowledgeProblem[] {
  const id = guideIdOf(path);
  if (id) {
    const parsed = parseGuide(source, path, id);
    return parsed.ok ? [] : parsed.problems;
  }
  const schema = YAML_SCHEMAS[path as keyof typeof YAML_SCHEMAS];
  if (!schema)
    return [{ file: path, reason: 'not a knowledge file (guides/<family>/<name>.md or a known .yaml)' }];
  const parsed = parseYaml(source, schema, path);
  return parsed.ok ? [] : parsed.problems;
}
