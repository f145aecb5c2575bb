/**
 * The supervisor view on a real PostgreSQL and the real server. A seeded day: 3 queued handoffs over 2
 * channels (one of priority 1), 1 assigned (wait 60 s), 1 closed after a claim (wait 240 s), 1
 * abandoned while queued, two CSAT ratings (4, 5) and a thumbs rating, 12 messages of which 6 bot
 * replies with an engine decision. On a fixed clock (10:00 Vietnam time) the figures are exact,
 * including the Vietnam day boundary (a handoff at 23:59 the day before is not "today", one at 00:00
 * is) and the last hour. Through HTTP: who may see the page and the API (agent 403, supervisor and
 * admin 200, anonymous 401/login), the overview of the same seeded day, the console header's link, and
 * reassigning a queued and a held handoff (audited, streamed as events, refused with 400/404/409 when
 * it cannot apply, 403 without CSRF or for an agent).
 */
import type { Pool } from 'pg';
import { createUser } from '../../src/auth/users';
import { supervisorOverview } from '../../src/console/supervisor-figures';
import { OfficerSession, type Json } from '../support/officer-session';
import { serverWithDatabase } from '../support/server-with-database';

const PASSWORD = 'mat-khau-rat-dai';

const server = serverWithDatabase();
const ids: Record<string, number> = {};

beforeAll(async () => {
  const db = server.db;
  await createUser(db.pool, { username: 'giamsat', password: PASSWORD, roles: ['supervisor'] });
  await createUser(db.pool, { username: 'quantri', password: PASSWORD, roles: ['admin'] });
  await createUser(db.pool, { username: 'canbo1', password: PASSWORD, roles: ['agent'] });
  await createUser(db.pool, { username: 'canbo2', password: PASSWORD, roles: ['agent'] });
  await createUser(db.pool, { username: 'bientap', password: PASSWORD, roles: ['editor'] });
});

const seconds = (at: Date, s: number) => new Date(at.getTime() + s * 1000);
const VN_OFFSET_MS = 7 * 3600_000;
const vnDayStart = (at: Date) =>
  new Date(Math.floor((at.getTime() + VN_OFFSET_MS) / 86400_000) * 86400_000 - VN_OFFSET_MS);

async function userId(pool: Pool, username: string): Promise<number> {
  const { rows } = await pool.query<{ id: string }>('SELECT id FROM users WHERE username = $1', [username]);
  return Number(rows[0]!.id);
}

/** One handoff (and its conversation); times relative to `at` in seconds. */
async function handoff(
  pool: Pool,
  at: Date,
  h: {
    key: string;
    conversation: string;
    channel: string;
    priority?: number;
    reason?: string;
    requested: number;
    assigned?: number;
    closed?: number;
    officer?: string;
  },
): Promise<void> {
  const status = h.closed !== undefined ? 'closed' : h.assigned !== undefined ? 'assigned' : 'queued';
  await pool.query(`INSERT INTO conversations (id, channel, state) VALUES ($1, $2, $3)`, [
    h.conversation,
    h.channel,
    status === 'queued' ? 'queued' : status === 'assigned' ? 'agent' : 'bot',
  ]);
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO handoffs (conversation_id, channel, priority, status, reason, requested_at, assigned_to,
                           assigned_at, closed_at, close_reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [
      h.conversation,
      h.channel,
      h.priority ?? 0,
      status,
      h.reason ?? 'asked',
      seconds(at, h.requested),
      h.officer ? await userId(pool, h.officer) : null,
      h.assigned === undefined ? null : seconds(at, h.assigned),
      h.closed === undefined ? null : seconds(at, h.closed),
      h.closed === undefined ? null : 'đã giải đáp',
    ],
  );
  ids[h.key] = Number(rows[0]!.id);
}

async function message(pool: Pool, at: Date, conversation: string, direction: string, decision?: string) {
  await pool.query(
    `INSERT INTO messages (conversation_id, direction, channel, text, decision, created_at)
     VALUES ($1, $2, 'directline', 'x', $3, $4)`,
    [conversation, direction, decision ?? null, at],
  );
}

/** The seeded day; every time within 10 minutes before `at`. */
async function seedDay(pool: Pool, at: Date): Promise<void> {
  await pool.query('DELETE FROM conversations'); // cascades to handoffs, messages, feedback
  await handoff(pool, at, {
    key: 'q1',
    conversation: 'directline:q1',
    channel: 'directline',
    requested: -300,
  });
  await handoff(pool, at, {
    key: 'q2',
    conversation: 'zalo:q2',
    channel: 'zalo',
    priority: 1,
    reason: 'complaint',
    requested: -120,
  });
  await handoff(pool, at, {
    key: 'q3',
    conversation: 'directline:q3',
    channel: 'directline',
    reason: 'fallback',
    requested: -60,
  });
  await handoff(pool, at, {
    key: 'a1',
    conversation: 'twilio-sms:a1',
    channel: 'twilio',
    requested: -400,
    assigned: -340,
    officer: 'canbo1',
  });
  await handoff(pool, at, {
    key: 'closed',
    conversation: 'directline:closed',
    channel: 'directline',
    requested: -600,
    assigned: -360,
    closed: -200,
    officer: 'canbo2',
  });
  await handoff(pool, at, {
    key: 'abandoned',
    conversation: 'zalo:abandoned',
    channel: 'zalo',
    requested: -500,
    closed: -450,
  });
  for (const rating of [4, 5]) {
    await pool.query(
      `INSERT INTO feedback (conversation_id, rating, kind, created_at) VALUES ('directline:closed', $1, 'csat', $2)`,
      [rating, seconds(at, -100)],
    );
  }
  await pool.query(
    `INSERT INTO feedback (conversation_id, rating, kind, created_at) VALUES ('directline:closed', 1, 'thumbs', $1)`,
    [seconds(at, -100)],
  );
  const m = (s: number, direction: string, decision?: string) =>
    message(pool, seconds(at, s), 'directline:closed', direction, decision);
  await m(-590, 'in');
  await m(-589, 'out', 'answer');
  await m(-580, 'in');
  await m(-579, 'out', 'clarify');
  await m(-570, 'in');
  await m(-569, 'out', 'answer');
  await m(-560, 'in');
  await m(-559, 'out', 'fallback');
  await m(-550, 'in');
  await m(-549, 'out', 'handoff');
  await m(-300, 'out', 'officer');
  await m(-299, 'out', 'small_talk');
}

const EXPECTED_DAY_FIGURES = {
  queueLength: {
    total: 3,
    byChannel: [
      { channel: 'directline', count: 2 },
      { channel: 'zalo', count: 1 },
    ],
  },
  handoffsToday: { requested: 6, claimed: 2, closed: 1, abandoned: 1 },
  medianWaitToClaimSeconds: { today: 150, lastHour: 150 },
  officersHolding: [{ username: 'canbo1', holding: 1 }],
  csatToday: { average: 4.5, count: 2 },
  messagesToday: {
    total: 12,
    fromCitizens: 5,
    botReplies: 6,
    answeredByBot: 4,
    handedOff: 1,
    notUnderstood: 1,
    officerReplies: 1,
    answeredShare: 0.667,
    handedOffShare: 0.167,
  },
};

describe('supervisor figures on a fixed clock', () => {
  const now = new Date('2026-03-10T03:00:00Z'); // 10:00 in Vietnam
  const midnight = new Date('2026-03-09T17:00:00Z'); // 00:00 in Vietnam, the same day

  it('gives exact figures for the seeded day', async () => {
    await seedDay(server.db.pool, now);
    const o = await supervisorOverview(server.db.pool, { now });
    expect(o.at).toEqual(now);
    expect(o.dayStart).toEqual(midnight);
    expect(o.figures).toMatchObject({ ...EXPECTED_DAY_FIGURES, longestWaitSeconds: 300 });
    expect(o.queued).toEqual([
      expect.objectContaining({ id: ids.q2, position: 1, channel: 'zalo', priority: 1, waitingSeconds: 120 }),
      expect.objectContaining({ id: ids.q1, position: 2, channel: 'directline', waitingSeconds: 300 }),
      expect.objectContaining({ id: ids.q3, position: 3, reason: 'fallback', waitingSeconds: 60 }),
    ]);
    expect(o.assigned).toEqual([
      expect.objectContaining({
        id: ids.a1,
        channel: 'twilio',
        conversationId: 'twilio-sms:a1',
        officer: 'canbo1',
        assignedAt: seconds(now, -340),
        heldSeconds: 340,
      }),
    ]);
    expect(o.officers).toEqual(['canbo1', 'canbo2', 'giamsat', 'quantri']);
  });

  it('counts from midnight Vietnam time and the last hour apart', async () => {
    // 23:59 the day before: not today (nor the last hour); 00:00 today: today, not the last hour.
    await handoff(server.db.pool, now, {
      key: 'yesterday',
      conversation: 'directline:yesterday',
      channel: 'directline',
      requested: (midnight.getTime() - now.getTime()) / 1000 - 60,
      assigned: (midnight.getTime() - now.getTime()) / 1000 - 30,
      closed: (midnight.getTime() - now.getTime()) / 1000 - 10,
      officer: 'canbo1',
    });
    await handoff(server.db.pool, now, {
      key: 'midnight',
      conversation: 'directline:midnight',
      channel: 'directline',
      requested: (midnight.getTime() - now.getTime()) / 1000,
      assigned: (midnight.getTime() - now.getTime()) / 1000 + 600,
      closed: (midnight.getTime() - now.getTime()) / 1000 + 1200,
      officer: 'canbo2',
    });
    await server.db.pool.query(
      `INSERT INTO feedback (conversation_id, rating, kind, created_at) VALUES ('directline:yesterday', 1, 'csat', $1)`,
      [seconds(midnight, -30)],
    );
    await message(server.db.pool, seconds(midnight, -1), 'directline:yesterday', 'out', 'answer');
    const o = await supervisorOverview(server.db.pool, { now });
    expect(o.figures).toMatchObject({
      handoffsToday: { requested: 7, claimed: 3, closed: 2, abandoned: 1 },
      medianWaitToClaimSeconds: { today: 240, lastHour: 150 },
      csatToday: EXPECTED_DAY_FIGURES.csatToday,
      messagesToday: EXPECTED_DAY_FIGURES.messagesToday,
    });
  });
});

/** Logs a user of the console in; `api` gives the path of a console API. */
const signIn = (username: string) => OfficerSession.login(server.running.url, username, PASSWORD);
const api = (path: string) => `/agent/api/${path}`;
const reassign = (officer: OfficerSession, id: number, to: unknown, status = 200): Promise<Json> =>
  officer.json('POST', api(`supervisor/handoffs/${id}/reassign`), { to }, status);

describe('supervisor page and API', () => {
  let supervisor: OfficerSession;
  let agent: OfficerSession;

  beforeAll(async () => {
    // Times up to 10 minutes before the anchor, all within today's Vietnam day even just after midnight.
    const now = new Date();
    const anchor = new Date(Math.max(now.getTime(), vnDayStart(now).getTime() + 11 * 60_000));
    await seedDay(server.db.pool, anchor);
    supervisor = await signIn('giamsat');
    agent = await signIn('canbo1');
  });

  it('is for supervisors and admins only', async () => {
    const anonymous = await fetch(`${server.running.url}/agent/api/supervisor/overview`);
    expect(anonymous.status).toBe(401);
    const page = await fetch(`${server.running.url}/agent/supervisor`, {
      headers: { accept: 'text/html' },
      redirect: 'manual',
    });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toMatch(/^\/agent\/login/);

    expect((await agent.request('GET', '/agent/api/supervisor/overview')).status).toBe(403);
    const refused = await agent.request('POST', `/agent/api/supervisor/handoffs/${ids.q1}/reassign`, {
      to: 'canbo1',
    });
    expect(refused.status).toBe(403);
    const agentPage = await agent.request('GET', '/agent/supervisor');
    expect(agentPage.status).toBe(403);
    expect(await agentPage.text()).toContain('Không có quyền truy cập');
    const editor = await signIn('bientap');
    expect((await editor.request('GET', '/agent/api/supervisor/overview')).status).toBe(403);

    const admin = await signIn('quantri');
    expect((await admin.request('GET', '/agent/api/supervisor/overview')).status).toBe(200);
  });

  it('serves the page with the console headers and links to it for supervisors only', async () => {
    const page = await supervisor.request('GET', '/agent/supervisor');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('Giám sát hàng chờ');
    expect(html).toContain('<script src="/agent/assets/supervisor.js"></script>');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=/);
    for (const [asset, type] of [
      ['supervisor.js', /javascript/],
      ['supervisor.css', /text\/css/],
    ] as const) {
      const res = await fetch(`${server.running.url}/agent/assets/${asset}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(type);
    }
    const consolePage = await (await supervisor.request('GET', '/agent')).text();
    expect(consolePage).toContain('href="/agent/supervisor"');
    expect(await (await agent.request('GET', '/agent')).text()).not.toContain('/agent/supervisor');
  });

  it('gives every open handoff and the figures of the seeded day', async () => {
    const o = await supervisor.json('GET', api('supervisor/overview'));
    expect(o.figures).toMatchObject(EXPECTED_DAY_FIGURES);
    expect(o.figures.longestWaitSeconds).toBe(o.queued[1].waitingSeconds);
    expect(o.queued.map((h: Json) => [h.id, h.position, h.channel, h.reason])).toEqual([
      [ids.q2, 1, 'zalo', 'complaint'],
      [ids.q1, 2, 'directline', 'asked'],
      [ids.q3, 3, 'directline', 'fallback'],
    ]);
    expect(o.assigned).toEqual([
      expect.objectContaining({
        id: ids.a1,
        officer: 'canbo1',
        channel: 'twilio',
        heldSeconds: expect.any(Number),
      }),
    ]);
    expect(Date.parse(o.at)).not.toBeNaN();
  });

  it('reassigns a queued handoff to an officer, audited', async () => {
    const done = await reassign(supervisor, ids.q2!, 'canbo2');
    expect(done).toMatchObject({
      id: ids.q2,
      status: 'assigned',
      assignedToUsername: 'canbo2',
      previousStatus: 'queued',
    });
    const { rows: conv } = await server.db.pool.query(`SELECT state FROM conversations WHERE id = 'zalo:q2'`);
    expect(conv[0].state).toBe('agent');
    const { rows: audit } = await server.db.pool.query(
      `SELECT actor, details FROM audit_log WHERE action = 'handoff.reassign' AND subject = $1`,
      [`handoff:${ids.q2}`],
    );
    expect(audit).toEqual([
      {
        actor: 'giamsat',
        details: expect.objectContaining({ previousStatus: 'queued', from: null, to: 'canbo2' }),
      },
    ]);
    const o = await supervisor.json('GET', api('supervisor/overview'));
    expect(o.queued.map((h: Json) => [h.id, h.position])).toEqual([
      [ids.q1, 1],
      [ids.q3, 2],
    ]);
    expect(o.figures.handoffsToday.claimed).toBe(3);
    // The officer now holds it: the officers' own transfer (holder only) works for them.
    const canbo2 = await signIn('canbo2');
    await canbo2.json('POST', api(`handoffs/${ids.q2}/transfer`), { to: 'canbo1' });
  });

  it('reassigns a held handoff and says so on the live events stream', async () => {
    const controller = new AbortController();
    const stream = await fetch(`${server.running.url}/agent/api/events`, {
      headers: { cookie: supervisor.cookie },
      signal: controller.signal,
    });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    let received = decoder.decode((await reader.read()).value); // ": connected"

    await reassign(supervisor, ids.a1!, 'canbo2');
    while (!received.includes(`"handoffId":${ids.a1}`)) {
      const r = await reader.read();
      if (r.done) break;
      received += decoder.decode(r.value);
    }
    controller.abort();
    await reader.cancel().catch(() => undefined);
    expect(received).toContain('event: handoff');
    expect(received).toContain(`{"type":"transferred","handoffId":${ids.a1}`);

    const { rows: audit } = await server.db.pool.query(
      `SELECT actor, details FROM audit_log WHERE action = 'handoff.reassign' AND subject = $1`,
      [`handoff:${ids.a1}`],
    );
    expect(audit).toEqual([
      {
        actor: 'giamsat',
        details: expect.objectContaining({ previousStatus: 'assigned', from: 'canbo1', to: 'canbo2' }),
      },
    ]);
    const o = await supervisor.json('GET', api('supervisor/overview'));
    expect(o.assigned.find((h: Json) => h.id === ids.a1)).toMatchObject({ officer: 'canbo2' });
    expect(o.figures.officersHolding).toEqual([
      expect.objectContaining({ username: 'canbo1', holding: 1 }),
      expect.objectContaining({ username: 'canbo2', holding: 1 }),
    ]);
  });

  it('refuses what cannot apply', async () => {
    await reassign(supervisor, ids.a1!, 'canbo2', 409); // already theirs
    await reassign(supervisor, ids.closed!, 'canbo1', 409);
    await reassign(supervisor, 999999, 'canbo1', 404);
    await reassign(supervisor, ids.q1!, 'nobody', 400);
    await reassign(supervisor, ids.q1!, 'bientap', 400); // an editor holds no handoff
    await reassign(supervisor, ids.q1!, 42, 400);
    await supervisor.json('POST', api('supervisor/handoffs/abc/reassign'), { to: 'canbo1' }, 400);
    const noCsrf = await supervisor.request(
      'POST',
      `/agent/api/supervisor/handoffs/${ids.q1}/reassign`,
      { to: 'canbo1' },
      false,
    );
    expect(noCsrf.status).toBe(403);
    const { rows } = await server.db.pool.query(`SELECT status FROM handoffs WHERE id = $1`, [ids.q1]);
    expect(rows[0].status).toBe('queued');
  });
});
