import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const env = { ...process.env, LOG_LEVEL: 'warn', NODE_OPTIONS: '', DATABASE_URL: '' };

const cli = (script: string, args: string[]) =>
  run(TSX, [path.join(ROOT, 'src', 'cli', script), ...args], { cwd: ROOT, env });
const tmp = (name: string, content: string) => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'cli-')), name);
  writeFileSync(file, content);
  return file;
};

const CONTRACT_KEYS = [
  'id',
  'intent',
  'procedure',
  'facet',
  'confidence',
  'clarify',
  'handoff',
  'alternatives',
  'answer',
];

describe('command line (contracts §2)', () => {
  it('npm run ask -- --json prints one answer record', async () => {
    const { stdout } = await run(
      'npm',
      ['run', '--silent', 'ask', '--', '--json', 'đăng ký kết hôn cần giấy tờ gì'],
      { cwd: ROOT, env },
    );
    const record = JSON.parse(stdout);
    expect(record).toMatchObject({ intent: 'procedure', procedure: 'ho-tich/ket-hon', facet: 'documents' });
    for (const key of CONTRACT_KEYS.slice(1)) expect(record).toHaveProperty(key);
  });

  it('prints the answer as a citizen reads it', async () => {
    const { stdout } = await cli('ask.ts', ['lệ phí đăng ký khai sinh']);
    expect(stdout).toContain('Đăng ký khai sinh');
    expect(stdout).toContain('[Gặp cán bộ]');
    expect(stdout).not.toContain('{');
  });

  it('--batch writes one JSONL record per row, in order, conversations keeping context, nothing else on stdout', async () => {
    const rows = [
      { id: 'a1', text: 'đăng ký khai tử cho bố', conversation: 'c1' },
      { id: 'b1', text: 'xin chào' },
      { id: 'a2', text: 'còn lệ phí thì sao?', conversation: 'c1' },
      { id: 'c2', text: 'còn lệ phí thì sao?' },
      { id: 'a3', text: 'làm ở đâu', conversation: 'c1', channel: 'webchat' },
    ];
    const file = tmp('rows.jsonl', rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const { stdout } = await run('npm', ['run', '--silent', 'ask', '--', '--batch', file], {
      cwd: ROOT,
      env,
    });
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(rows.length);
    const records = lines.map((l) => JSON.parse(l));
    expect(records.map((r) => r.id)).toEqual(rows.map((r) => r.id));
    for (const r of records) for (const key of CONTRACT_KEYS) expect(r).toHaveProperty(key);
    expect(records[0]).toMatchObject({ procedure: 'ho-tich/khai-tu' });
    expect(records[1]).toMatchObject({ intent: 'greeting' });
    expect(records[2]).toMatchObject({ procedure: 'ho-tich/khai-tu', facet: 'fee' });
    expect(records[3].procedure).not.toBe('ho-tich/khai-tu');
    expect(records[4]).toMatchObject({ procedure: 'ho-tich/khai-tu', facet: 'authority' });
  });

  it('--batch refuses a bad row with its line and writes nothing on stdout', async () => {
    const file = tmp('bad.jsonl', '{"id":"x","text":"chào"}\n{"id": "y", "text": \n');
    const failed = await cli('ask.ts', ['--batch', file]).then(
      () => undefined,
      (err: { code: number; stdout: string; stderr: string }) => err,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toBe('');
    expect(failed?.stderr).toMatch(/bad\.jsonl:2: not valid JSON/);
    expect(failed?.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('kb export prints the whole knowledge in the contract shape, covering the catalogue', async () => {
    const { stdout } = await run('npm', ['run', '--silent', 'kb', '--', 'export'], { cwd: ROOT, env });
    const kb = JSON.parse(stdout);
    expect(kb.version).toMatch(/^[0-9a-f]{12}$/);
    const catalogue = parse(readFileSync(path.join(ROOT, 'knowledge', 'catalogue.yaml'), 'utf8')) as {
      procedures: { id: string }[];
    };
    expect(kb.guides.map((g: { id: string }) => g.id).sort()).toEqual(
      expect.arrayContaining(catalogue.procedures.map((p) => p.id).sort()),
    );
    for (const g of kb.guides) {
      expect(Object.keys(g)).toEqual(
        expect.arrayContaining(['id', 'title', 'aliases', 'examples', 'facets', 'sources', 'reviewed']),
      );
      expect(g.reviewed).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(g.examples.length).toBeGreaterThanOrEqual(15);
      expect(g.sources.length).toBeGreaterThanOrEqual(1);
    }
    expect(kb.intents.map((i: { intent: string }) => i.intent).sort()).toEqual(
      ['goodbye', 'greeting', 'handoff_request', 'out_of_scope', 'thanks'].sort(),
    );
  });

  it('eval scores a set and writes a report and the errors', async () => {
    const { stdout } = await cli('eval.ts', ['--set', path.join(ROOT, 'eval', 'samples.jsonl')]);
    expect(stdout).toMatch(/procedure top-1 +\d+\.\d%/);
    expect(stdout).toMatch(/out-of-scope recall/);
    const report = JSON.parse(
      readFileSync(path.join(ROOT, 'artifacts', 'eval', 'samples.report.json'), 'utf8'),
    );
    expect(report.rows).toBe(35);
    expect(existsSync(path.join(ROOT, 'artifacts', 'eval', 'samples.errors.jsonl'))).toBe(true);
  });
});
