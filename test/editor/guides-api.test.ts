/**
 * The editor's guides API on the real server and PostgreSQL: roles, search, live validation with the
 * loader's schema, draft → review by a second editor → publish through the gate → /api/ask answers
 * with the new text; a publish that breaks eval questions is refused (422, the questions named);
 * diff; rollback; bad input. Then publishing under load: /api/ask keeps answering 200 while two
 * publishes swap the engine.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createUser } from '../../src/auth/users';
import { OfficerSession, type Json } from '../support/officer-session';
import { serverWithDatabase } from '../support/server-with-database';

const PATH = 'guides/ho-tich/khai-sinh.md';
const PASSWORD = 'mat-khau-rat-dai';
const server = serverWithDatabase({ knowledge: true });
let alice: OfficerSession;
let bob: OfficerSession;

beforeAll(async () => {
  const { db, running } = server;
  for (const [username, roles] of [
    ['alice', ['editor']],
    ['bob', ['editor']],
    ['canbo', ['agent']],
  ] as const)
    await createUser(db.pool, { username, password: PASSWORD, roles: [...roles] });
  alice = await OfficerSession.login(running.url, 'alice', PASSWORD);
  bob = await OfficerSession.login(running.url, 'bob', PASSWORD);
});

async function ask(text: string): Promise<Json> {
  const res = await fetch(`${server.running.url}/api/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  expect(res.status).toBe(200);
  return res.json();
}

async function liveGuide(): Promise<Json> {
  const file = await alice.json('GET', `/editor/api/file?path=${encodeURIComponent(PATH)}`);
  expect(file.live.guide.id).toBe('ho-tich/khai-sinh');
  return file.live.guide;
}

/** alice writes a draft from guide fields and submits it; returns its id. */
async function proposed(guide: Json, extra: Json = {}): Promise<number> {
  const draft = await alice.json(
    'POST',
    '/editor/api/revisions',
    { path: PATH, guide, note: 'thử', ...extra },
    201,
  );
  expect(draft.problems).toEqual([]);
  await alice.json('POST', `/editor/api/revisions/${draft.id}/submit`);
  return draft.id;
}

describe('editor guides API', () => {
  let seedRevision: number;
  let published: number;

  it('requires an editor: pages redirect to the login with next, agents get 403', async () => {
    const page = await fetch(`${server.running.url}/editor`, {
      headers: { accept: 'text/html' },
      redirect: 'manual',
    });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/agent/login?next=%2Feditor');
    expect((await fetch(`${server.running.url}/editor/api/files`)).status).toBe(401);
    const agent = await OfficerSession.login(server.running.url, 'canbo', PASSWORD);
    expect((await agent.request('GET', '/editor/api/files')).status).toBe(403);
    const html = await alice.request('GET', '/editor');
    expect(html.status).toBe(200);
    expect(html.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await html.text()).toContain('Hướng dẫn thủ tục');
  });

  it('lists and searches the live files', async () => {
    const all = await alice.json('GET', '/editor/api/files');
    expect(all.files.filter((f: Json) => f.id !== null)).toHaveLength(26);
    expect(all.files.map((f: Json) => f.path)).toContain('out-of-scope.yaml');
    const found = await alice.json('GET', `/editor/api/files?q=${encodeURIComponent('khai sinh')}`);
    expect(found.files.map((f: Json) => f.id)).toContain('ho-tich/khai-sinh');
    expect(found.files.length).toBeLessThan(all.files.length);
    expect(found.files.map((f: Json) => f.id)).not.toContain('ho-tich/ket-hon');
    seedRevision = found.files.find((f: Json) => f.id === 'ho-tich/khai-sinh').revision;
  });

  it('validates a draft with the same schema as the files, naming the field', async () => {
    const guide = await liveGuide();
    const check = await alice.json('POST', '/editor/api/check', {
      path: PATH,
      guide: { ...guide, examples: ['một'] },
    });
    expect(check.problems.map((p: Json) => p.field)).toContain('examples');
    const ok = await alice.json('POST', '/editor/api/check', { path: PATH, guide });
    expect(ok.problems).toEqual([]);
    expect(ok.source).toMatch(/^---\nid: ho-tich\/khai-sinh/);
  });

  it('previews the answer with the draft without publishing it', async () => {
    const guide = await liveGuide();
    guide.facets.fee = 'Miễn lệ phí khi khai sinh đúng hạn. BẢN-XEM-THỬ.';
    const preview = await alice.json('POST', '/editor/api/preview', {
      path: PATH,
      guide,
      question: 'khai sinh cho con có mất lệ phí không',
    });
    expect(preview.record.answer).toContain('BẢN-XEM-THỬ');
    expect((await ask('khai sinh cho con có mất lệ phí không')).answer).not.toContain('BẢN-XEM-THỬ');
  });

  it('publishes after review by a second editor and the bot answers with the new text', async () => {
    const guide = await liveGuide();
    guide.facets.fee = 'Khai sinh đúng hạn được miễn lệ phí. NỘI-DUNG-MỚI.';
    const id = await proposed(guide);
    const own = await alice.json('POST', `/editor/api/revisions/${id}/approve`, undefined, 403);
    expect(own.error).toMatch(/second editor/);
    const result = await bob.json('POST', `/editor/api/revisions/${id}/approve`);
    expect(result.published).toBe(true);
    expect((await ask('khai sinh cho con có mất lệ phí không')).answer).toContain('NỘI-DUNG-MỚI');
    published = id;
    const revision = await alice.json('GET', `/editor/api/revisions/${id}`);
    expect(revision).toMatchObject({ status: 'published', author: 'alice', reviewedBy: 'bob' });
  });

  it('refuses a publish that would break eval questions and names them', async () => {
    const guide = await liveGuide();
    guide.title = 'Đăng ký kết hôn';
    guide.aliases = ['kết hôn', 'đăng ký kết hôn'];
    guide.examples = Array.from({ length: 15 }, (_, i) => `thủ tục kết hôn lần ${i + 1} cần gì`);
    guide.facets.overview = 'Thủ tục đăng ký kết hôn.';
    const id = await proposed(guide);
    const refused = await bob.json('POST', `/editor/api/revisions/${id}/approve`, undefined, 422);
    expect(refused.published).toBe(false);
    expect(refused.gate.broken.length).toBeGreaterThan(0);
    expect(refused.gate.broken[0]).toEqual(
      expect.objectContaining({
        text: expect.any(String),
        expected: expect.stringContaining('ho-tich/khai-sinh'),
      }),
    );
    expect((await ask('khai sinh cho con có mất lệ phí không')).answer).toContain('NỘI-DUNG-MỚI');
    const reject = await bob.json('POST', `/editor/api/revisions/${id}/reject`, { note: 'Sai thủ tục' });
    expect(reject.status).toBe('rejected');
  });

  it('shows the diff between two revisions', async () => {
    const diff = await alice.json('GET', `/editor/api/diff?from=${seedRevision}&to=${published}`);
    expect(diff.added).toBeGreaterThan(0);
    const added = diff.parts
      .filter((p: Json) => p.kind === 'added')
      .map((p: Json) => p.text)
      .join('');
    expect(added).toContain('NỘI-DUNG-MỚI');
  });

  it('rolls back to the seeded revision', async () => {
    const result = await alice.json('POST', '/editor/api/rollback', { path: PATH, to: seedRevision });
    expect(result.published).toBe(true);
    expect((await ask('khai sinh cho con có mất lệ phí không')).answer).not.toContain('NỘI-DUNG-MỚI');
    const { rows } = await server.db.pool.query(
      `SELECT action FROM audit_log WHERE action LIKE 'knowledge.%' ORDER BY id`,
    );
    expect(rows.map((r) => r.action)).toEqual(
      expect.arrayContaining([
        'knowledge.draft',
        'knowledge.submit',
        'knowledge.publish',
        'knowledge.publish_refused',
        'knowledge.reject',
        'knowledge.rollback',
      ]),
    );
  });

  it('answers bad input with clear 400/404/409 errors', async () => {
    expect((await alice.json('GET', '/editor/api/file?path=..%2Fsecret', undefined, 400)).error).toMatch(
      /path/,
    );
    await alice.json('GET', '/editor/api/revisions/abc', undefined, 400);
    await alice.json('GET', '/editor/api/revisions/999999', undefined, 404);
    await alice.json('POST', '/editor/api/revisions', { path: PATH }, 400);
    const draft = await alice.json(
      'POST',
      '/editor/api/revisions',
      { path: PATH, source: 'không hợp lệ' },
      201,
    );
    expect(draft.problems.length).toBeGreaterThan(0);
    await bob.json('POST', `/editor/api/revisions/${draft.id}/approve`, undefined, 409);
    const submit = await alice.json('POST', `/editor/api/revisions/${draft.id}/submit`, undefined, 400);
    expect(submit.problems.length).toBeGreaterThan(0);
    await bob.json('PUT', `/editor/api/revisions/${draft.id}`, { source: 'x' }, 403);
    const noCsrf = await alice.request('POST', '/editor/api/revisions', { path: PATH, source: 'x' }, false);
    expect(noCsrf.status).toBe(403);
  });
});

describe('importing a national TTHC record', () => {
  const fixture = (name: string) =>
    JSON.parse(readFileSync(path.resolve(__dirname, '../fixtures/tthc', name), 'utf8'));

  it("drafts a guide from a record as the editor's draft", async () => {
    const draft = await alice.json(
      'POST',
      '/editor/api/import-tthc',
      { id: 'ho-tich/ban-sao-trich-luc-moi', record: fixture('cap-ban-sao-trich-luc.json') },
      201,
    );
    expect(draft.path).toBe('guides/ho-tich/ban-sao-trich-luc-moi.md');
    const revision = await alice.json('GET', `/editor/api/revisions/${draft.id}`);
    expect(revision).toMatchObject({ status: 'draft', author: 'alice', path: draft.path });
    expect(revision.source).toMatch(/^id: ho-tich\/ban-sao-trich-luc-moi$/m);
    expect(revision.note).toMatch(/CSDL quốc gia/);
  });

  it('refuses a record of the wrong shape, naming the field', async () => {
    const bad = await alice.json(
      'POST',
      '/editor/api/import-tthc',
      { id: 'ho-tich/sai', record: fixture('sai-dang.json') },
      400,
    );
    expect(bad.error).toMatch(/ma_thu_tuc|detail_url|cach_thuc/);
    await alice.json('POST', '/editor/api/import-tthc', { id: 'Sai Ma', record: {} }, 400);
  });
});

describe('publishing under load', () => {
  it('keeps every /api/ask answering while two publishes swap the engine', async () => {
    let stop = false;
    /** Which publishes had returned when each request started (0, 1 or 2), and what it got. */
    let published = 0;
    const results: { status: number; answer: string; startedAfter: number }[] = [];
    const loop = async () => {
      while (!stop) {
        const startedAfter = published;
        const res = await fetch(`${server.running.url}/api/ask`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: 'khai sinh cho con có mất lệ phí không' }),
        });
        results.push({ status: res.status, answer: ((await res.json()) as Json).answer, startedAfter });
      }
    };
    const loops = Array.from({ length: 4 }, loop);
    for (const marker of ['LẦN-MỘT', 'LẦN-HAI']) {
      const guide = await liveGuide();
      guide.facets.fee = `Khai sinh đúng hạn được miễn lệ phí. ${marker}.`;
      const id = await proposed(guide);
      expect((await bob.json('POST', `/editor/api/revisions/${id}/approve`)).published).toBe(true);
      published++;
      const seen = results.length;
      while (results.length < seen + 8) await new Promise((r) => setTimeout(r, 20));
    }
    stop = true;
    await Promise.all(loops);
    expect(results.length).toBeGreaterThan(20);
    expect(results.every((r) => r.status === 200)).toBe(true);
    // A request started after a publish returned is answered by the new engine, never the old one
    // (requests in flight during the swap may finish on the engine they started with).
    const after = (n: number) => results.filter((r) => r.startedAfter === n).map((r) => r.answer);
    expect(after(1).length).toBeGreaterThan(0);
    // (the second swap may come before the second approve returns: then LẦN-HAI already)
    expect(after(1).every((a) => a.includes('LẦN-MỘT') || a.includes('LẦN-HAI'))).toBe(true);
    expect(after(1).some((a) => a.includes('LẦN-MỘT'))).toBe(true);
    expect(after(2).length).toBeGreaterThan(0);
    expect(after(2).every((a) => a.includes('LẦN-HAI'))).toBe(true);
  }, 60000);
});
