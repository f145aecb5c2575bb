/**
 * `npm run --silent kb -- import-tthc FILE.json --id <catalogue id> [--out FILE.md] [--force]`: drafts a
 * guide from a record of the National Database of Administrative Procedures (src/knowledge/tthc-import.ts).
 * Without --out the Markdown goes to stdout; the editor's notes (missing sections, what to check) go
 * to stderr. Bad usage, bad JSON or a record of another shape: a message naming the field, exit 2.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { guideFrontMatterSchema } from '../knowledge/schema';
import { draftGuideFromTthc, renderTthcDraft } from '../knowledge/tthc-import';
import { tthcRecordSchema } from '../knowledge/tthc-record';

const USAGE =
  'usage: npm run --silent kb -- import-tthc FILE.json --id <family/name> [--out FILE.md] [--force]';

export interface ImportIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** The review date written into the draft (today). */
  today: () => Date;
}

const processIo: ImportIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  today: () => new Date(),
};

/** Returns the exit code: 0 written, 2 bad usage or input. */
export async function importTthcCommand(args: string[], io: ImportIo = processIo): Promise<number> {
  const fail = (message: string) => {
    io.stderr(`${message}\n`);
    return 2;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { id: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' } },
    });
  } catch (err) {
    return fail(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) return fail(USAGE);
  if (!values.id) return fail(`--id is required (the catalogue id, e.g. ho-tich/khai-sinh)\n${USAGE}`);
  const id = guideFrontMatterSchema.shape.id.safeParse(values.id);
  if (!id.success) return fail(`--id "${values.id}": ${id.error.issues[0]?.message ?? 'invalid'}`);

  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    return fail(`${file}: not readable as JSON: ${reason}`);
  }
  const record = tthcRecordSchema.safeParse(json);
  if (!record.success) {
    const problems = record.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    return fail(`${file}: not a record of the national procedure database:\n${problems.join('\n')}`);
  }

  const draft = draftGuideFromTthc(record.data, { id: id.data, reviewed: localDate(io.today()) });
  const markdown = renderTthcDraft(draft);
  if (values.out) {
    if (existsSync(values.out) && !values.force)
      return fail(`${values.out} exists; pass --force to replace it`);
    await mkdir(path.dirname(values.out), { recursive: true });
    await writeFile(values.out, markdown);
    if (!values.out.split(path.sep).join('/').endsWith(`${id.data}.md`))
      io.stderr(`note: a guide's file must be guides/${id.data}.md for the loader to accept its id\n`);
    io.stderr(`draft of ${draft.procedureCode} written to ${values.out}\n`);
  } else {
    io.stdout(markdown);
  }
  for (const note of draft.notes) io.stderr(`- ${note}\n`);
  if (draft.missing.length > 0)
    io.stderr(`${draft.missing.length} required section(s) to write before "kb check" accepts the guide\n`);
  return 0;
}

/** YYYY-MM-DD in the machine's time zone. */
function localDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
