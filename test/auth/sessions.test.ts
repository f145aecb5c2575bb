/**
 * Sessions on a real PostgreSQL: create, verify (idle expiry moves on), expire after 8 idle hours,
 * logout; only the SHA-256 of the cookie token is stored.
 */
import { createHash } from 'node:crypto';
import {
  createSession,
  destroySession,
  purgeExpiredSessions,
  SESSION_IDLE_MS,
  verifySession,
} from '../../src/auth/sessions';
import { createUser } from '../../src/auth/users';
import { createTestDatabase, type TestDatabase } from '../support/database';

describe('sessions', () => {
  let db: TestDatabase;
  let userId: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    userId = (await createUser(db.pool, { username: 'hoa', password: 'mật khẩu dài lắm', roles: ['editor'] }))
      .id;
  });
  afterAll(async () => {
    await db.drop();
  });

  it('creates a session storing only the hash of the token, with a CSRF token', async () => {
    const t0 = new Date('2026-03-01T07:00:00Z');
    const s = await createSession(db.pool, userId, { now: () => t0 });
    expect(s.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(s.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(s.expiresAt).toEqual(new Date(t0.getTime() + SESSION_IDLE_MS));
    const { rows } = await db.pool.query('SELECT * FROM sessions');
    expect(rows).toHaveLength(1);
    expect(rows[0].id).toBe(createHash('sha256').update(s.token).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(s.token);

    const v = await verifySession(db.pool, s.token, { now: () => t0 });
    expect(v).toMatchObject({ userId, username: 'hoa', roles: ['editor'], csrfToken: s.csrfToken });
    expect(await verifySession(db.pool, 'not-a-token', { now: () => t0 })).toBeUndefined();
    expect(await verifySession(db.pool, rows[0].id, { now: () => t0 })).toBeUndefined(); // the hash is no cookie
  });

  it('expires after 8 idle hours; use keeps it alive', async () => {
    let t = new Date('2026-03-02T07:00:00Z');
    const now = () => t;
    const s = await createSession(db.pool, userId, { now });
    t = new Date(t.getTime() + SESSION_IDLE_MS - 60_000);
    expect(await verifySession(db.pool, s.token, { now })).toBeDefined(); // moves expiry on
    t = new Date(t.getTime() + SESSION_IDLE_MS - 60_000);
    const v = await verifySession(db.pool, s.token, { now });
    expect(v?.expiresAt).toEqual(new Date(t.getTime() + SESSION_IDLE_MS));
    t = new Date(t.getTime() + SESSION_IDLE_MS);
    expect(await verifySession(db.pool, s.token, { now })).toBeUndefined();
    expect(await purgeExpiredSessions(db.pool, { now })).toBeGreaterThanOrEqual(1);
  });

  it('logout ends the session', async () => {
    const s = await createSession(db.pool, userId);
    expect(await verifySession(db.pool, s.token)).toBeDefined();
    expect(await destroySession(db.pool, s.token)).toBe(true);
    expect(await verifySession(db.pool, s.token)).toBeUndefined();
    expect(await destroySession(db.pool, s.token)).toBe(false);
  });
});
