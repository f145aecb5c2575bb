/**
 * Bulletins ("Bản tin", src/bulletins and src/editor/bulletins) on a real PostgreSQL and the real
 * server: the editor API's validation and roles; a scheduled bulletin sent by the scheduler (clock
 * injected, ticked by hand) to the Zalo OA's followers as promotion messages, against Zalo's API faked
 * with nock in the documented shapes; deliveries recorded; the OA's quota error stopping the run with
 * the rest deferred to the next morning and sent then; two schedulers ticking together sending once;
 * the web chat welcome (Direct Line) showing an active bulletin and not an expired or withdrawn one.
 */
import nock from 'nock';
import { createZaloChannel, type ZaloChannel } from '../../channels/zalo';
import { createUser } from '../../src/auth/users';
import type { AssistantBot } from '../../src/bot/assistant-bot';
import type { TurnAdapter } from '../../src/bot/turn-adapter';
import { resumeAt } from '../../src/bulletins/resume-time';
import { BulletinScheduler } from '../../src/bulletins/scheduler';
import { parseConfig } from '../../src/config';
import { OutboundRegistry } from '../../src/handoff/outbound';
import type { KnowledgeService } from '../../src/knowledge-store/knowledge-service';
import type { RunningServer } from '../../src/server/start-server';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { openTestKnowledge } from '../support/knowledge-store';
import { OfficerSession, type Json } from '../support/officer-session';
import { IN_OPENING_HOURS, sharedEngine, startTestServer, testLogger } from '../support/test-server';
import { until } from '../support/until';
import { ZALO_API, ZALO_ENV } from '../support/zalo';

const API = ZALO_API;
const ENV = {
  ZALO_APP_ID: ZALO_ENV.ZALO_APP_ID,
  ZALO_OA_SECRET_KEY: ZALO_ENV.ZALO_OA_SECRET_KEY,
  ZALO_ACCESS_TOKEN: ZALO_ENV.ZALO_ACCESS_TOKEN,
  ZALO_API_BASE: ZALO_API,
  ZALO_OAUTH_BASE: ZALO_ENV.ZALO_OAUTH_BASE,
};
const HOUR = 3600 * 1000;
/** The server's clock (IN_OPENING_HOURS, 10:00 in Vietnam) plus some hours. */
const later = (hours: number) => new Date(IN_OPENING_HOURS.getTime() + hours * HOUR);

let db: TestDatabase;
let knowledge: KnowledgeService;
let running: RunningServer;
let editor: OfficerSession;
let agent: OfficerSession;
/** The editor's session with paths under /editor/api/bulletins. */
let bulletins: OfficerSession;

/** A scheduler of its own (as another process would have) with its own Zalo channel and clock. */
class TestProcess {
  clock: Date;
  readonly scheduler: BulletinScheduler;
  private readonly zalo: ZaloChannel;

  constructor(clock: Date, registry = new OutboundRegistry()) {
    this.clock = clock;
    const deps = {
      config: parseConfig(ENV),
      log: testLogger(),
      bot: {} as AssistantBot,
      adapter: {} as TurnAdapter,
      engine: () => {
        throw new Error('not used');
      },
      outbound: registry,
    };
    this.zalo = createZaloChannel(deps, { retry: { baseDelayMs: 1, maxDelayMs: 2 } });
    this.scheduler = new BulletinScheduler({
      pool: db.pool,
      outbound: registry,
      log: deps.log,
      now: () => this.clock,
    });
  }

  async close(): Promise<void> {
    await this.scheduler.close();
    await this.zalo.close?.();
  }
}

interface Promotion {
  headers: Record<string, string>;
  body: Json;
}

/** Fakes GET /v3.0/oa/user/getlist: the OA's followers, 50 a page; records each request's `data`. */
function fakeFollowers(ids: string[]): { data: Json; token: string }[] {
  const calls: { data: Json; token: string }[] = [];
  nock(API)
    .persist()
    .get('/v3.0/oa/user/getlist')
    .query(true)
    .reply(function (uri) {
      const data = JSON.parse(new URL(uri, API).searchParams.get('data') ?? '{}');
      calls.push({ data, token: String(this.req.headers.access_token) });
      const users = ids.slice(data.offset, data.offset + data.count).map((user_id) => ({ user_id }));
      return [
        200,
        {
          error: 0,
          message: 'Success',
          data: { total: ids.length, count: users.length, offset: data.offset, users },
        },
      ];
    });
  return calls;
}

/** Fakes POST /v3.0/oa/message/promotion; `reply` picks Zalo's `error` for a recipient (0 = sent). */
function fakePromotions(reply: (userId: string) => number | Promise<number> = () => 0): Promotion[] {
  const received: Promotion[] = [];
  nock(API)
    .persist()
    .post('/v3.0/oa/message/promotion')
    .reply(async function (_uri, body) {
      const parsed = typeof body === 'string' ? JSON.parse(body) : body;
      received.push({ headers: this.req.headers, body: parsed });
      const error = await reply(parsed.recipient.user_id);
      return error === 0
        ? [
            200,
            { error: 0, message: 'Success', data: { message_id: `mid-${received.length}`, user_id: 'x' } },
          ]
        : [200, { error, message: `error ${error}` }];
    });
  return received;
}

async function deliveries(id: number): Promise<Json[]> {
  const { rows } = await db.pool.query(
    `SELECT channel, target, status, attempts, error_code, retry_at FROM bulletin_deliveries
     WHERE bulletin_id = $1 ORDER BY id`,
    [id],
  );
  return rows;
}

async function draft(fields: Partial<Record<string, unknown>> = {}): Promise<Json> {
  const { bulletin } = await bulletins.json(
    'POST',
    '',
    {
      title: 'Đăng ký khai sinh trực tuyến trên VNeID',
      body: 'Từ tháng này, cha mẹ có thể đăng ký khai sinh cho con trên ứng dụng VNeID.',
      channels: ['zalo'],
      ...fields,
    },
    201,
  );
  return bulletin;
}

/** The text of the bot's first message in a new Direct Line conversation (the welcome). */
async function webChatWelcome(): Promise<string> {
  const base = `${running.url}/v3/directline`;
  const generated: Json = await (await fetch(`${base}/tokens/generate`, { method: 'POST' })).json();
  const started: Json = await (
    await fetch(`${base}/conversations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${generated.token}`, 'content-type': 'application/json' },
      body: '{}',
    })
  ).json();
  const token = started.token ?? generated.token;
  return until(async () => {
    const res = await fetch(`${base}/conversations/${started.conversationId}/activities`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const page: Json = await res.json();
    return (page.activities as Json[]).find((a) => a.type === 'message' && a.from?.role === 'bot')?.text as
      string | undefined;
  });
}

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  db = await createTestDatabase();
  await sharedEngine();
  knowledge = await openTestKnowledge(db);
  running = await startTestServer(ENV, { database: db, knowledge });
  await createUser(db.pool, { username: 'bientap', password: 'mat-khau-rat-dai', roles: ['editor'] });
  await createUser(db.pool, { username: 'canbo', password: 'mat-khau-rat-dai', roles: ['agent'] });
  editor = await OfficerSession.login(running.url, 'bientap', 'mat-khau-rat-dai');
  agent = await OfficerSession.login(running.url, 'canbo', 'mat-khau-rat-dai');
  bulletins = editor.at(`${running.url}/editor/api/bulletins`);
}, 120000);
afterEach(() => {
  nock.cleanAll();
});
afterAll(async () => {
  await running?.close();
  await knowledge?.close();
  await db?.drop();
  nock.enableNetConnect();
  nock.restore();
});

describe('bulletins editor API', () => {
  it('needs a login and the editor role', async () => {
    expect((await fetch(`${running.url}/editor/api/bulletins`)).status).toBe(401);
    expect((await agent.request('GET', '/editor/api/bulletins')).status).toBe(403);
    expect((await agent.request('GET', '/editor/bulletins')).status).toBe(403);
    const post = await agent.request('POST', '/editor/api/bulletins', {
      title: 'x',
      body: 'y',
      channels: ['zalo'],
    });
    expect(post.status).toBe(403);
    const noCsrf = await editor.request(
      'POST',
      '/editor/api/bulletins',
      { title: 'x', body: 'y', channels: ['zalo'] },
      false,
    );
    expect(noCsrf.status).toBe(403);
    expect((await db.pool.query('SELECT 1 FROM bulletins')).rowCount).toBe(0);
  });

  it('serves the page and its script to an editor', async () => {
    const page = await editor.request('GET', '/editor/bulletins');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("'self'");
    const html = await page.text();
    expect(html).toContain('<script src="/editor/assets/bulletins.js"></script>');
    expect(html).toContain('Lên lịch gửi');
    expect(html).not.toMatch(/<script>|style=/);
    const script = await editor.request('GET', '/editor/assets/bulletins.js');
    expect(script.status).toBe(200);
    const list = await bulletins.json('GET', '');
    expect(list).toMatchObject({
      bulletins: [],
      channels: { webchat: true, zalo: true },
      limits: { title: 100, body: 1000 },
    });
  });

  it('refuses invalid bulletins with 400 and a Vietnamese message naming the field', async () => {
    const base = { title: 'Tiêu đề', body: 'Nội dung', channels: ['webchat'] };
    const cases: [object, RegExp][] = [
      [{}, /Tiêu đề/],
      [{ ...base, title: '   ' }, /Tiêu đề: không được để trống/],
      [{ ...base, title: 'a'.repeat(101) }, /Tiêu đề: tối đa 100 ký tự/],
      [{ ...base, title: 'hai\ndòng' }, /một dòng/],
      [{ ...base, body: 'ư'.repeat(1001) }, /Nội dung: tối đa 1000 ký tự/],
      [{ ...base, channels: [] }, /Kênh/],
      [{ ...base, channels: ['sms'] }, /Kênh/],
      [{ ...base, link: 'javascript:alert(1)' }, /Liên kết/],
      [{ ...base, link: 'https://' + 'a'.repeat(500) + '.vn' }, /Liên kết/],
      [{ ...base, showUntil: 'ngày mai' }, /Hiện đến/],
    ];
    for (const [body, message] of cases) {
      const data = await bulletins.json('POST', '', body, 400);
      expect(data.error).toMatch(message);
    }
    // 100 characters with diacritics, typed decomposed (NFD): counted as the 100 letters they are.
    const title = 'ệ'.repeat(100).normalize('NFD');
    expect(title.length).toBe(300);
    const { bulletin } = await bulletins.json('POST', '', { ...base, title }, 201);
    expect(bulletin.title).toBe('ệ'.repeat(100));
    await bulletins.json('POST', `/${bulletin.id}/cancel`);

    const id = (await draft()).id;
    await bulletins.json('POST', `/${id}/schedule`, {}, 400);
    expect(
      (await bulletins.json('POST', `/${id}/schedule`, { at: later(-2).toISOString() }, 400)).error,
    ).toMatch(/đã qua/);
    await bulletins.json('POST', `/${id}/schedule`, { at: later(24 * 400).toISOString() }, 400);
    await bulletins.json('PUT', `/${id}`, {
      ...base,
      channels: ['webchat'],
      showUntil: later(1).toISOString(),
    });
    expect(
      (await bulletins.json('POST', `/${id}/schedule`, { at: later(2).toISOString() }, 400)).error,
    ).toMatch(/Hiện đến/);
    await bulletins.json('GET', '/999999', undefined, 404);
    await bulletins.json('GET', '/abc', undefined, 404);
    await bulletins.json('POST', `/${id}/cancel`);
    const audits = await db.pool.query(
      `SELECT action FROM audit_log WHERE action LIKE 'bulletin.%' ORDER BY id`,
    );
    expect(audits.rows.map((r) => r.action)).toEqual([
      'bulletin.create',
      'bulletin.cancel',
      'bulletin.create',
      'bulletin.update',
      'bulletin.cancel',
    ]);
  });
});

describe('sending bulletins', () => {
  const processes: TestProcess[] = [];
  const spawn = (clock: Date, registry?: OutboundRegistry) => {
    const p = new TestProcess(clock, registry);
    processes.push(p);
    return p;
  };
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.close()));
  });

  it('sends a scheduled bulletin on time to every Zalo follower as a promotion message', async () => {
    const link = 'https://sotuphap.nghean.gov.vn/tin-tuc';
    const bulletin = await draft({ channels: ['webchat', 'zalo'], link });
    const at = later(1);
    const { bulletin: scheduled } = await bulletins.json('POST', `/${bulletin.id}/schedule`, {
      at: at.toISOString(),
    });
    expect(scheduled).toMatchObject({ status: 'scheduled', scheduledAt: at.toISOString() });

    const p = spawn(later(0.5));
    expect(await p.scheduler.tick()).toEqual([]); // not due: nothing asked of Zalo (nock would refuse)

    const followers = ['2468458835296117922', '5521234567890123456', '8837465510293847561'];
    const listed = fakeFollowers(followers);
    const sent = fakePromotions();
    p.clock = at;
    expect(await p.scheduler.tick()).toEqual([{ id: bulletin.id, outcome: 'sent' }]);

    expect(listed).toEqual([{ data: { offset: 0, count: 50, is_follower: true }, token: 'access-token-1' }]);
    expect(sent.map((s) => s.body.recipient.user_id)).toEqual(followers);
    expect(sent[0]!.headers.access_token).toBe('access-token-1');
    expect(sent[0]!.headers['content-type']).toBe('application/json');
    expect(sent[0]!.body).toEqual({
      recipient: { user_id: followers[0] },
      message: {
        attachment: {
          type: 'template',
          payload: {
            template_type: 'promotion',
            language: 'VI',
            elements: [
              { type: 'header', content: bulletin.title },
              { type: 'text', align: 'left', content: bulletin.body },
            ],
            buttons: [{ title: 'Xem chi tiết', type: 'oa.open.url', payload: { url: link } }],
          },
        },
      },
    });

    const rows = await deliveries(bulletin.id);
    expect(rows).toEqual([
      expect.objectContaining({ channel: 'webchat', target: 'welcome', status: 'published' }),
      ...followers.map((target) =>
        expect.objectContaining({ channel: 'zalo', target, status: 'sent', attempts: 1, error_code: null }),
      ),
    ]);
    const { bulletin: after, results } = await bulletins.json('GET', `/${bulletin.id}`);
    expect(after).toMatchObject({ status: 'sent', sentAt: at.toISOString(), completedAt: at.toISOString() });
    expect(results).toEqual({
      counts: { webchat: { published: 1 }, zalo: { sent: 3 } },
      errors: [],
      problems: [],
    });
    expect(await p.scheduler.tick()).toEqual([]);
    await bulletins.json('POST', `/${bulletin.id}/cancel`, undefined, 409);
    await bulletins.json('PUT', `/${bulletin.id}`, { title: 'x', body: 'y', channels: ['zalo'] }, 409);
  });

  it('stops at the quota error, defers the rest to the next morning and sends them then', async () => {
    const bulletin = await draft();
    const at = later(2);
    await bulletins.json('POST', `/${bulletin.id}/schedule`, { at: at.toISOString() });
    const followers = [
      '1000000000000000001',
      '1000000000000000002',
      '1000000000000000003',
      '1000000000000000004',
      '1000000000000000005',
    ];
    fakeFollowers(followers);
    // 2: not a follower any more (-213); 3: its own receiving quota is spent (-218); 4: the OA's quota (-211).
    const codes: Record<string, number> = {
      [followers[1]!]: -213,
      [followers[2]!]: -218,
      [followers[3]!]: -211,
    };
    const sent = fakePromotions((id) => codes[id] ?? 0);
    const p = spawn(at);
    expect(await p.scheduler.tick()).toEqual([{ id: bulletin.id, outcome: 'waiting' }]);
    expect(sent.map((s) => s.body.recipient.user_id)).toEqual(followers.slice(0, 4));

    // 12:00 in Vietnam on 2 December → retried at 08:00 on 3 December (01:00 UTC).
    const nextMorning = '2026-12-03T01:00:00.000Z';
    const rows = await deliveries(bulletin.id);
    expect(rows.map((r) => [r.status, r.attempts, r.error_code, r.retry_at?.toISOString() ?? null])).toEqual([
      ['sent', 1, null, null],
      ['failed', 1, -213, null],
      ['deferred', 1, -218, nextMorning],
      ['deferred', 0, -211, nextMorning],
      ['deferred', 0, -211, nextMorning],
    ]);
    const { bulletin: waiting, results } = await bulletins.json('GET', `/${bulletin.id}`);
    expect(waiting).toMatchObject({ status: 'sending', nextRunAt: nextMorning, completedAt: null });
    expect(results.counts).toEqual({ zalo: { sent: 1, failed: 1, deferred: 3 } });
    expect(results.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ channel: 'zalo', status: 'deferred', code: -211, count: 2 }),
        expect.objectContaining({ channel: 'zalo', status: 'failed', code: -213, count: 1 }),
      ]),
    );
    expect(results.problems.map((x: Json) => x.target)).toEqual(expect.arrayContaining(['…0002', '…0005']));

    p.clock = new Date('2026-12-02T20:00:00Z'); // 03:00 in Vietnam: not yet
    expect(await p.scheduler.tick()).toEqual([]);

    nock.cleanAll();
    const relisted = fakeFollowers(followers);
    const resent = fakePromotions();
    p.clock = new Date(nextMorning);
    expect(await p.scheduler.tick()).toEqual([{ id: bulletin.id, outcome: 'sent' }]);
    expect(relisted).toEqual([]); // the recipients were listed once, the day before
    expect(resent.map((s) => s.body.recipient.user_id)).toEqual(followers.slice(2));
    expect((await deliveries(bulletin.id)).map((r) => r.status)).toEqual([
      'sent',
      'failed',
      'sent',
      'sent',
      'sent',
    ]);
    expect((await bulletins.json('GET', `/${bulletin.id}`)).bulletin.status).toBe('sent');
  });

  it('stops a bulletin being sent when an editor cancels it', async () => {
    const bulletin = await draft();
    const at = later(2.5);
    await bulletins.json('POST', `/${bulletin.id}/schedule`, { at: at.toISOString() });
    const followers = ['2000000000000000001', '2000000000000000002', '2000000000000000003'];
    fakeFollowers(followers);
    // While Zalo takes the first message, the editor cancels.
    const sent = fakePromotions(async () => {
      const { bulletin: cancelled } = await bulletins.json('POST', `/${bulletin.id}/cancel`);
      expect(cancelled.status).toBe('cancelled');
      return 0;
    });
    const p = spawn(at);
    expect(await p.scheduler.tick()).toEqual([{ id: bulletin.id, outcome: 'lost' }]);
    expect(sent).toHaveLength(1);
    expect((await deliveries(bulletin.id)).map((r) => r.status)).toEqual(['sent', 'skipped', 'skipped']);
    expect((await bulletins.json('GET', `/${bulletin.id}`)).bulletin.status).toBe('cancelled');
    p.clock = later(30);
    expect(await p.scheduler.tick()).toEqual([]);
  });

  it('hands a bulletin back between two sends when its process shuts down; another one finishes it', async () => {
    const bulletin = await draft();
    const at = later(2.75);
    await bulletins.json('POST', `/${bulletin.id}/schedule`, { at: at.toISOString() });
    const followers = ['4000000000000000001', '4000000000000000002', '4000000000000000003'];
    const listed = fakeFollowers(followers);
    const leaving = spawn(at);
    const sent = fakePromotions(() => {
      if (sent.length === 1) void leaving.scheduler.close(); // SIGTERM while the first message goes out
      return 0;
    });
    expect(await leaving.scheduler.tick()).toEqual([{ id: bulletin.id, outcome: 'stopped' }]);
    expect((await deliveries(bulletin.id)).map((r) => r.status)).toEqual(['sent', 'pending', 'pending']);
    expect((await bulletins.json('GET', `/${bulletin.id}`)).bulletin).toMatchObject({
      status: 'sending',
      nextRunAt: at.toISOString(),
    });
    expect(await spawn(at).scheduler.tick()).toEqual([{ id: bulletin.id, outcome: 'sent' }]);
    expect(listed).toHaveLength(1);
    expect(sent.map((s) => s.body.recipient.user_id)).toEqual(followers);
  });

  it('sends once when two schedulers tick at the same time', async () => {
    const bulletin = await draft();
    const at = later(3);
    await bulletins.json('POST', `/${bulletin.id}/schedule`, { at: at.toISOString() });
    const followers = Array.from({ length: 51 }, (_, i) => String(3000000000000000000n + BigInt(i)));
    const listed = fakeFollowers(followers);
    const sent = fakePromotions();
    const [a, b] = [spawn(at), spawn(at)];
    const reports = (await Promise.all([a.scheduler.tick(), b.scheduler.tick()])).flat();
    expect(reports).toEqual([{ id: bulletin.id, outcome: 'sent' }]);
    expect(listed.map((l) => l.data.offset)).toEqual([0, 50]);
    const recipients = sent.map((s) => s.body.recipient.user_id);
    expect(recipients).toHaveLength(51);
    expect(new Set(recipients)).toEqual(new Set(followers));
    expect((await bulletins.json('GET', `/${bulletin.id}`)).results.counts).toEqual({ zalo: { sent: 51 } });
  });

  it('does not send a cancelled bulletin', async () => {
    const bulletin = await draft();
    await bulletins.json('POST', `/${bulletin.id}/schedule`, { at: later(4).toISOString() });
    const { bulletin: cancelled } = await bulletins.json('POST', `/${bulletin.id}/cancel`);
    expect(cancelled.status).toBe('cancelled');
    expect(await spawn(later(5)).scheduler.tick()).toEqual([]);
    await bulletins.json('POST', `/${bulletin.id}/cancel`, undefined, 409);
    await bulletins.json('POST', `/${bulletin.id}/schedule`, { at: later(6).toISOString() }, 409);
    expect(await deliveries(bulletin.id)).toEqual([]);
  });

  it('fails a bulletin whose channel this process cannot send to, and says so', async () => {
    const bulletin = await draft();
    await bulletins.json('POST', `/${bulletin.id}/schedule`, { at: later(6).toISOString() });
    const p = new BulletinScheduler({
      pool: db.pool,
      outbound: new OutboundRegistry(), // Zalo off
      log: testLogger(),
      now: () => later(6),
    });
    expect(await p.tick()).toEqual([{ id: bulletin.id, outcome: 'failed' }]);
    const { bulletin: failed, results } = await bulletins.json('GET', `/${bulletin.id}`);
    expect(failed.error).toMatch(/zalo/);
    expect(results.counts).toEqual({ zalo: { failed: 1 } });
    await p.close();
  });
});

describe('retry times (Vietnam time)', () => {
  it('resumes a spent daily quota the next morning and quiet hours the coming morning', () => {
    const at = (iso: string) => new Date(iso);
    // 23:30 on 2 December in Vietnam (16:30 UTC)
    expect(resumeAt('next_day', at('2026-12-02T16:30:00Z')).toISOString()).toBe('2026-12-03T01:00:00.000Z');
    expect(resumeAt('morning', at('2026-12-02T16:30:00Z')).toISOString()).toBe('2026-12-03T01:00:00.000Z');
    // 03:00 on 3 December in Vietnam (20:00 UTC on the 2nd): the same morning, 08:00
    expect(resumeAt('morning', at('2026-12-02T20:00:00Z')).toISOString()).toBe('2026-12-03T01:00:00.000Z');
    expect(resumeAt('next_day', at('2026-12-02T20:00:00Z')).toISOString()).toBe('2026-12-04T01:00:00.000Z');
    expect(resumeAt('soon', at('2026-12-02T20:00:00Z')).toISOString()).toBe('2026-12-02T20:15:00.000Z');
  });
});

describe('the web chat welcome', () => {
  it('shows an active bulletin sent to the web chat, not an expired or withdrawn one', async () => {
    const link = 'https://dichvucong.gov.vn/p/home/dvc-trang-chu.html';
    const active = await draft({
      title: 'Hạn chót nộp hồ sơ lý lịch tư pháp trực tuyến',
      channels: ['webchat'],
      link,
    });
    const expired = await draft({ title: 'Tin cũ đã hết hạn', channels: ['webchat'] });
    for (const b of [active, expired]) await bulletins.json('POST', `/${b.id}/send`); // the server's scheduler runs it
    for (const b of [active, expired])
      await until(async () =>
        (await bulletins.json('GET', `/${b.id}`)).bulletin.status === 'sent' ? true : undefined,
      );
    expect(await deliveries(active.id)).toEqual([
      expect.objectContaining({ channel: 'webchat', target: 'welcome', status: 'published' }),
    ]);
    // Time passes for the second one: its show_until is behind the server's clock.
    await db.pool.query('UPDATE bulletins SET show_until = $2 WHERE id = $1', [expired.id, later(-0.5)]);

    const welcome = await webChatWelcome();
    expect(welcome).toContain(`**Tin mới:** [Hạn chót nộp hồ sơ lý lịch tư pháp trực tuyến](${link})`);
    expect(welcome).not.toContain('Tin cũ');

    await bulletins.json('POST', `/${active.id}/withdraw`);
    expect(await webChatWelcome()).not.toContain('Tin mới');
    await bulletins.json('POST', `/${active.id}/withdraw`, undefined, 409);
  });
});
