/**
 * Adds citizens' questions to the `examples` list of a guide (its front matter) or of one topic of
 * out-of-scope.yaml, leaving every other byte of the file as it was: the `yaml` Document API finds the
 * list and its last item, and the new items are written as lines after it with the same indentation
 * (each value stringified by `yaml`, so quoting is right). Comments, quotes, folded text and key order
 * survive. A list written inline (`[a, b]`) is edited through the Document API instead. Questions are
 * tidied (one line, trimmed, at most MAX_EXAMPLE_CHARS) and deduplicated against the list and each
 * other, ignoring case and punctuation, but not diacritics: "làm giấy khai sinh ở đâu" and "lam giay
 * khai sinh o dau" are both kept, as the knowledge keeps both spellings on purpose.
 */
import { Document, isMap, isScalar, isSeq, parseDocument, type YAMLSeq } from 'yaml';
import { cleanText } from '../engine/text/vietnamese';

export const MAX_EXAMPLE_CHARS = 300;

export interface AppendResult {
  source: string;
  added: string[];
  /** Questions left out: already examples (or repeated), or empty. */
  skipped: string[];
}

export class AppendError extends Error {}

/** Appends questions to a guide file's front matter `examples`. */
export function appendGuideExamples(source: string, questions: string[]): AppendResult {
  const front = frontMatterRange(source);
  const yamlText = source.slice(front.start, front.end);
  const doc = parseDocument(yamlText);
  if (doc.errors.length > 0 || !isMap(doc.contents))
    throw new AppendError('the guide front matter is not valid YAML');
  const seq = doc.contents.get('examples', true);
  if (!isSeq(seq)) throw new AppendError('the guide has no examples list');
  const result = appendToSeq(yamlText, doc, seq, questions);
  return { ...result, source: source.slice(0, front.start) + result.source + source.slice(front.end) };
}

/** Appends questions to the `examples` of topic `topicId` of out-of-scope.yaml. */
export function appendTopicExamples(source: string, topicId: string, questions: string[]): AppendResult {
  const doc = parseDocument(source);
  if (doc.errors.length > 0 || !isMap(doc.contents)) throw new AppendError('out-of-scope.yaml is not valid YAML');
  const topics = doc.contents.get('topics', true);
  if (!isSeq(topics)) throw new AppendError('out-of-scope.yaml has no topics list');
  const topic = topics.items.find((t) => isMap(t) && t.get('id') === topicId);
  if (!isMap(topic)) throw new AppendError(`out-of-scope.yaml has no topic "${topicId}"`);
  const seq = topic.get('examples', true);
  if (!isSeq(seq)) throw new AppendError(`topic "${topicId}" has no examples list`);
  return appendToSeq(source, doc, seq, questions);
}

/** The topics of out-of-scope.yaml (id and title), for the editor's choice. */
export function outOfScopeTopics(source: string): { id: string; title: string }[] {
  const doc = parseDocument(source);
  const topics: unknown = doc.toJS();
  const list = (topics as { topics?: unknown } | null)?.topics;
  if (!Array.isArray(list)) return [];
  return list.flatMap((t: unknown) => {
    const { id, title } = (t ?? {}) as { id?: unknown; title?: unknown };
    return typeof id === 'string' ? [{ id, title: typeof title === 'string' ? title : id }] : [];
  });
}

const tidy = (q: string) => q.replace(/\s+/g, ' ').trim().slice(0, MAX_EXAMPLE_CHARS).trim();
const sameKey = (q: string) => cleanText(q);

function appendToSeq(text: string, doc: Document, seq: YAMLSeq, questions: string[]): AppendResult {
  const seen = new Set(
    seq.items.map((item) => (isScalar(item) ? sameKey(String(item.value)) : '')).filter(Boolean),
  );
  const added: string[] = [];
  const skipped: string[] = [];
  for (const question of questions) {
    const q = tidy(question);
    const key = sameKey(q);
    if (!key || seen.has(key)) {
      skipped.push(question);
      continue;
    }
    seen.add(key);
    added.push(q);
  }
  if (added.length === 0) return { source: text, added, skipped };
  const spliced = seq.flow ? undefined : splice(text, seq, added);
  if (spliced !== undefined) return { source: spliced, added, skipped };
  for (const q of added) seq.add(doc.createNode(q));
  return { source: doc.toString({ lineWidth: 0, flowCollectionPadding: false }), added, skipped };
}

/**
 * The text with `values` as new block items after the last one; undefined when the list's layout is
 * not the plain `- item` lines this can extend safely.
 */
function splice(text: string, seq: YAMLSeq, values: string[]): string | undefined {
  const last = seq.items.at(-1) as { range?: [number, number, number] } | undefined;
  const range = last?.range;
  if (!range) return undefined;
  const [start, valueEnd] = range;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const indent = /^(\s*)-\s+$/.exec(text.slice(lineStart, start))?.[1];
  if (indent === undefined) return undefined;
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const atLineEnd = text[valueEnd - 1] === '\n' ? valueEnd : text.indexOf('\n', valueEnd) + 1;
  const at = atLineEnd > 0 ? atLineEnd : text.length;
  const lines = values.map((v) => `${indent}- ${scalar(v)}${newline}`).join('');
  const before = text.slice(0, at);
  const result = (at === text.length && !before.endsWith('\n') ? before + newline : before) + lines + text.slice(at);
  // Check: the list now reads as before plus the new values, and nothing else moved.
  const check = parseDocument(result);
  if (check.errors.length > 0) return undefined;
  const expected = [...seq.items.map((i) => (isScalar(i) ? i.value : undefined)), ...values];
  const path = pathTo(check, seq);
  const now = path ? check.getIn(path, true) : undefined;
  if (!isSeq(now) || now.items.length !== expected.length) return undefined;
  if (now.items.some((item, i) => !isScalar(item) || item.value !== expected[i])) return undefined;
  return result;
}

/** One value as a YAML flow scalar on one line (quoted only when it must be). */
function scalar(value: string): string {
  return new Document(value).toString({ lineWidth: 0 }).trimEnd();
}

/** Where `seq` sits in its document (map keys and list indexes), found again in a re-parsed copy. */
function pathTo(doc: Document, seq: YAMLSeq): (string | number)[] | undefined {
  const range = seq.range;
  if (!range) return undefined;
  const walk = (node: unknown, path: (string | number)[]): (string | number)[] | undefined => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (typeof key !== 'string') continue;
        const value = pair.value as { range?: [number, number, number] } | null;
        if (value?.range && value.range[0] === range[0]) return [...path, key];
        const found = walk(pair.value, [...path, key]);
        if (found) return found;
      }
    } else if (isSeq(node)) {
      for (const [i, item] of node.items.entries()) {
        const found = walk(item, [...path, i]);
        if (found) return found;
      }
    }
    return undefined;
  };
  return walk(doc.contents, []);
}

/** The front matter text's offsets: the lines between the first two `---` lines. */
function frontMatterRange(source: string): { start: number; end: number } {
  const open = /^\uFEFF?---[ \t]*\r?\n/.exec(source);
  if (!open) throw new AppendError('the guide does not start with front matter');
  const start = open[0].length;
  const close = /^---[ \t]*(?:\r?\n|$)/m.exec(source.slice(start));
  if (!close) throw new AppendError('the guide front matter is not closed');
  return { start, end: start + close.index };
}
