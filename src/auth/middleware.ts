/**
 * Express helpers for the agent console. `createAuth({ pool, log })` gives:
 * - `requireRole(...roles)`: reads the `tltp_session` cookie; no valid session → 401 JSON (APIs) or a
 *   redirect to /agent/login (pages); none of the roles → 403; unsafe methods (POST, PUT, PATCH, DELETE)
 *   also need the header `x-csrf-token` equal to the session's CSRF token → else 403. The session is then
 *   available through `officer(req)`.
 * - `loginRouter`: POST /agent/login (JSON or form; per-IP rate limit; sets the httpOnly, SameSite=Strict
 *   cookie, Secure when the request came over https — set express's "trust proxy" behind a proxy),
 *   GET /agent/session (who is logged in, and the CSRF token), POST /agent/logout.
 * Not mounted here: the server wires it.
 */
import { timingSafeEqual } from 'node:crypto';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { Pool } from 'pg';
import type { Logger } from '../log';
import { audit } from './audit';
import { createRateLimiter } from './rate-limit';
import { createSession, destroySession, SESSION_IDLE_MS, verifySession, type Session } from './sessions';
import { verifyLogin, type Role } from './users';

export const SESSION_COOKIE = 'tltp_session';
export const CSRF_HEADER = 'x-csrf-token';
export const LOGIN_PATH = '/agent/login';

export interface AuthOptions {
  pool: Pool;
  log: Logger;
  now?: () => Date;
  /** Force the cookie's Secure flag; default: when the request came over https (req.secure). */
  secureCookies?: boolean;
  /** Login attempts per IP per minute (default 10). */
  loginRateLimit?: number;
  /** Where a successful form login goes (default /agent). */
  homePath?: string;
}

export interface Auth {
  requireRole(...roles: Role[]): RequestHandler;
  loginRouter: Router;
}

const sessions = new WeakMap<Request, Session | null>();

/** The officer's session on a request that went through requireRole. */
export function officer(req: Request): Session | undefined {
  return sessions.get(req) ?? undefined;
}

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

const sameSecret = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Where a login may send the officer afterwards: a page of the console or the editor, nothing else. */
export function safeNext(value: unknown): string | undefined {
  return typeof value === 'string' && /^\/(agent|editor)(\/[\w\-/]*)?(\?[\w=&%-]*)?$/.test(value)
    ? value
    : undefined;
}
const wantsPage = (req: Request) =>
  (req.method === 'GET' || req.method === 'HEAD') &&
  !req.originalUrl.includes('/api/') &&
  req.accepts(['json', 'html']) === 'html';

/** Same-origin check for the login form (a cross-site form could log the victim into another account). */
function crossSite(req: Request): boolean {
  const origin = req.get('origin');
  if (!origin || origin === 'null') return origin === 'null';
  try {
    return new URL(origin).host !== req.get('host');
  } catch {
    return true;
  }
}

export function createAuth(options: AuthOptions): Auth {
  const { pool, log } = options;
  const now = options.now ?? (() => new Date());
  const limiter = createRateLimiter(options.loginRateLimit ?? 10, 60_000, now);

  const loadSession = async (req: Request): Promise<Session | undefined> => {
    if (sessions.has(req)) return sessions.get(req) ?? undefined;
    const token = readCookie(req, SESSION_COOKIE);
    const session = token ? await verifySession(pool, token, { now }) : undefined;
    sessions.set(req, session ?? null);
    return session;
  };

  const cookieOptions = (req: Request) => ({
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: options.secureCookies ?? req.secure,
    path: '/',
  });

  const requireRole =
    (...roles: Role[]): RequestHandler =>
    async (req, res, next) => {
      const session = await loadSession(req);
      if (!session) {
        const next = safeNext(req.originalUrl);
        if (wantsPage(req))
          res.redirect(303, next ? `${LOGIN_PATH}?next=${encodeURIComponent(next)}` : LOGIN_PATH);
        else res.status(401).json({ error: 'login required' });
        return;
      }
      if (!roles.some((r) => session.roles.includes(r))) {
        res.status(403).json({ error: 'forbidden' });
        return;
      }
      if (!SAFE_METHODS.has(req.method)) {
        const given = req.get(CSRF_HEADER);
        if (!given || !sameSecret(given, session.csrfToken)) {
          log.warn('CSRF token missing or wrong', {
            user: session.username,
            method: req.method,
            path: req.path,
          });
          res.status(403).json({ error: 'invalid CSRF token' });
          return;
        }
      }
      next();
    };

  const loginRouter = express.Router();
  const body = [express.json({ limit: '8kb' }), express.urlencoded({ extended: false, limit: '8kb' })];
  const isForm = (req: Request) => !req.is('application/json');

  loginRouter.post(LOGIN_PATH, ...body, async (req: Request, res: Response) => {
    const ip = req.ip ?? 'unknown';
    const wait = limiter.hit(ip);
    if (wait > 0) {
      log.warn('login rate limit reached', { ip });
      res.set('Retry-After', String(Math.ceil(wait / 1000)));
      res.status(429).json({ error: 'too many login attempts, try again later' });
      return;
    }
    if (crossSite(req)) {
      res.status(403).json({ error: 'cross-site login refused' });
      return;
    }
    const { username, password, next } = (req.body ?? {}) as Record<string, unknown>;
    if (typeof username !== 'string' || typeof password !== 'string' || !username || !password) {
      res.status(400).json({ error: 'username and password are required' });
      return;
    }
    if (username.length > 64 || password.length > 1024) {
      res.status(400).json({ error: 'username or password too long' });
      return;
    }
    const result = await verifyLogin(pool, username, password, { now, ip });
    if (!result.ok) {
      // Same answer for unknown users, wrong passwords and locked accounts: the audit log has the reason.
      const back = safeNext(next);
      if (isForm(req))
        res.redirect(303, `${LOGIN_PATH}?error=1${back ? `&next=${encodeURIComponent(back)}` : ''}`);
      else res.status(401).json({ error: 'invalid username or password, or account temporarily locked' });
      return;
    }
    const previous = readCookie(req, SESSION_COOKIE);
    if (previous) await destroySession(pool, previous);
    const session = await createSession(pool, result.user.id, { now });
    res.cookie(SESSION_COOKIE, session.token, cookieOptions(req));
    if (isForm(req)) {
      res.redirect(303, safeNext(next) ?? options.homePath ?? '/agent');
      return;
    }
    res.json({
      username: result.user.username,
      roles: result.user.roles,
      csrfToken: session.csrfToken,
      idleTimeoutSeconds: SESSION_IDLE_MS / 1000,
    });
  });

  loginRouter.get('/agent/session', async (req, res) => {
    const session = await loadSession(req);
    if (!session) {
      res.status(401).json({ error: 'login required' });
      return;
    }
    res.set('Cache-Control', 'no-store');
    res.json({ username: session.username, roles: session.roles, csrfToken: session.csrfToken });
  });

  loginRouter.post('/agent/logout', ...body, async (req: Request, res: Response) => {
    const token = readCookie(req, SESSION_COOKIE);
    const session = await loadSession(req);
    if (session && token) {
      const given = req.get(CSRF_HEADER) ?? (req.body as Record<string, unknown> | undefined)?._csrf;
      if (typeof given !== 'string' || !sameSecret(given, session.csrfToken)) {
        res.status(403).json({ error: 'invalid CSRF token' });
        return;
      }
      await destroySession(pool, token);
      await audit(pool, { actor: session.username, action: 'logout', subject: session.username, at: now() });
    }
    res.clearCookie(SESSION_COOKIE, cookieOptions(req));
    if (req.is('application/x-www-form-urlencoded')) res.redirect(303, LOGIN_PATH);
    else res.status(204).end();
  });

  return { requireRole, loginRouter };
}
