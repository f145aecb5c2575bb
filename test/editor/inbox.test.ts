/**
 * The editor's inbox of unanswered questions on the real server and PostgreSQL. Transcripts are seeded
 * (fallbacks, a clarification, out-of-scope referrals, a low-confidence answer, 👎 ratings linked and
 * unlinked, and what must stay out: good answers, 👍, small talk, an explicit request for an officer,
 * an old message). Checked: roles; the two spellings of the birth question in one group with counts,
 * channels, reasons and the bot's answer; a phone number masked; deterministic grouping; attaching a
 * group makes a draft revision of the guide with the questions in `examples` (deduplicated) while the
 * live knowledge stays as it was until a second editor publishes it; out of scope makes a draft of
 * out-of-scope.yaml that validates, comments kept; a dismissed group is gone and can be reopened;
 * audit rows; bad input. Also the pure parts: the normaliser agrees with the engine's analyser, and
 * grouping does not depend on input order.
 */
import { parseDocument } from 'yaml';
import { createUser } from '../../src/auth/users';
import { Analyzer } from '../../src/engine/text/analyzer';
import { compileLexicon } from '../../src/engine/text/lexicon';
import { groupKeys, signatureOf } from '../../src/editor/inbox/grouping';
import { buildNormaliser } from '../../src/editor/inbox/normalise';
import { resolveGroup } from '../../src/editor/inbox/resolutions';
import { loadKnowledge } from '../../src/knowledge/load-knowledge';
import { parseGuide } from '../../src/knowledge/parse-guide';
import type { KnowledgeService } from '../../src/knowledge-store/knowledge-service';
import { getRevision, RevisionError } from '../../src/knowledge-store/revisions';
import type { RunningServer } from '../../src/server/start-server';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { openTestKnowledge } from '../support/knowledge-store';
import { OfficerSession, type Json } from '../support/officer-session';
import { seedConversation, seedThumbs } from '../support/seed-messages';
import { IN_OPENING_HOURS, startTestServer } from '../support/test-server';

const PASSWORD = 'mat-khau-rat-dai';
const GUIDE = 'guides/ho-tich/khai-sinh.md';
const BIRTH_PLAIN = 'lam giay khai sinh cho con o dau';
const BIRTH_ACCENTED = 'làm giấy khai sinh cho con ở đâu ạ';
const PHONE_QUESTION = 'con tôi sinh ở bệnh viện tỉnh, cán bộ gọi lại cho tôi số 0912345678 nhé';
const DIVORCE = 'ly hôn đơn phương thì nộp đơn ở đâu';
const HOURS = 3_600_000;
const before = (hours: number) => new Date(IN_OPENING_HOURS.getTime() - hours * HOURS);

let db: TestDatabase;
let knowledge: KnowledgeService;
let running: RunningServer;
let alice: OfficerSession;
let bob: OfficerSession;

beforeAll(async () => {
  db = await createTestDatabase();
  knowledge = await openTestKnowledge(db, { rows: 30 });
  running = await startTestServer({}, { database: db, knowledge });
  for (const [username, roles] of [
    ['alice', ['editor']],
    ['bob', ['editor']],
    ['canbo', ['agent']],
  ] as const)
    await createUser(db.pool, { username, password: PASSWORD, roles: [...roles] });
  alice = await OfficerSession.login(running.url, 'alice', PASSWORD);
  bob = await OfficerSession.login(running.url, 'bob', PASSWORD);
  await seed();
}, 120_000);
afterAll(async () => {
  await running?.close();
  await knowledge?.close();
  await db?.drop();
});

async function seed(): Promise<void> {
  const pool = db.pool;
  await seedConversation(pool, 'zalo:u1', 'zalo', [
    { question: BIRTH_PLAIN, decision: 'fallback', at: before(30) },
    { question: 'cho tôi gặp cán bộ', decision: 'handoff', intent: 'handoff_request', at: before(29) },
  ]);
  await seedConversation(pool, 'directline:c1', 'directline', [
    { question: BIRTH_ACCENTED, decision: 'fallback', at: before(20) },
    { question: 'cảm ơn', decision: 'small_talk', intent: 'thanks', confidence: 0.95, at: before(19) },
  ]);
  await seedConversation(pool, 'twilio:CA1', 'twilio', [
    {
      question: 'Làm giấy khai sinh cho con ở đâu?',
      decision: 'answer',
      confidence: 0.31,
      procedure: 'ho-tich/khai-sinh',
      answer: 'Đăng ký khai sinh: nộp tại UBND cấp xã nơi cư trú của cha hoặc mẹ.',
      at: before(10),
    },
  ]);
  await seedConversation(pool, 'zalo:u2', 'zalo', [
    { question: PHONE_QUESTION, decision: 'fallback', at: before(9) },
    { question: '???', decision: 'fallback', at: before(8) },
  ]);
  await seedConversation(pool, 'directline:c2', 'directline', [
    { question: DIVORCE, decision: 'referral', at: before(7) },
    { question: 'đăng ký cho con', decision: 'clarify', at: before(6) },
  ]);
  await seedConversation(pool, 'twilio-sms:s1', 'twilio-sms', [
    { question: 'ly hôn đơn phương nộp đơn ở đâu vậy', decision: 'referral', at: before(5) },
  ]);
  const [[, feeAnswer]] = (await seedConversation(pool, 'directline:c3', 'directline', [
    {
      question: 'lệ phí đăng ký kết hôn hết bao nhiêu',
      decision: 'answer',
      procedure: 'ho-tich/ket-hon',
      at: before(4),
    },
  ])) as [[number, number]];
  await seedThumbs(pool, 'directline:c3', feeAnswer, -1, before(3.9));
  await seedConversation(pool, 'zalo:u3', 'zalo', [
    {
      question: 'cấp lại trích lục kết hôn mất mấy ngày',
      decision: 'answer',
      procedure: 'ho-tich/trich-luc',
      at: before(3),
    },
  ]);
  await seedThumbs(pool, 'zalo:u3', null, -1, before(2.9)); // not linked: the last answer before it
  const [[, goodAnswer]] = (await seedConversation(pool, 'zalo:u4', 'zalo', [
    {
      question: 'xin lý lịch tư pháp số 1 ở đâu',
      decision: 'answer',
      procedure: 'ly-lich-tu-phap/cap-phieu',
      at: before(2),
    },
  ])) as [[number, number]];
  await seedThumbs(pool, 'zalo:u4', goodAnswer, 1, before(1.9));
  await seedConversation(pool, 'zalo:old', 'zalo', [
    { question: 'khai tử cho bà ngoại mất từ năm ngoái', decision: 'fallback', at: before(24 * 60) },
  ]);
}

const allText = (body: Json) => JSON.stringify(body);
const groupWith = (body: Json, question: string): Json =>
  body.groups.find((g: Json) => g.questions.some((q: Json) => q.text === question));

describe('inbox of unanswered questions', () => {
  it('is for editors only', async () => {
    const anonymous = await fetch(`${running.url}/editor/api/inbox`);
    expect(anonymous.status).toBe(401);
    const agent = await OfficerSession.login(running.url, 'canbo', PASSWORD);
    expect((await agent.request('GET', '/editor/api/inbox')).status).toBe(403);
    const page = await fetch(`${running.url}/editor/inbox`, { headers: { cookie: alice.cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<script src="/editor/assets/inbox.js"></script>');
    expect(html).toContain('Câu hỏi chưa trả lời được');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const script = await fetch(`${running.url}/editor/assets/inbox.js`);
    expect(script.status).toBe(200);
  });

  it('groups both spellings of a question, with counts, channels, reasons and what the bot answered', async () => {
    const body = await alice.json('GET', '/editor/api/inbox');
    expect(body).toMatchObject({ from: '2026-11-03', to: '2026-12-02' });
    const birth = groupWith(body, BIRTH_PLAIN);
    expect(birth).toBeDefined();
    expect(birth).toBe(groupWith(body, BIRTH_ACCENTED));
    expect(birth).toMatchObject({
      count: 3,
      conversations: 3,
      channels: { zalo: 1, directline: 1, twilio: 1 },
      reasons: { fallback: 2, low_confidence: 1 },
      suggested: { path: GUIDE, title: 'Đăng ký khai sinh' },
      lastSeen: before(10).toISOString(),
    });
    expect(birth.signature).toMatch(/^[0-9a-f]{16}$/);
    expect(birth.samples).toEqual(
      expect.arrayContaining([BIRTH_PLAIN, BIRTH_ACCENTED, 'Làm giấy khai sinh cho con ở đâu?']),
    );
    expect(birth.answers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ decision: 'fallback', count: 2 }),
        expect.objectContaining({
          decision: 'answer',
          procedure: 'ho-tich/khai-sinh',
          title: 'Đăng ký khai sinh',
          count: 1,
          text: expect.stringContaining('UBND cấp xã'),
        }),
      ]),
    );
    expect(birth.keys).toBeUndefined();
    const divorce = groupWith(body, DIVORCE);
    expect(divorce).toMatchObject({
      count: 2,
      reasons: { referral: 2 },
      channels: { directline: 1, 'twilio-sms': 1 },
    });
    expect(body.groups[0]).toBe(birth); // largest first
  });

  it('counts 👎 ratings, linked to the answer or found by time, and leaves out what was answered', async () => {
    const body = await alice.json('GET', '/editor/api/inbox');
    expect(groupWith(body, 'lệ phí đăng ký kết hôn hết bao nhiêu')).toMatchObject({
      count: 1,
      reasons: { thumbs_down: 1 },
      answers: [expect.objectContaining({ decision: 'answer', procedure: 'ho-tich/ket-hon' })],
    });
    expect(groupWith(body, 'cấp lại trích lục kết hôn mất mấy ngày')).toMatchObject({
      reasons: { thumbs_down: 1 },
    });
    expect(groupWith(body, 'đăng ký cho con')).toMatchObject({ reasons: { clarify: 1 } });
    const text = allText(body);
    for (const absent of [
      'cho tôi gặp cán bộ',
      'cảm ơn',
      'xin lý lịch tư pháp số 1 ở đâu',
      'khai tử cho bà ngoại',
    ])
      expect(text).not.toContain(absent);
    expect(body.ungrouped).toBe(1); // '???'
    expect(body.messages).toBe(10);
    // A wider range brings the old message back.
    const wide = await alice.json('GET', '/editor/api/inbox?from=2026-09-01&to=2026-12-02');
    expect(allText(wide)).toContain('khai tử cho bà ngoại');
  });

  it('masks personal data in every group', async () => {
    const body = await alice.json('GET', '/editor/api/inbox');
    const text = allText(body);
    expect(text).not.toContain('0912345678');
    expect(
      groupWith(body, 'con tôi sinh ở bệnh viện tỉnh, cán bộ gọi lại cho tôi số ***78 nhé'),
    ).toBeDefined();
  });

  it('groups the same way every time', async () => {
    const a = await alice.json('GET', '/editor/api/inbox');
    const b = await bob.json('GET', '/editor/api/inbox');
    expect(b).toEqual(a);
  });

  it('refuses bad input', async () => {
    const body = await alice.json('GET', '/editor/api/inbox');
    const birth = groupWith(body, BIRTH_PLAIN);
    const attach = `/editor/api/inbox/groups/${birth.signature}/attach`;
    await alice.json('GET', '/editor/api/inbox?from=2026-13-01', undefined, 400);
    await alice.json('GET', '/editor/api/inbox?from=2026-12-05&to=2026-12-01', undefined, 400);
    await alice.json(
      'POST',
      '/editor/api/inbox/groups/nothex/attach',
      { path: GUIDE, questions: ['x'] },
      400,
    );
    await alice.json('POST', attach, { path: 'lexicon.yaml', questions: [BIRTH_PLAIN] }, 400);
    await alice.json('POST', attach, { path: GUIDE, questions: [] }, 400);
    const notInGroup = await alice.json(
      'POST',
      attach,
      { path: GUIDE, questions: ['một câu khác hẳn'] },
      400,
    );
    expect(notInGroup.error).toContain('not a question of this group');
    await alice.json('POST', attach, { path: 'guides/ho-tich/khong-co.md', questions: [BIRTH_PLAIN] }, 404);
    await alice.json('POST', '/editor/api/inbox/groups/0123456789abcdef/dismiss', {}, 404);
    await alice.json(
      'POST',
      `/editor/api/inbox/groups/${birth.signature}/out-of-scope`,
      { topic: 'khong-co', questions: [BIRTH_PLAIN] },
      400,
    );
    const noCsrf = await alice.request('POST', attach, { path: GUIDE, questions: [BIRTH_PLAIN] }, false);
    expect(noCsrf.status).toBe(403);
    const res = await alice.request('POST', attach, undefined);
    expect(res.status).toBe(400);
    expect(await res.text()).not.toMatch(/at \w+ \(/); // no stack trace
  });

  it('attaches a group to a guide as a draft; the live guide changes only once published', async () => {
    const liveBefore = knowledge.liveSet().files.get(GUIDE)!;
    const versionBefore = knowledge.engine().version;
    const body = await alice.json('GET', '/editor/api/inbox');
    const birth = groupWith(body, BIRTH_PLAIN);
    const created = await alice.json(
      'POST',
      `/editor/api/inbox/groups/${birth.signature}/attach`,
      { path: GUIDE, questions: [BIRTH_PLAIN, BIRTH_ACCENTED, BIRTH_PLAIN] },
      201,
    );
    expect(created).toMatchObject({
      path: GUIDE,
      added: [BIRTH_PLAIN, BIRTH_ACCENTED],
      skipped: [BIRTH_PLAIN],
      problems: [],
      url: `/editor/edit?path=${encodeURIComponent(GUIDE)}&revision=${created.revision}`,
    });
    const draft = await getRevision(db.pool, created.revision);
    expect(draft).toMatchObject({ status: 'draft', author: 'alice', path: GUIDE });
    const parsed = parseGuide(draft.source, GUIDE, 'ho-tich/khai-sinh');
    if (!parsed.ok) throw new Error('the draft does not parse');
    expect(parsed.value.examples.slice(-2)).toEqual([BIRTH_PLAIN, BIRTH_ACCENTED]);
    // Only the two lines were added: the rest of the file is byte for byte the same.
    const added = `  - ${BIRTH_PLAIN}\n  - ${BIRTH_ACCENTED}\n`;
    expect(draft.source).toContain(added);
    expect(draft.source.replace(added, '')).toBe(liveBefore);
    // Live knowledge unchanged.
    expect(knowledge.liveSet().files.get(GUIDE)).toBe(liveBefore);
    expect(knowledge.engine().version).toBe(versionBefore);
    // The group has left the inbox and is listed as handled.
    const after = await alice.json('GET', '/editor/api/inbox');
    expect(groupWith(after, BIRTH_PLAIN)).toBeUndefined();
    expect(groupWith(after, 'Làm giấy khai sinh cho con ở đâu?')).toBeUndefined();
    const { resolutions } = await alice.json('GET', '/editor/api/inbox/resolved');
    expect(resolutions[0]).toMatchObject({
      signature: birth.signature,
      state: 'attached',
      target: GUIDE,
      revisionId: created.revision,
      actor: 'alice',
      messages: 3,
    });
    // Attaching it again: it is not in the inbox any more.
    await alice.json(
      'POST',
      `/editor/api/inbox/groups/${birth.signature}/attach`,
      { path: GUIDE, questions: [BIRTH_PLAIN] },
      404,
    );
    const { rows } = await db.pool.query(
      `SELECT actor, action, subject, details FROM audit_log WHERE action IN ('inbox.attach', 'knowledge.draft') ORDER BY id`,
    );
    expect(rows).toEqual([
      { actor: 'alice', action: 'knowledge.draft', subject: GUIDE, details: { revision: created.revision } },
      {
        actor: 'alice',
        action: 'inbox.attach',
        subject: GUIDE,
        details: { signature: birth.signature, revision: created.revision, questions: 2, messages: 3 },
      },
    ]);
    // Review and publishing as usual: then the live guide has the questions.
    await alice.json('POST', `/editor/api/revisions/${created.revision}/submit`);
    const published = await bob.json('POST', `/editor/api/revisions/${created.revision}/approve`);
    expect(published.published).toBe(true);
    expect(knowledge.liveSet().files.get(GUIDE)).toContain(`  - ${BIRTH_ACCENTED}`);
  }, 120_000);

  it('sends a group out of scope as a draft of out-of-scope.yaml that validates, comments kept', async () => {
    const live = knowledge.liveSet().files.get('out-of-scope.yaml')!;
    const targets = await alice.json('GET', '/editor/api/inbox/targets');
    expect(targets.topics).toEqual(expect.arrayContaining([{ id: 'ly-hon', title: expect.any(String) }]));
    expect(targets.guides).toEqual(expect.arrayContaining([{ path: GUIDE, title: 'Đăng ký khai sinh' }]));
    const body = await alice.json('GET', '/editor/api/inbox');
    const divorce = groupWith(body, DIVORCE);
    const created = await alice.json(
      'POST',
      `/editor/api/inbox/groups/${divorce.signature}/out-of-scope`,
      {
        topic: 'ly-hon',
        questions: [DIVORCE, 'ly hôn đơn phương nộp đơn ở đâu vậy'],
        note: 'Ly hôn hỏi nhiều',
      },
      201,
    );
    expect(created).toMatchObject({ path: 'out-of-scope.yaml', problems: [] });
    const draft = await getRevision(db.pool, created.revision);
    expect(draft).toMatchObject({ status: 'draft', note: 'Ly hôn hỏi nhiều' });
    expect(knowledge.validate('out-of-scope.yaml', draft.source)).toEqual([]);
    expect(draft.source.split('\n').slice(0, 2)).toEqual(live.split('\n').slice(0, 2)); // the comments
    const topics = parseDocument(draft.source).toJS().topics as { id: string; examples: string[] }[];
    expect(topics.find((t) => t.id === 'ly-hon')!.examples.slice(-2)).toEqual([
      DIVORCE,
      'ly hôn đơn phương nộp đơn ở đâu vậy',
    ]);
    expect(knowledge.liveSet().files.get('out-of-scope.yaml')).toBe(live);
    const after = await alice.json('GET', '/editor/api/inbox');
    expect(groupWith(after, DIVORCE)).toBeUndefined();
  });

  it('dismisses a group for good, and reopens it', async () => {
    const body = await alice.json('GET', '/editor/api/inbox');
    const clarify = groupWith(body, 'đăng ký cho con');
    expect(await alice.json('POST', `/editor/api/inbox/groups/${clarify.signature}/dismiss`, {})).toEqual({
      signature: clarify.signature,
      state: 'dismissed',
    });
    expect(groupWith(await alice.json('GET', '/editor/api/inbox'), 'đăng ký cho con')).toBeUndefined();
    // Asked again later: the question stays out.
    await seedConversation(db.pool, 'zalo:u5', 'zalo', [
      { question: 'Đăng ký cho con!', decision: 'clarify', at: before(1) },
    ]);
    expect(groupWith(await alice.json('GET', '/editor/api/inbox'), 'Đăng ký cho con!')).toBeUndefined();
    const { rows } = await db.pool.query(
      `SELECT actor, details FROM audit_log WHERE action = 'inbox.dismiss'`,
    );
    expect(rows).toEqual([{ actor: 'alice', details: { signature: clarify.signature, messages: 1 } }]);
    await alice.json('POST', `/editor/api/inbox/resolved/${clarify.signature}/reopen`);
    const reopened = groupWith(await alice.json('GET', '/editor/api/inbox'), 'đăng ký cho con');
    expect(reopened).toMatchObject({ count: 2 });
    await alice.json('POST', `/editor/api/inbox/resolved/${clarify.signature}/reopen`, undefined, 404);
  });

  it('lets only one editor resolve a group', async () => {
    const signature = signatureOf('only once');
    const resolution = {
      signature,
      state: 'dismissed' as const,
      target: null,
      revisionId: null,
      actor: 'alice',
      messages: 1,
      sample: 'only once',
      keys: ['only once'],
    };
    await resolveGroup(db.pool, resolution, new Date());
    const second = resolveGroup(db.pool, { ...resolution, actor: 'bob' }, new Date());
    await expect(second).rejects.toBeInstanceOf(RevisionError);
    await expect(second).rejects.toMatchObject({ code: 'conflict' });
  });
});

describe('normalising and grouping', () => {
  it("normalises as the engine's analyser does: its content syllables, as a sorted set", async () => {
    const { knowledge: shipped } = await loadKnowledge('knowledge');
    const names = shipped.guides.flatMap((g) => [g.title, ...g.aliases]);
    const analyzer = new Analyzer(compileLexicon(shipped.lexicon, names));
    const normaliser = buildNormaliser(knowledge.liveSet().files, knowledge.engine());
    const texts = [
      BIRTH_PLAIN,
      BIRTH_ACCENTED,
      'gks cho con lần đầu thì nộp ở ubnd xã hay trung tâm hành chính công',
      'dk khai sinh qua han o nghe an het bn tien',
      'Lệ phí cấp phiếu LLTP số 2 là bao nhiêu vậy ad???',
      'I lost my ID card, where do I get a new one',
    ];
    for (const text of texts)
      expect(normaliser.key(text)).toBe([...new Set(analyzer.analyze(text).content)].sort().join(' '));
    expect(normaliser.key(BIRTH_PLAIN)).toBe(normaliser.key(BIRTH_ACCENTED));
    expect(normaliser.key('dk khai sinh')).toBe(normaliser.key('đăng ký khai sinh'));
    expect(normaliser.key('??? 0912')).toBe('');
  });

  it('groups by Jaccard similarity, largest first, whatever the input order', () => {
    const counts: [string, number][] = [
      ['con dau giay khai lam sinh', 5],
      ['con dau giay khai sinh', 2],
      ['khai sinh', 1],
      ['khai tu', 3],
      ['ba khai ngoai tu', 1],
      ['hon ket le phi', 2],
      ['hon ket nhieu phi', 1],
    ];
    const a = groupKeys(new Map(counts));
    const b = groupKeys(new Map([...counts].reverse()));
    expect(b).toEqual(a);
    expect(a.map((g) => g.keys)).toEqual([
      ['con dau giay khai lam sinh', 'con dau giay khai sinh'],
      ['khai tu'],
      ['hon ket le phi', 'hon ket nhieu phi'],
      ['ba khai ngoai tu'],
      ['khai sinh'],
    ]);
    expect(a[0]!.signature).toBe(signatureOf('con dau giay khai lam sinh'));
  });
});
