/**
 * Adding questions to a guide's or an out-of-scope topic's examples: only new lines appear (comments,
 * quoting and folded text untouched), values are quoted when YAML needs it, duplicates of existing
 * examples (case and punctuation aside) are skipped, an inline list is edited through the Document API,
 * and a missing topic or list is an error.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import {
  AppendError,
  appendGuideExamples,
  appendTopicExamples,
  outOfScopeTopics,
} from '../../src/knowledge/append-examples';
import { parseGuide } from '../../src/knowledge/parse-guide';
import { validateFile } from '../../src/knowledge-store/validate-file';

const KNOWLEDGE = path.resolve(__dirname, '../../knowledge');
const guide = readFileSync(path.join(KNOWLEDGE, 'guides/ho-tich/khai-sinh.md'), 'utf8');
const outOfScope = readFileSync(path.join(KNOWLEDGE, 'out-of-scope.yaml'), 'utf8');

describe('appending example questions', () => {
  it('adds new lines to a guide, quoting what YAML needs, skipping what is there', () => {
    const tricky = 'con tôi: "sinh" ngày 1/2 # hỏi ở đâu';
    const result = appendGuideExamples(guide, [
      'làm giấy khai sinh cho con ở đâu ạ',
      'LAM GIAY KHAI SINH CHO BE CAN GIAY TO GI???', // an example already, in other case and punctuation
      tricky,
      '   - nhiều   khoảng   trắng  ',
    ]);
    expect(result.added).toEqual(['làm giấy khai sinh cho con ở đâu ạ', tricky, '- nhiều khoảng trắng']);
    expect(result.skipped).toEqual(['LAM GIAY KHAI SINH CHO BE CAN GIAY TO GI???']);
    const parsed = parseGuide(result.source, 'guides/ho-tich/khai-sinh.md', 'ho-tich/khai-sinh');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.value.examples.slice(-3)).toEqual(result.added);
    const before = guide.split('\n');
    const after = result.source.split('\n');
    expect(after.length).toBe(before.length + 3);
    expect(after.filter((l) => !before.includes(l))).toEqual([
      '  - làm giấy khai sinh cho con ở đâu ạ',
      `  - '${tricky}'`,
      '  - "- nhiều khoảng trắng"',
    ]);
  });

  it('adds to one topic of out-of-scope.yaml, the rest of the file untouched', () => {
    expect(outOfScopeTopics(outOfScope)).toEqual(
      expect.arrayContaining([{ id: 'ly-hon', title: 'Ly hôn' }]),
    );
    const result = appendTopicExamples(outOfScope, 'ly-hon', ['ly hôn đơn phương nộp ở tòa nào']);
    expect(validateFile('out-of-scope.yaml', result.source)).toEqual([]);
    const topics = parseDocument(result.source).toJS().topics as { id: string; examples: string[] }[];
    expect(topics.find((t) => t.id === 'ly-hon')!.examples.at(-1)).toBe('ly hôn đơn phương nộp ở tòa nào');
    const lines = result.source.split('\n');
    const added = lines.findIndex((l) => l === '      - ly hôn đơn phương nộp ở tòa nào');
    expect([...lines.slice(0, added), ...lines.slice(added + 1)].join('\n')).toBe(outOfScope);
  });

  it('edits an inline list through the Document API, keeps CRLF line ends', () => {
    const inline = 'topics:\n  - id: a\n    examples: [một, hai] # ví dụ\n';
    const result = appendTopicExamples(inline, 'a', ['ba']);
    expect(parseDocument(result.source).toJS()).toEqual({ topics: [{ id: 'a', examples: ['một', 'hai', 'ba'] }] });
    const crlf = 'topics:\r\n  - id: a\r\n    examples:\r\n      - một # first\r\n    title: A\r\n';
    const spliced = appendTopicExamples(crlf, 'a', ['hai']);
    expect(spliced.source).toBe('topics:\r\n  - id: a\r\n    examples:\r\n      - một # first\r\n      - hai\r\n    title: A\r\n');
  });

  it('refuses a missing topic or list, and adds nothing when everything is there', () => {
    expect(() => appendTopicExamples(outOfScope, 'khong-co', ['x'])).toThrow(AppendError);
    expect(() => appendGuideExamples('no front matter', ['x'])).toThrow(AppendError);
    expect(() => appendGuideExamples('---\nid: a\n---\n', ['x'])).toThrow('no examples list');
    const none = appendTopicExamples(outOfScope, 'ly-hon', ['  ']);
    expect(none).toEqual({ source: outOfScope, added: [], skipped: ['  '] });
  });
});
