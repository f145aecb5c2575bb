/**
 * Officer accounts on a real PostgreSQL: creation rules, lockout after 5 failures and unlock after
 * 15 minutes (injected clock), reset on success, and the audit trail (never the password).
 */
import { createUser, findUser, LOCK_MS, UserError, verifyLogin } from '../../src/auth/users';
import { createTestDatabase, type TestDatabase } from '../support/database';

const PASSWORD = 'một mật khẩu dài';

describe('users', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('creates a user with roles and refuses bad input', async () => {
    const user = await createUser(db.pool, {
      username: 'lan',
      password: PASSWORD,
      roles: ['agent', 'supervisor'],
    });
    expect(user).toMatchObject({ username: 'lan', roles: ['agent', 'supervisor'], failedLogins: 0 });
    expect(await findUser(db.pool, 'lan')).toMatchObject({ id: user.id });
    expect(await findUser(db.pool, 'nobody')).toBeUndefined();
    const { rows } = await db.pool.query('SELECT password_hash FROM users WHERE username = $1', ['lan']);
    expect(rows[0].password_hash).toMatch(/^scrypt\$/);

    await expect(
      createUser(db.pool, { username: 'lan', password: PASSWORD, roles: ['agent'] }),
    ).rejects.toThrow(/already exists/);
    await expect(
      createUser(db.pool, { username: 'x1', password: PASSWORD, roles: ['root'] }),
    ).rejects.toThrow(/unknown role: root/);
    await expect(
      createUser(db.pool, { username: 'x2', password: 'short', roles: ['agent'] }),
    ).rejects.toThrow(UserError);
    await expect(createUser(db.pool, { username: 'x3', password: PASSWORD, roles: [] })).rejects.toThrow(
      UserError,
    );
  });

  it('locks after 5 failures for 15 minutes, unlocks after expiry, resets on success, audits all', async () => {
    await createUser(db.pool, { username: 'minh', password: PASSWORD, roles: ['agent'] });
    let t = new Date('2026-01-01T08:00:00Z');
    const now = () => t;

    // A success resets the count of failures.
    for (let i = 0; i < 4; i++)
      expect(await verifyLogin(db.pool, 'minh', 'wrong!', { now })).toEqual({ ok: false, reason: 'invalid' });
    expect((await findUser(db.pool, 'minh'))!.failedLogins).toBe(4);
    expect((await verifyLogin(db.pool, 'minh', PASSWORD, { now })).ok).toBe(true);
    expect((await findUser(db.pool, 'minh'))!.failedLogins).toBe(0);

    for (let i = 0; i < 4; i++) await verifyLogin(db.pool, 'minh', 'wrong!', { now });
    const fifth = await verifyLogin(db.pool, 'minh', 'wrong!', { now, ip: '10.0.0.9' });
    expect(fifth).toEqual({ ok: false, reason: 'locked', lockedUntil: new Date(t.getTime() + LOCK_MS) });

    // Locked: even the right password is refused.
    t = new Date(t.getTime() + LOCK_MS - 1000);
    expect(await verifyLogin(db.pool, 'minh', PASSWORD, { now })).toMatchObject({
      ok: false,
      reason: 'locked',
    });

    // After 15 minutes: the right password works again.
    t = new Date(t.getTime() + 2000);
    const after = await verifyLogin(db.pool, 'minh', PASSWORD, { now });
    expect(after).toMatchObject({ ok: true, user: { username: 'minh', lockedUntil: null, failedLogins: 0 } });

    const { rows } = await db.pool.query(
      "SELECT action, details FROM audit_log WHERE subject = 'minh' AND action LIKE 'login.%' ORDER BY id",
    );
    const actions = rows.map((r) => r.action);
    expect(actions.filter((a) => a === 'login.failure')).toHaveLength(8);
    expect(actions.filter((a) => a === 'login.success')).toHaveLength(2);
    expect(actions).toContain('login.lockout');
    expect(actions).toContain('login.refused');
    expect(rows.find((r) => r.action === 'login.lockout').details).toMatchObject({
      ip: '10.0.0.9',
      failedLogins: 5,
    });
    const all = await db.pool.query('SELECT * FROM audit_log');
    const dump = JSON.stringify(all.rows);
    expect(dump).not.toContain(PASSWORD);
    expect(dump).not.toContain('wrong!');
  });

  it('refuses unknown users the same way and audits the attempt', async () => {
    expect(await verifyLogin(db.pool, 'ghost', PASSWORD)).toEqual({ ok: false, reason: 'invalid' });
    const { rows } = await db.pool.query("SELECT action, details FROM audit_log WHERE subject = 'ghost'");
    expect(rows).toEqual([{ action: 'login.failure', details: { reason: 'unknown user' } }]);
  });
});
