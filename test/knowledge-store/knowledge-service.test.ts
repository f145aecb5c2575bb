/**
 * The knowledge on PostgreSQL: seeded from the folder (same version as the files), draft → review by
 * a second editor → publish through the gate → the engine answers with the new text, in this
 * "process" and in a second KnowledgeService on the same database (NOTIFY); a revision that breaks
 * eval questions is refused with the broken questions named; rollback; scheduled start and end.
 */
import path from 'node:path';
import { parseConfig } from '../../src/config';
import { readQuestionRows } from '../../src/cli/question-rows';
import { loadKnowledge } from '../../src/knowledge/load-knowledge';
import { parseGuide } from '../../src/knowledge/parse-guide';
import { renderGuide } from '../../src/knowledge/render-guide';
import { KnowledgeService } from '../../src/knowledge-store/knowledge-service';
import type { QuestionSet } from '../../src/knowledge-store/publish-gate';
import { getRevision, insertRevision, submitRevision } from '../../src/knowledge-store/revisions';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { testLogger } from '../support/test-server';
import { until } from '../support/until';

const KNOWLEDGE_DIR = path.resolve(__dirname, '../../knowledge');
const KHAI_SINH = 'guides/ho-tich/khai-sinh.md';
let db: TestDatabase;
let sets: QuestionSet[];
const services: KnowledgeService[] = [];

async function open(): Promise<KnowledgeService> {
  const service = await KnowledgeService.open({
    pool: db.pool,
    connectionString: db.connectionString,
    config: parseConfig({}),
    log: testLogger(),
    questionSets: sets,
  });
  services.push(service);
  return service;
}

const feeAnswer = async (s: KnowledgeService) =>
  (await s.engine().ask('khai sinh cho con có mất lệ phí không')).record.answer;

/** A draft by `author`, submitted for review; returns its id. */
async function proposed(
  source: string,
  author = 'alice',
  extra: Partial<Parameters<typeof insertRevision>[1]> = {},
) {
  const id = await insertRevision(db.pool, { path: KHAI_SINH, source, author, ...extra });
  await submitRevision(db.pool, id, author, new Date());
  return id;
}

async function khaiSinh(s: KnowledgeService) {
  const parsed = parseGuide(s.liveSet().files.get(KHAI_SINH)!, KHAI_SINH, 'ho-tich/khai-sinh');
  if (!parsed.ok) throw new Error('live khai-sinh does not parse');
  return parsed.value;
}

beforeAll(async () => {
  db = await createTestDatabase();
  // The gate's questions: dev rows (the same kind of set the server uses, smaller to keep tests quick).
  const rows = await readQuestionRows(path.resolve(__dirname, '../../eval/dev.jsonl'));
  sets = [{ name: 'dev', rows: rows.slice(0, 150) }];
}, 60000);
afterAll(async () => {
  for (const s of services) await s.close();
  await db?.drop();
});

describe('KnowledgeService', () => {
  let a: KnowledgeService;
  let b: KnowledgeService;
  let seedRevision: number;

  it('seeds every file of the folder once and answers with the same knowledge version', async () => {
    a = await open();
    b = await open(); // a second process: seeds nothing new
    const folder = await loadKnowledge(KNOWLEDGE_DIR);
    expect(a.engine().version).toBe(folder.knowledge.version);
    expect(b.engine().version).toBe(folder.knowledge.version);
    const { rows } = await db.pool.query<{ n: string }>('SELECT count(*) n FROM knowledge_revisions');
    expect(Number(rows[0]!.n)).toBe(folder.knowledge.guides.length + 5);
    seedRevision = a.liveSet().revisions.get(KHAI_SINH)!;
    expect(seedRevision).toBeGreaterThan(0);
  });

  it('publishes a reviewed revision that passes the gate, in every process', async () => {
    const guide = await khaiSinh(a);
    guide.facets.fee = 'Khai sinh đúng hạn được miễn lệ phí. MÃ-KIỂM-TRA-LỆ-PHÍ.';
    const id = await proposed(renderGuide(guide));
    await expect(a.approve(id, 'alice')).rejects.toThrow(/second editor/);
    const result = await a.approve(id, 'bob');
    expect(result.published).toBe(true);
    expect(result.gate.sets[0]!.after).toBeGreaterThanOrEqual(result.gate.sets[0]!.before);
    expect(await feeAnswer(a)).toContain('MÃ-KIỂM-TRA-LỆ-PHÍ');
    await until(async () => ((await feeAnswer(b)).includes('MÃ-KIỂM-TRA-LỆ-PHÍ') ? true : undefined));
    const saved = await getRevision(db.pool, id);
    expect(saved.status).toBe('published');
    expect(saved.reviewedBy).toBe('bob');
    const { rows } = await db.pool.query(`SELECT actor FROM audit_log WHERE action = 'knowledge.publish'`);
    expect(rows).toEqual([{ actor: 'bob' }]);
  });

  it('refuses a revision that makes eval questions wrong, and names them', async () => {
    const version = a.engine().version;
    const guide = await khaiSinh(a);
    // The birth-registration guide rewritten as if it were about marriage: its questions go astray.
    guide.title = 'Đăng ký kết hôn';
    guide.aliases = ['kết hôn', 'ket hon', 'đăng ký kết hôn'];
    guide.examples = Array.from({ length: 15 }, (_, i) => `đăng ký kết hôn lần ${i + 1} cần giấy tờ gì`);
    guide.facets.overview = 'Đăng ký kết hôn cho hai người.';
    const id = await proposed(renderGuide(guide));
    const result = await a.approve(id, 'bob');
    expect(result.published).toBe(false);
    expect(result.gate.reasons.join(' ')).toMatch(/giảm/);
    expect(result.gate.broken.length).toBeGreaterThan(0);
    expect(result.gate.broken.some((q) => q.expected.includes('ho-tich/khai-sinh'))).toBe(true);
    expect(a.engine().version).toBe(version);
    const saved = await getRevision(db.pool, id);
    expect(saved.status).toBe('in_review');
    expect((saved.gate as { passed: boolean }).passed).toBe(false);
  });

  it('refuses a revision whose file does not validate', async () => {
    const id = await proposed('---\nid: ho-tich/khai-sinh\ntitle: Thiếu hết\n---\n');
    const result = await a.approve(id, 'bob');
    expect(result.published).toBe(false);
    expect(result.gate.problems.length).toBeGreaterThan(0);
  });

  it('rolls back to the seeded revision', async () => {
    const result = await a.rollback(KHAI_SINH, seedRevision, 'carol');
    expect(result.published).toBe(true);
    expect(await feeAnswer(a)).not.toContain('MÃ-KIỂM-TRA-LỆ-PHÍ');
    await until(async () => ((await feeAnswer(b)).includes('MÃ-KIỂM-TRA-LỆ-PHÍ') ? undefined : true));
    expect(a.engine().version).toBe((await loadKnowledge(KNOWLEDGE_DIR)).knowledge.version);
  });

  it('puts a scheduled revision live at its start and takes it down at its end, on its own', async () => {
    const guide = await khaiSinh(a);
    guide.facets.fee = 'Theo luật mới: MÃ-LUẬT-MỚI.';
    // Far enough ahead that the gate has finished before the start, even on a busy machine.
    const from = new Date(Date.now() + 8000);
    const untilAt = new Date(from.getTime() + 3000);
    const id = await proposed(renderGuide(guide), 'alice', { effectiveFrom: from, effectiveUntil: untilAt });
    const result = await a.approve(id, 'bob');
    expect(result.published).toBe(true);
    expect(await feeAnswer(a)).not.toContain('MÃ-LUẬT-MỚI'); // not yet
    expect(Date.now()).toBeLessThan(from.getTime());
    await until(async () => ((await feeAnswer(b)).includes('MÃ-LUẬT-MỚI') ? true : undefined), 20000);
    expect(Date.now()).toBeGreaterThanOrEqual(from.getTime());
    // At its end the file has no live revision (the newest published one has expired).
    await until(async () => (b.liveSet().files.has(KHAI_SINH) ? undefined : true), 10000);
    expect(b.engine().guide('ho-tich/khai-sinh')).toBeUndefined();
    // Publishing the guide again brings it back.
    const back = await a.rollback(KHAI_SINH, seedRevision, 'carol');
    expect(back.published).toBe(true);
    expect(a.engine().guide('ho-tich/khai-sinh')).toBeDefined();
  }, 60000);
});
