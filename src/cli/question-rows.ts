/**
 * Question rows of ../shared/contracts.md (§2 for `ask --batch`, §4 for eval sets), read from JSONL
 * with a clear error naming the line at fault.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { FACETS } from '../knowledge/schema';

const INTENTS = ['procedure', 'greeting', 'thanks', 'goodbye', 'handoff_request', 'out_of_scope'] as const;

export const questionRowSchema = z.object({
  id: z.coerce.string(),
  text: z.string(),
  conversation: z.coerce.string().optional(),
  channel: z.string().optional(),
  lang: z.string().optional(),
  expect: z
    .object({
      intent: z.enum(INTENTS),
      procedures: z.array(z.string()).optional(),
      facet: z.enum(FACETS).optional(),
      alt_intents: z.array(z.enum(INTENTS)).optional(),
    })
    .optional(),
});
export type QuestionRow = z.infer<typeof questionRowSchema>;

export async function readQuestionRows(file: string): Promise<QuestionRow[]> {
  const text = await readFile(file, 'utf8');
  const rows: QuestionRow[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new Error(`${file}:${i + 1}: not valid JSON`);
    }
    const parsed = questionRowSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${file}:${i + 1}: ${issue?.path.join('.') || 'row'}: ${issue?.message ?? 'invalid'}`);
    }
    rows.push(parsed.data);
  });
  return rows;
}
