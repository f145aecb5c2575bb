/**
 * The published knowledge leaves the database the two ways a deployment needs: `kb export` (the JSON
 * of contracts §2) reads what editors published when DATABASE_URL is set, and `kb export-files --out`
 * writes the live files as a knowledge folder that loads to the same version (git-friendly review).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadKnowledge } from '../../src/knowledge/load-knowledge';
import { parseGuide } from '../../src/knowledge/parse-guide';
import { renderGuide } from '../../src/knowledge/render-guide';
import type { KnowledgeService } from '../../src/knowledge-store/knowledge-service';
import { insertRevision, submitRevision } from '../../src/knowledge-store/revisions';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { openTestKnowledge } from '../support/knowledge-store';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const PATH = 'guides/ho-tich/khai-tu.md';
let db: TestDatabase;
let knowledge: KnowledgeService;

beforeAll(async () => {
  db = await createTestDatabase();
  knowledge = await openTestKnowledge(db);
  const parsed = parseGuide(knowledge.liveSet().files.get(PATH)!, PATH, 'ho-tich/khai-tu');
  if (!parsed.ok) throw new Error('khai-tu does not parse');
  parsed.value.facets.fee = 'Đăng ký khai tử đúng hạn được miễn lệ phí. ĐÃ-XUẤT-BẢN-TRONG-CSDL.';
  const id = await insertRevision(db.pool, {
    path: PATH,
    source: renderGuide(parsed.value),
    author: 'alice',
  });
  await submitRevision(db.pool, id, 'alice', new Date());
  expect((await knowledge.approve(id, 'bob')).published).toBe(true);
}, 90000);
afterAll(async () => {
  await knowledge?.close();
  await db?.drop();
});

const env = () => ({
  ...process.env,
  LOG_LEVEL: 'warn',
  NODE_OPTIONS: '',
  DATABASE_URL: db.connectionString,
});

describe('kb export from the database', () => {
  it('exports the published knowledge as JSON', async () => {
    const { stdout } = await run(TSX, [path.join(ROOT, 'src/cli/kb.ts'), 'export'], {
      cwd: ROOT,
      env: env(),
    });
    const kb = JSON.parse(stdout);
    expect(kb.version).toBe(knowledge.engine().version);
    const khaiTu = kb.guides.find((g: { id: string }) => g.id === 'ho-tich/khai-tu');
    expect(khaiTu.facets.fee).toContain('ĐÃ-XUẤT-BẢN-TRONG-CSDL');
  }, 60000);

  it('writes the live files as a knowledge folder that loads to the same version', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'tltp-export-'));
    try {
      await run(TSX, [path.join(ROOT, 'src/cli/kb.ts'), 'export-files', '--out', out], {
        cwd: ROOT,
        env: env(),
      });
      expect(await readFile(path.join(out, PATH), 'utf8')).toContain('ĐÃ-XUẤT-BẢN-TRONG-CSDL');
      const { knowledge: loaded, problems } = await loadKnowledge(out);
      expect(problems).toEqual([]);
      expect(loaded.version).toBe(knowledge.engine().version);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 60000);

  it('says clearly when export-files has no database or no --out', async () => {
    const noOut = run(TSX, [path.join(ROOT, 'src/cli/kb.ts'), 'export-files'], { cwd: ROOT, env: env() });
    await expect(noOut).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--out') });
  }, 60000);
});
