/**
 * The auth middleware on a tiny express app (port 0) and a real PostgreSQL: login sets an httpOnly,
 * SameSite=Strict cookie (Secure over https); 401 without it (redirect for pages), 403 for a wrong role, 200 for the right
 * one; CSRF refused without the header and accepted with it; logout; per-IP login rate limit.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { createAuth, officer } from '../../src/auth/middleware';
import { createUser } from '../../src/auth/users';
import { createTestDatabase, dbTestLogger, type TestDatabase } from '../support/database';

const PASSWORD = 'mật khẩu cán bộ';

describe('auth middleware', () => {
  let db: TestDatabase;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    await createUser(db.pool, { username: 'agent1', password: PASSWORD, roles: ['agent'] });
    await createUser(db.pool, { username: 'boss', password: PASSWORD, roles: ['supervisor', 'admin'] });
    const auth = createAuth({ pool: db.pool, log: dbTestLogger(), loginRateLimit: 12 });
    const app = express();
    app.set('trust proxy', 'loopback');
    app.use(auth.loginRouter);
    app.get('/agent/api/queue', auth.requireRole('agent', 'supervisor'), (req, res) => {
      res.json({ user: officer(req)?.username });
    });
    app.post('/agent/api/claim', auth.requireRole('agent'), (_req, res) => {
      res.json({ claimed: true });
    });
    app.get('/agent/admin', auth.requireRole('admin'), (_req, res) => {
      res.send('<h1>admin</h1>');
    });
    await new Promise<void>((resolve) => {
      server = app.listen(0, '127.0.0.1', () => resolve());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await db.drop();
  });

  const login = async (username: string, password = PASSWORD) => {
    const res = await fetch(`${base}/agent/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const setCookie = res.headers.get('set-cookie') ?? '';
    return {
      res,
      setCookie,
      cookie: setCookie.split(';')[0]!,
      body: (await res.json()) as { csrfToken: string },
    };
  };

  it('logs in with JSON and sets an httpOnly, SameSite=Strict cookie (not Secure over http)', async () => {
    const { res, setCookie, body } = await login('agent1');
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ username: 'agent1', roles: ['agent'], csrfToken: expect.any(String) });
    expect(setCookie).toMatch(/^tltp_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toMatch(/Secure/);
  });

  it('marks the cookie Secure when the request came over https (behind a trusted proxy)', async () => {
    const res = await fetch(`${base}/agent/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
      body: JSON.stringify({ username: 'agent1', password: PASSWORD }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/; Secure/);
  });

  it('answers 401 without a cookie (redirect for pages), 403 for a wrong role, 200 for the right one', async () => {
    expect((await fetch(`${base}/agent/api/queue`)).status).toBe(401);
    expect(
      (await fetch(`${base}/agent/api/queue`, { headers: { cookie: 'tltp_session=forged' } })).status,
    ).toBe(401);
    const page = await fetch(`${base}/agent/admin`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/agent/login?next=%2Fagent%2Fadmin');

    const agent = await login('agent1');
    const forbidden = await fetch(`${base}/agent/admin`, { headers: { cookie: agent.cookie } });
    expect(forbidden.status).toBe(403);
    const ok = await fetch(`${base}/agent/api/queue`, { headers: { cookie: agent.cookie } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ user: 'agent1' });

    const boss = await login('boss');
    expect((await fetch(`${base}/agent/admin`, { headers: { cookie: boss.cookie } })).status).toBe(200);
    expect((await fetch(`${base}/agent/api/queue`, { headers: { cookie: boss.cookie } })).status).toBe(200);
  });

  it('refuses unsafe methods without the CSRF header and accepts them with it', async () => {
    const { cookie, body } = await login('agent1');
    const claim = (headers: Record<string, string>) =>
      fetch(`${base}/agent/api/claim`, { method: 'POST', headers: { cookie, ...headers } });
    expect((await claim({})).status).toBe(403);
    expect((await claim({ 'x-csrf-token': 'wrong' })).status).toBe(403);
    const other = await login('boss');
    expect((await claim({ 'x-csrf-token': other.body.csrfToken })).status).toBe(403); // another session's token
    const ok = await claim({ 'x-csrf-token': body.csrfToken });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ claimed: true });
    const session = await fetch(`${base}/agent/session`, { headers: { cookie } });
    expect(await session.json()).toEqual({ username: 'agent1', roles: ['agent'], csrfToken: body.csrfToken });
  });

  it('refuses a wrong password, logs in with a form, and logs out', async () => {
    const bad = await login('agent1', 'not the password');
    expect(bad.res.status).toBe(401);
    expect(bad.setCookie).toBe('');

    const form = await fetch(`${base}/agent/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'agent1', password: PASSWORD }).toString(),
      redirect: 'manual',
    });
    expect(form.status).toBe(303);
    expect(form.headers.get('location')).toBe('/agent');
    const cookie = (form.headers.get('set-cookie') ?? '').split(';')[0]!;
    const { csrfToken } = (await (await fetch(`${base}/agent/session`, { headers: { cookie } })).json()) as {
      csrfToken: string;
    };

    expect((await fetch(`${base}/agent/logout`, { method: 'POST', headers: { cookie } })).status).toBe(403);
    const out = await fetch(`${base}/agent/logout`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrfToken },
    });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^tltp_session=;.*Expires=Thu, 01 Jan 1970/);
    expect((await fetch(`${base}/agent/api/queue`, { headers: { cookie } })).status).toBe(401);
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM audit_log WHERE action = 'logout'");
    expect(rows[0].n).toBe(1);
  });

  it('limits login attempts per IP', async () => {
    let last = 0;
    for (let i = 0; i < 15 && last !== 429; i++) last = (await login('nobody', 'x')).res.status;
    expect(last).toBe(429);
  });
});
