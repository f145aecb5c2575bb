/**
 * `npm run user -- add …` (src/cli/user.ts) against a real test database: adds a user with its roles,
 * refuses a duplicate, an unknown role and a weak password with exit code 1 and a clear message.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { verifyLogin } from '../../src/auth/users';
import { createTestDatabase, type TestDatabase } from '../support/database';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

describe('user CLI', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  const run = (args: string[], password = 'mật khẩu quản trị') =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        TSX,
        [path.join(ROOT, 'src', 'cli', 'user.ts'), ...args],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            DATABASE_URL: db.connectionString,
            TLTP_PASSWORD: password,
            NODE_OPTIONS: '',
          },
        },
        (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
      );
    });

  it('adds a user, then refuses the same username', async () => {
    const added = await run(['add', 'quantri', '--role', 'admin', '--role', 'agent']);
    expect(added).toMatchObject({ code: 0, stdout: 'user "quantri" added with roles admin, agent\n' });
    const login = await verifyLogin(db.pool, 'quantri', 'mật khẩu quản trị');
    expect(login).toMatchObject({ ok: true, user: { roles: ['admin', 'agent'] } });

    const again = await run(['add', 'quantri', '--role', 'agent']);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('error: user "quantri" already exists\n');
  });

  it('refuses an unknown role, a weak password and a missing username', async () => {
    const role = await run(['add', 'lan', '--role', 'root']);
    expect(role.code).toBe(1);
    expect(role.stderr).toMatch(/unknown role: root/);
    const weak = await run(['add', 'lan', '--role', 'agent'], 'short');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toMatch(/at least 10 characters/);
    const usage = await run(['add', '--role', 'agent']);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toMatch(/usage: npm run user -- add/);
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM users WHERE username = 'lan'");
    expect(rows[0].n).toBe(0);
  });
});
