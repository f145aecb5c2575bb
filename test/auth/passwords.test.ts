/**
 * scrypt password hashes: round trip, wrong password, fresh salt each time, malformed hashes refused.
 */
import { hashPassword, verifyPassword } from '../../src/auth/passwords';

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('mật khẩu đủ dài 123');
    expect(hash).toMatch(/^scrypt\$ln=\d+,r=\d+,p=\d+\$/);
    expect(hash).not.toContain('mật khẩu');
    await expect(verifyPassword('mật khẩu đủ dài 123', hash)).resolves.toBe(true);
    await expect(verifyPassword('mật khẩu đủ dài 124', hash)).resolves.toBe(false);
    await expect(verifyPassword('', hash)).resolves.toBe(false);
  });

  it('uses a random salt, and refuses malformed or tampered hashes', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).not.toBe(b);
    await expect(verifyPassword('correct horse battery', 'plain')).resolves.toBe(false);
    await expect(verifyPassword('correct horse battery', a.replace('ln=15', 'ln=14'))).resolves.toBe(false);
    await expect(verifyPassword('correct horse battery', a.replace('ln=15', 'ln=40'))).resolves.toBe(false);
  });
});
