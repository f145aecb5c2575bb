/**
 * Writes a guide as the Markdown file `parse-guide` reads (knowledge/README.md): YAML front matter, then
 * one `##` section per facet under its Vietnamese heading, in heading order. Optional fields that are
 * absent or empty are left out; parsing the result gives the same guide back.
 */
import { Document, isMap, isPair, isScalar, isSeq } from 'yaml';
import { SECTION_HEADINGS, type Guide } from './schema';

export function renderGuide(guide: Guide): string {
  const { facets, ...front } = guide;
  const ordered = {
    id: front.id,
    title: front.title,
    ...(front.aliases.length > 0 && { aliases: front.aliases }),
    ...(front.related.length > 0 && { related: front.related }),
    ...(front.procedure_codes.length > 0 && { procedure_codes: front.procedure_codes }),
    ...(front.online_url !== undefined && { online_url: front.online_url }),
    reviewed: front.reviewed,
    sources: front.sources,
    examples: front.examples,
    en: front.en,
  };
  const doc = new Document(ordered);
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      if (isPair(pair) && isScalar(pair.key) && pair.key.value === 'procedure_codes' && isSeq(pair.value))
        pair.value.flow = true;
    }
  }
  const yaml = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  const sections = Object.entries(SECTION_HEADINGS).flatMap(([heading, facet]) => {
    const text = facets[facet];
    return text === undefined ? [] : [`## ${heading}\n\n${safeBody(text)}\n`];
  });
  return `---\n${yaml}---\n\n${sections.join('\n')}`;
}

/** A body line starting with `#` could be read as a heading: indent it by one space. */
function safeBody(text: string): string {
  return text
    .trim()
    .split('\n')
    .map((line) => (line.startsWith('#') ? ` ${line}` : line))
    .join('\n');
}
