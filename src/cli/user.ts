/**
 * Officer accounts from the command line (the admin bootstrap):
 *   npm run user -- add <username> --role admin [--role agent …] [--phone +84…]
 *   npm run user -- phone <username> <+84…|sip:…|none>
 * The password comes from TLTP_PASSWORD, else it is asked twice on the terminal without echo. The phone
 * is the officer's own number, rung when they answer a caller from the console (officer-phone.ts).
 * Uses the app's database (DATABASE_URL, or the embedded one). Bad input (unknown role, weak password,
 * existing user, malformed phone) → a clear message and exit code 1.
 */
import { openDatabase } from '../db/database';
import { normalizeOfficerPhone, setOfficerPhone } from '../auth/officer-phone';
import { createUser, UserError, validateNewUser } from '../auth/users';
import { maskPersonalData } from '../log';
import { runCli } from './run-cli';

const USAGE =
  'usage: npm run user -- add <username> --role <agent|supervisor|editor|admin> [--role …] [--phone +84…]\n' +
  '       npm run user -- phone <username> <+84…|sip:…|none>';

function parseAdd(args: string[]): { username: string; roles: string[]; phone?: string } {
  const roles: string[] = [];
  const positional: string[] = [];
  let phone: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--role' || arg === '-r') {
      const value = args[++i];
      if (!value) throw new UserError(`--role needs a value\n${USAGE}`);
      roles.push(...value.split(',').map((r) => r.trim()));
    } else if (arg.startsWith('--role=')) {
      roles.push(
        ...arg
          .slice('--role='.length)
          .split(',')
          .map((r) => r.trim()),
      );
    } else if (arg === '--phone' || arg.startsWith('--phone=')) {
      const value = arg === '--phone' ? args[++i] : arg.slice('--phone='.length);
      if (!value) throw new UserError(`--phone needs a value\n${USAGE}`);
      phone = normalizeOfficerPhone(value);
    } else if (arg.startsWith('-')) {
      throw new UserError(`unknown option ${arg}\n${USAGE}`);
    } else positional.push(arg);
  }
  if (positional.length !== 1) throw new UserError(USAGE);
  return { username: positional[0]!, roles, ...(phone !== undefined && { phone }) };
}

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    return Promise.reject(new UserError('no terminal to ask the password on: set TLTP_PASSWORD'));
  }
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          finish();
          reject(new UserError('cancelled'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function readPassword(): Promise<string> {
  const fromEnv = process.env.TLTP_PASSWORD;
  if (fromEnv) return fromEnv;
  const first = await promptHidden('Password: ');
  const again = await promptHidden('Password (again): ');
  if (first !== again) throw new UserError('the passwords differ');
  return first;
}

runCli(async ({ config, log }, args) => {
  const [command, ...rest] = args;
  if (command !== 'add' && command !== 'phone') {
    process.stderr.write(`${USAGE}\n`);
    return 1;
  }
  try {
    if (command === 'phone') {
      const [username, value, ...extra] = rest;
      if (!username || !value || extra.length > 0) throw new UserError(USAGE);
      const phone = value === 'none' ? null : normalizeOfficerPhone(value);
      const database = await openDatabase(config, log);
      try {
        await setOfficerPhone(database.pool, username, phone, 'cli');
      } finally {
        await database.close();
      }
      const shown = phone === null ? 'removed' : `set to ${maskPersonalData(phone)}`;
      process.stdout.write(`phone of "${username}" ${shown}\n`);
      return 0;
    }
    const { username, roles, phone } = parseAdd(rest);
    validateNewUser({ username, roles, password: 'x'.repeat(64) }); // username and roles before asking
    const password = await readPassword();
    validateNewUser({ username, roles, password });
    const database = await openDatabase(config, log);
    try {
      const user = await createUser(database.pool, { username, password, roles }, 'cli');
      if (phone !== undefined) await setOfficerPhone(database.pool, user.username, phone, 'cli');
      const withPhone = phone === undefined ? '' : ` and phone ${maskPersonalData(phone)}`;
      process.stdout.write(`user "${user.username}" added with roles ${user.roles.join(', ')}${withPhone}\n`);
    } finally {
      await database.close();
    }
    return 0;
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    process.stderr.write(`error: ${err.message}\n`);
    return 1;
  }
});
