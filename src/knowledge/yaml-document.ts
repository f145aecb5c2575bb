/**
 * YAML parsing that keeps line numbers, so a schema error names the line of the field at fault.
 */
import { LineCounter, parseDocument, isNode } from 'yaml';
import type { z } from 'zod';

/** A problem in one knowledge file: where it is and why it was refused. */
export interface KnowledgeProblem {
  file: string;
  line?: number;
  field?: string;
  reason: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: KnowledgeProblem[] };

/**
 * Parses YAML text and validates it with a zod schema. `firstLine` is the file line of the text's
 * first line (front matter starts after `---`).
 */
export function parseYaml<S extends z.ZodType>(
  source: string,
  schema: S,
  file: string,
  firstLine = 1,
): Parsed<z.output<S>> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false });
  const lineAt = (offset: number) => lineCounter.linePos(offset).line + firstLine - 1;
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => ({
        file,
        line: lineAt(e.pos[0]),
        reason: `invalid YAML: ${e.message.split('\n')[0] ?? e.code}`,
      })),
    };
  }
  const result = schema.safeParse(doc.toJS());
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => {
      const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
      const line = lineOfPath(doc, path, lineAt);
      return {
        file,
        ...(line === undefined ? {} : { line }),
        field: path.join('.') || '(root)',
        reason: issue.message,
      };
    }),
  };
}

function lineOfPath(
  doc: ReturnType<typeof parseDocument>,
  path: (string | number)[],
  lineAt: (offset: number) => number,
): number | undefined {
  // The deepest node that exists on the path: a missing field is reported at its parent.
  for (let depth = path.length; depth >= 0; depth--) {
    const node: unknown = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return lineAt(node.range[0]);
  }
  return undefined;
}
