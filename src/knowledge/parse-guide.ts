/**
 * Reads one guide file: YAML front matter between `---` lines, then one `##` section per facet under
 * its Vietnamese heading (see knowledge/README.md). Returns the validated guide or the problems found.
 */
import { foldText } from '../engine/text/vietnamese';
import { guideSchema, guideFrontMatterSchema, SECTION_HEADINGS, type Facet, type Guide } from './schema';
import { parseYaml, type KnowledgeProblem, type Parsed } from './yaml-document';

const HEADING_TO_FACET = new Map<string, Facet>(
  Object.entries(SECTION_HEADINGS).map(([heading, facet]) => [foldText(heading), facet]),
);

export function parseGuide(source: string, file: string, expectedId: string): Parsed<Guide> {
  const lines = source.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0]?.trim() !== '---') {
    return fail({ file, line: 1, reason: 'must start with YAML front matter between --- lines' });
  }
  const end = lines.findIndex((l, i) => i > 0 && l.trim() === '---');
  if (end < 0) return fail({ file, line: 1, reason: 'front matter is not closed with a --- line' });

  const front = parseYaml(lines.slice(1, end).join('\n'), guideFrontMatterSchema, file, 2);
  if (!front.ok) return front;
  if (front.value.id !== expectedId) {
    return fail({
      file,
      line: 2,
      field: 'id',
      reason: `id "${front.value.id}" does not match the file's place (${expectedId})`,
    });
  }

  const problems: KnowledgeProblem[] = [];
  const facets: Partial<Record<Facet, string>> = {};
  let current: { facet: Facet; body: string[] } | undefined;
  const flush = () => {
    if (current) facets[current.facet] = current.body.join('\n').trim();
  };
  lines.slice(end + 1).forEach((line, i) => {
    const heading = /^##\s+(.+?)\s*$/.exec(line);
    if (!heading) {
      current?.body.push(line);
      return;
    }
    flush();
    const facet = HEADING_TO_FACET.get(foldText(heading[1] ?? ''));
    const lineNo = end + 2 + i;
    if (!facet) {
      problems.push({
        file,
        line: lineNo,
        field: 'sections',
        reason: `unknown section "${heading[1]}"; use one of: ${Object.keys(SECTION_HEADINGS).join(', ')}`,
      });
      current = undefined;
    } else if (facets[facet] !== undefined) {
      problems.push({ file, line: lineNo, field: `facets.${facet}`, reason: `section "${heading[1]}" appears twice` });
      current = undefined;
    } else {
      current = { facet, body: [] };
    }
  });
  flush();
  if (problems.length > 0) return { ok: false, problems };

  const guide = guideSchema.safeParse({ ...front.value, facets });
  if (guide.success) return { ok: true, value: guide.data };
  return {
    ok: false,
    problems: guide.error.issues.map((issue) => ({
      file,
      line: end + 2,
      field: issue.path.map(String).join('.'),
      reason: issue.message,
    })),
  };
}

function fail(problem: KnowledgeProblem): Parsed<never> {
  return { ok: false, problems: [problem] };
}
