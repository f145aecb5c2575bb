/**
 * The editor's stats section on the real server and PostgreSQL. A seeded fortnight: citizens'
 * messages on three channels, the engine's replies with every decision (plus officer, CSAT and plain
 * replies that never count), handoffs with known waits, CSAT ratings and thumbs, many of them one
 * second either side of a Vietnam midnight. For 30 Nov – 1 Dec 2026 the JSON figures are exact: questions
 * per day and channel, outcomes and the deflection rate, the unanswered trend (unanswered.ts),
 * the top procedures and facets, handoffs and median waits per day and over the range, CSAT and
 * thumbs; the default range is the 30 Vietnam days ending on the server's day. The CSV tables (BOM,
 * headers, RFC 4180 quoting, attachment), bad ranges and tables (400), who may read (agent 403,
 * anonymous 401 or the login page, editor and admin 200), the page and Chart.js's file.
 */
import type { Pool } from 'pg';
import { createUser } from '../../src/auth/users';
import { csvField, toCsv } from '../../src/editor/stats/csv';
import { parseRange, StatsRangeError } from '../../src/editor/stats/range';
import { unansweredReasonSql, UNANSWERED_REPLY_SQL } from '../../src/editor/stats/unanswered';
import { OfficerSession, type Json } from '../support/officer-session';
import { serverWithDatabase } from '../support/server-with-database';

const PASSWORD = 'mat-khau-rat-dai';
const server = serverWithDatabase({ knowledge: true });
let editor: OfficerSession;
let admin: OfficerSession;
let agent: OfficerSession;

/** An instant given in Vietnam time. */
const vn = (day: string, time: string) => new Date(`${day}T${time}+07:00`);
const A = '2026-11-30';
const B = '2026-12-01';

async function conversation(pool: Pool, id: string, channel: string): Promise<void> {
  await pool.query('INSERT INTO conversations (id, channel) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
    id,
    channel,
  ]);
}

async function question(pool: Pool, id: string, at: Date): Promise<void> {
  const channel = id.slice(0, id.indexOf(':'));
  await conversation(pool, id, channel);
  await pool.query(
    `INSERT INTO messages (conversation_id, direction, channel, text, created_at) VALUES ($1, 'in', $2, 'hỏi', $3)`,
    [id, channel, at],
  );
}

interface Reply {
  decision: string | null;
  procedure?: string;
  facet?: string;
  confidence?: number;
}

/** An engine (or officer) reply in directline:a; returns its message id. */
async function reply(pool: Pool, at: Date, r: Reply): Promise<number> {
  await conversation(pool, 'directline:a', 'directline');
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO messages (conversation_id, direction, channel, text, decision, procedure, facet, confidence, created_at)
     VALUES ('directline:a', 'out', 'directline', 'đáp', $1, $2, $3, $4, $5) RETURNING id`,
    [r.decision, r.procedure ?? null, r.facet ?? null, r.confidence ?? null, at],
  );
  return Number(rows[0]!.id);
}

async function handoff(pool: Pool, id: string, requested: Date, waitSeconds?: number): Promise<void> {
  await conversation(pool, id, 'zalo');
  const assigned = waitSeconds === undefined ? null : new Date(requested.getTime() + waitSeconds * 1000);
  await pool.query(
    `INSERT INTO handoffs (conversation_id, channel, status, reason, requested_at, assigned_at)
     VALUES ($1, 'zalo', $2, 'asked', $3, $4)`,
    [id, assigned ? 'assigned' : 'queued', requested, assigned],
  );
}

async function feedback(pool: Pool, kind: 'csat' | 'thumbs', rating: number, at: Date, message?: number) {
  await conversation(pool, 'zalo:b', 'zalo');
  await pool.query(
    `INSERT INTO feedback (conversation_id, message_id, rating, kind, created_at) VALUES ('zalo:b', $1, $2, $3, $4)`,
    [message ?? null, rating, kind, at],
  );
}

async function seed(pool: Pool): Promise<void> {
  // Citizens' questions.
  await question(pool, 'directline:a', vn(A, '09:00:00'));
  await question(pool, 'directline:a', vn(A, '23:59:59'));
  await question(pool, 'zalo:b', vn(A, '12:00:00'));
  await question(pool, 'directline:a', vn(B, '00:00:00'));
  await question(pool, 'twilio-sms:c', vn(B, '08:00:00'));
  await question(pool, 'twilio-sms:c', vn(B, '08:05:00'));
  await question(pool, 'zalo:b', vn(B, '23:59:59'));
  await question(pool, 'zalo:b', vn('2026-12-02', '00:00:00')); // the next day
  await question(pool, 'zalo:b', vn('2026-11-03', '00:00:00')); // first day of the default range
  await question(pool, 'zalo:b', vn('2026-11-02', '23:59:59')); // just before it
  await question(pool, 'directline:a', vn('2026-11-29', '23:59:59'));

  // The engine's replies on day A …
  const liked = await reply(pool, vn(A, '09:00:01'), {
    decision: 'answer',
    procedure: 'ho-tich/khai-sinh',
    facet: 'documents',
    confidence: 0.9,
  });
  await reply(pool, vn(A, '09:10:00'), {
    decision: 'answer',
    procedure: 'ho-tich/khai-sinh',
    facet: 'fee',
    confidence: 0.45, // unsure: unanswered
  });
  await reply(pool, vn(A, '10:00:00'), {
    decision: 'clarify',
    procedure: 'ho-tich/ket-hon',
    confidence: 0.4,
  });
  await reply(pool, vn(A, '11:00:00'), { decision: 'referral', confidence: 0.8 });
  await reply(pool, vn(A, '23:59:59'), { decision: 'small_talk', confidence: 0.35 }); // unsure: unanswered
  // … on day B …
  const disliked = await reply(pool, vn(B, '00:00:01'), {
    decision: 'answer',
    procedure: 'ho-tich/ket-hon',
    facet: 'fee',
    confidence: 0.8,
  });
  await reply(pool, vn(B, '08:00:01'), { decision: 'fallback', confidence: 0.1 });
  await reply(pool, vn(B, '08:05:01'), { decision: 'handoff', confidence: 0.9 });
  await reply(pool, vn(B, '09:00:00'), { decision: 'handoff', confidence: 0.2 }); // handoffs are never unanswered
  await reply(pool, vn(B, '23:59:59'), {
    decision: 'answer',
    procedure: 'ly-lich-tu-phap/cap-phieu',
    facet: 'documents',
    confidence: 0.95,
  });
  await reply(pool, vn(B, '10:00:00'), { decision: 'officer' });
  await reply(pool, vn(B, '10:05:00'), { decision: 'csat' });
  await reply(pool, vn(B, '10:06:00'), { decision: null }); // a welcome
  // … and just outside the range.
  await reply(pool, vn('2026-12-02', '00:00:00'), {
    decision: 'answer',
    procedure: 'ho-tich/khai-sinh',
    facet: 'overview',
    confidence: 0.9,
  });
  await reply(pool, vn('2026-11-29', '23:59:59'), { decision: 'fallback', confidence: 0.1 });

  // Handoffs (by the request's Vietnam day).
  await handoff(pool, 'zalo:h1', vn(A, '10:00:00'), 60);
  await handoff(pool, 'zalo:h2', vn(A, '11:00:00'), 180);
  await handoff(pool, 'zalo:h6', vn(A, '23:59:30'), 60); // claimed the next day
  await handoff(pool, 'zalo:h3', vn(B, '00:00:10'), 240);
  await handoff(pool, 'zalo:h4', vn(B, '14:00:00')); // still waiting
  await handoff(pool, 'zalo:h5', vn('2026-11-29', '23:59:50'), 30);

  // CSAT and thumbs.
  await feedback(pool, 'csat', 5, vn(A, '12:00:00'));
  await feedback(pool, 'csat', 4, vn(B, '00:00:00'));
  await feedback(pool, 'csat', 2, vn(B, '10:00:00'));
  await feedback(pool, 'csat', 1, vn('2026-11-29', '23:59:59'));
  await feedback(pool, 'csat', 3, vn('2026-12-02', '00:00:00'));
  await feedback(pool, 'thumbs', 1, vn(A, '09:01:00'), liked);
  await feedback(pool, 'thumbs', -1, vn(B, '00:01:00'), disliked);
}

beforeAll(async () => {
  const { db, running } = server;
  await createUser(db.pool, { username: 'bientap', password: PASSWORD, roles: ['editor'] });
  await createUser(db.pool, { username: 'quantri', password: PASSWORD, roles: ['admin'] });
  await createUser(db.pool, { username: 'canbo', password: PASSWORD, roles: ['agent'] });
  editor = await OfficerSession.login(running.url, 'bientap', PASSWORD);
  admin = await OfficerSession.login(running.url, 'quantri', PASSWORD);
  agent = await OfficerSession.login(running.url, 'canbo', PASSWORD);
  await seed(db.pool);
});

const title = (id: string) => server.knowledge.engine().guide(id)!.title;

describe('stats figures', () => {
  let report: Json;
  beforeAll(async () => {
    report = await editor.json('GET', `/editor/api/stats?from=${A}&to=${B}`);
  });

  it('counts questions per Vietnam day and channel', () => {
    expect(report.from).toBe(A);
    expect(report.to).toBe(B);
    expect(report.channels).toEqual([
      { id: 'directline', label: 'Web chat', questions: 3 },
      { id: 'twilio-sms', label: 'SMS', questions: 2 },
      { id: 'zalo', label: 'Zalo', questions: 2 },
    ]);
    expect(report.daily.map((d: Json) => [d.day, d.questions, d.questionsTotal])).toEqual([
      [A, { directline: 2, zalo: 1 }, 3],
      [B, { directline: 1, 'twilio-sms': 2, zalo: 1 }, 4],
    ]);
    expect(report.totals.questions).toBe(7);
  });

  it('counts outcomes, the deflection rate and the unanswered trend', () => {
    const [a, b] = report.daily;
    expect(a.outcomes).toEqual({
      answered: 2,
      clarified: 1,
      refused: 1,
      fallback: 0,
      handedOff: 0,
      smallTalk: 1,
    });
    expect(a.deflectionRate).toBe(1);
    expect(a.unanswered).toBe(3);
    expect(b.outcomes).toEqual({
      answered: 2,
      clarified: 0,
      refused: 0,
      fallback: 1,
      handedOff: 2,
      smallTalk: 0,
    });
    expect(b.deflectionRate).toBe(0.4);
    expect(b.unanswered).toBe(2);
    expect(report.totals).toMatchObject({
      outcomes: { answered: 4, clarified: 1, refused: 1, fallback: 1, handedOff: 2, smallTalk: 1 },
      deflected: 6,
      deflectionBase: 9,
      deflectionRate: 0.667,
      unanswered: 5,
      botReplies: 10,
    });
    expect(report.outcomeLabels.map((o: Json) => o.key)).toEqual([
      'answered',
      'clarified',
      'refused',
      'fallback',
      'handedOff',
      'smallTalk',
    ]);
  });

  it('ranks procedures and facets of the answers', () => {
    expect(report.procedures).toEqual([
      { key: 'ho-tich/khai-sinh', label: title('ho-tich/khai-sinh'), count: 2, share: 0.5 },
      { key: 'ho-tich/ket-hon', label: title('ho-tich/ket-hon'), count: 1, share: 0.25 },
      { key: 'ly-lich-tu-phap/cap-phieu', label: title('ly-lich-tu-phap/cap-phieu'), count: 1, share: 0.25 },
    ]);
    expect(report.facets).toEqual([
      { key: 'documents', label: 'Giấy tờ cần nộp', count: 2, share: 0.5 },
      { key: 'fee', label: 'Lệ phí', count: 2, share: 0.5 },
    ]);
  });

  it('gives handoffs and median waits per request day and over the range', () => {
    expect(report.daily.map((d: Json) => d.handoffs)).toEqual([
      { requested: 3, claimed: 3, medianWaitSeconds: 60 },
      { requested: 2, claimed: 1, medianWaitSeconds: 240 },
    ]);
    expect(report.totals.handoffs).toEqual({ requested: 5, claimed: 4, medianWaitSeconds: 120 });
  });

  it('gives CSAT and thumbs', () => {
    expect(report.daily.map((d: Json) => d.csat)).toEqual([
      { count: 1, average: 5 },
      { count: 2, average: 3 },
    ]);
    expect(report.csat).toEqual({
      count: 3,
      average: 3.67,
      distribution: [
        { rating: 1, count: 0 },
        { rating: 2, count: 1 },
        { rating: 3, count: 0 },
        { rating: 4, count: 1 },
        { rating: 5, count: 1 },
      ],
    });
    expect(report.thumbs).toEqual({ up: 1, down: 1 });
  });

  it('defaults to the 30 Vietnam days ending on the server day, and takes one day', async () => {
    const all = await editor.json('GET', '/editor/api/stats');
    expect([all.from, all.to, all.daily.length]).toEqual(['2026-11-03', '2026-12-02', 30]);
    expect(all.daily[0].questionsTotal).toBe(1);
    expect(all.daily.at(-1).questionsTotal).toBe(1);
    expect(all.totals.questions).toBe(10);
    expect(all.daily.find((d: Json) => d.day === '2026-11-15')).toMatchObject({
      questions: {},
      questionsTotal: 0,
      deflectionRate: null,
      handoffs: { requested: 0, claimed: 0, medianWaitSeconds: null },
      csat: { count: 0, average: null },
    });
    const one = await editor.json('GET', `/editor/api/stats?from=${B}&to=${B}`);
    expect(one.daily.map((d: Json) => d.day)).toEqual([B]);
    expect(one.totals.handoffs).toEqual({ requested: 2, claimed: 1, medianWaitSeconds: 240 });
    const fromOnly = await editor.json('GET', `/editor/api/stats?from=${A}`);
    expect([fromOnly.from, fromOnly.to]).toEqual([A, '2026-12-02']);
    const toOnly = await editor.json('GET', `/editor/api/stats?to=${A}`);
    expect([toOnly.from, toOnly.to, toOnly.daily.length]).toEqual(['2026-11-01', A, 30]);
  });

  it('names why each reply is unanswered, in line with the predicate', async () => {
    const { rows } = await server.db.pool.query<{
      decision: string | null;
      reason: string | null;
      hit: boolean | null;
    }>(
      `SELECT m.decision, ${unansweredReasonSql('m')} AS reason, ${UNANSWERED_REPLY_SQL} AS hit
       FROM messages m WHERE m.direction = 'out' ORDER BY m.id`,
    );
    expect(rows.map((r) => r.reason)).toEqual([
      null,
      'low_confidence',
      'clarify',
      null,
      'low_confidence',
      'thumbs_down',
      'fallback',
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      'fallback',
    ]);
    for (const r of rows) expect(r.hit === true).toBe(r.reason !== null);
  });
});

describe('stats CSV', () => {
  const csv = async (query: string) => {
    const res = await editor.request('GET', `/editor/api/stats.csv?${query}`);
    const bytes = Buffer.from(await res.arrayBuffer());
    return { res, bytes, text: bytes.toString('utf8') };
  };

  it('sends the daily table with a BOM, headers and quoted fields', async () => {
    const { res, bytes, text } = await csv(`from=${A}&to=${B}&table=daily`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="thong-ke-daily-${A}-${B}.csv"`,
    );
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(text.slice(1).split('\r\n')).toEqual([
      'Ngày,Câu hỏi – Web chat,Câu hỏi – SMS,Câu hỏi – Zalo,Câu hỏi – tổng,Trả lời,Hỏi lại cho rõ,' +
        'Từ chối (ngoài phạm vi),Không hiểu,Chuyển cán bộ,"Chào hỏi, cảm ơn",Tỷ lệ tự giải quyết,' +
        'Chưa trả lời được,Yêu cầu gặp cán bộ,Đã được nhận,Thời gian chờ trung vị (giây),Số đánh giá CSAT,' +
        'CSAT trung bình',
      `${A},2,0,1,3,2,1,1,0,0,1,1,3,3,3,60,1,5`,
      `${B},1,2,1,4,2,0,0,1,2,0,0.4,2,2,1,240,2,3`,
      '',
    ]);
  });

  it('sends procedures, facets, outcomes and CSAT', async () => {
    const lines = async (table: string) =>
      (await csv(`from=${A}&to=${B}&table=${table}`)).text.slice(1).split('\r\n');
    expect(await lines('procedures')).toEqual([
      'Hạng,Mã thủ tục,Thủ tục,Số câu trả lời,Tỷ lệ',
      `1,ho-tich/khai-sinh,${title('ho-tich/khai-sinh')},2,0.5`,
      `2,ho-tich/ket-hon,${title('ho-tich/ket-hon')},1,0.25`,
      `3,ly-lich-tu-phap/cap-phieu,${title('ly-lich-tu-phap/cap-phieu')},1,0.25`,
      '',
    ]);
    expect(await lines('facets')).toEqual([
      'Hạng,Mã nội dung,Nội dung hỏi,Số câu trả lời,Tỷ lệ',
      '1,documents,Giấy tờ cần nộp,2,0.5',
      '2,fee,Lệ phí,2,0.5',
      '',
    ]);
    expect(await lines('outcomes')).toEqual([
      'Kết quả,Số lượt,Tỷ lệ,Trên số lượt',
      'Trả lời,4,0.4,10',
      'Hỏi lại cho rõ,1,0.1,10',
      'Từ chối (ngoài phạm vi),1,0.1,10',
      'Không hiểu,1,0.1,10',
      'Chuyển cán bộ,2,0.2,10',
      '"Chào hỏi, cảm ơn",1,0.1,10',
      '"Tự giải quyết, không cần cán bộ (trả lời, hỏi lại, từ chối)",6,0.667,9',
      'Chưa trả lời được,5,0.5,10',
      '',
    ]);
    expect(await lines('csat')).toEqual([
      'Đánh giá,Số lượt',
      'CSAT 1/5,0',
      'CSAT 2/5,1',
      'CSAT 3/5,0',
      'CSAT 4/5,1',
      'CSAT 5/5,1',
      'CSAT trung bình,3.67',
      'Thích,1',
      'Không thích,1',
      '',
    ]);
  });

  it('escapes fields per RFC 4180 and defuses formulas', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('nói "có"')).toBe('"nói ""có"""');
    expect(csvField('hai\r\ndòng')).toBe('"hai\r\ndòng"');
    expect(csvField(' lề')).toBe('" lề"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField(-2)).toBe('-2');
    expect(csvField(null)).toBe('');
    expect(toCsv(['a', 'b'], [[1, 'x,y']])).toBe('\uFEFFa,b\r\n1,"x,y"\r\n');
  });
});

describe('stats ranges and access', () => {
  it.each([
    ['from after to', `from=${B}&to=${A}`],
    ['a day that does not exist', 'from=2026-02-30&to=2026-03-01'],
    ['a month that does not exist', 'from=2026-11-01&to=2026-13-01'],
    ['no leading zeros', 'from=2026-1-1&to=2026-01-31'],
    ['not a day', 'from=hôm-qua'],
    ['367 days', 'from=2025-01-01&to=2026-01-02'],
    ['two days for from', 'from=2026-11-01&from=2026-11-02&to=2026-11-30'],
  ])('refuses %s with 400 (JSON and CSV)', async (_what, query) => {
    const json = await editor.request('GET', `/editor/api/stats?${query}`);
    expect(json.status).toBe(400);
    expect(((await json.json()) as Json).error).toEqual(expect.any(String));
    const csv = await editor.request('GET', `/editor/api/stats.csv?table=daily&${query}`);
    expect(csv.status).toBe(400);
  });

  it('takes 366 days (a leap year) and refuses an unknown table', async () => {
    const year = await editor.json('GET', '/editor/api/stats?from=2024-01-01&to=2024-12-31');
    expect(year.daily).toHaveLength(366);
    const res = await editor.request('GET', `/editor/api/stats.csv?from=${A}&to=${B}&table=users`);
    expect(res.status).toBe(400);
  });

  it('parses ranges in Vietnam time', () => {
    // 16:59:59 UTC on 1 Dec is still 1 Dec in Vietnam; 17:00 UTC is 2 Dec.
    expect(parseRange({}, new Date('2026-12-01T16:59:59Z')).to).toBe('2026-12-01');
    expect(parseRange({}, new Date('2026-12-01T17:00:00Z')).to).toBe('2026-12-02');
    expect(parseRange({ from: '2026-02-27', to: '2026-03-01' }, new Date()).days).toEqual([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
    ]);
    expect(() => parseRange({ from: ['2026-01-01'] }, new Date())).toThrow(StatsRangeError);
  });

  it('lets editors and admins in, keeps agents and strangers out', async () => {
    for (const path of ['/editor/api/stats', '/editor/api/stats.csv?table=daily', '/editor/stats']) {
      expect((await agent.request('GET', path)).status).toBe(403);
      expect((await editor.request('GET', path)).status).toBe(200);
      expect((await admin.request('GET', path)).status).toBe(200);
    }
    expect((await fetch(`${server.running.url}/editor/api/stats`)).status).toBe(401);
    const page = await fetch(`${server.running.url}/editor/stats`, {
      headers: { accept: 'text/html' },
      redirect: 'manual',
    });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/agent/login?next=%2Feditor%2Fstats');
  });

  it('serves the page under the CSP and Chart.js from node_modules', async () => {
    const page = await editor.request('GET', '/editor/stats');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<a href="/editor/stats" aria-current="page">Thống kê</a>');
    expect(html).toContain('<script src="/editor/assets/vendor/chart.js"></script>');
    expect(html).toContain('<script src="/editor/assets/stats.js"></script>');
    expect(html).toContain('<canvas id="chart-questions"');
    expect(html).toContain('Tỷ lệ tự giải quyết');
    expect(html).not.toMatch(/<script>|style="/);
    const chart = await fetch(`${server.running.url}/editor/assets/vendor/chart.js`);
    expect(chart.status).toBe(200);
    expect(chart.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    expect(await chart.text()).toMatch(/^\/\*!\n \* Chart\.js v4\./);
    for (const asset of ['stats.js', 'stats.css'])
      expect((await fetch(`${server.running.url}/editor/assets/${asset}`)).status).toBe(200);
  });
});
