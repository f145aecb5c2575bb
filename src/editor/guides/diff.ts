/**
 * A line diff between two revisions' texts, with jsdiff (the `diff` package: a well-kept Myers diff;
 * hand-writing one well is not this project's job). Parts are kept as runs of added / removed /
 * unchanged lines; long unchanged runs are folded to their edges so the editor sees the changes.
 */
import { diffLines } from 'diff';

export interface DiffPart {
  kind: 'same' | 'added' | 'removed' | 'folded';
  text: string;
}

const CONTEXT = 3;

export function lineDiff(
  before: string,
  after: string,
): { parts: DiffPart[]; added: number; removed: number } {
  const parts: DiffPart[] = [];
  let added = 0;
  let removed = 0;
  for (const change of diffLines(before, after)) {
    if (change.added) {
      added += change.count ?? 0;
      parts.push({ kind: 'added', text: change.value });
    } else if (change.removed) {
      removed += change.count ?? 0;
      parts.push({ kind: 'removed', text: change.value });
    } else {
      const lines = change.value.split('\n');
      if (lines.at(-1) === '') lines.pop();
      if (lines.length <= CONTEXT * 2 + 1) parts.push({ kind: 'same', text: change.value });
      else {
        parts.push({ kind: 'same', text: lines.slice(0, CONTEXT).join('\n') + '\n' });
        parts.push({ kind: 'folded', text: `… ${lines.length - CONTEXT * 2} dòng không đổi …\n` });
        parts.push({ kind: 'same', text: lines.slice(-CONTEXT).join('\n') + '\n' });
      }
    }
  }
  return { parts, added, removed };
}
