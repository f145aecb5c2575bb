/**
 * Direct Line tokens: compact JWTs (HS256, HMAC from node:crypto) that carry the conversation id, the
 * user id (`dl_…`; Web Chat reads the `user` claim and uses it as its own user ID, so suggested actions
 * addressed to the user show) and an expiry. Without DIRECTLINE_SECRET the signing key is random per
 * process (tokens die with it) unless a key shared through PostgreSQL is set (`useSharedKey`); with it
 * the key derives from the secret, so every process of a deployment accepts the others' tokens, and the
 * secret itself is accepted as a Bearer credential as on Azure's Direct Line. Stream tokens (scope
 * `stream`) only open the WebSocket and live a minute.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** Lifetime of a conversation token; Web Chat refreshes every 15 minutes. */
export const TOKEN_TTL_SECONDS = 1800;
/** Lifetime of the token inside a streamUrl: the client must connect within it. */
export const STREAM_TTL_SECONDS = 60;

const ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
const USER_PATTERN = /^[A-Za-z0-9_.:@-]{1,64}$/;

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');
const HEADER = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

const claimsSchema = z.object({
  conv: z.string().regex(ID_PATTERN),
  user: z.string().regex(USER_PATTERN),
  scope: z.enum(['conversation', 'stream']),
  iat: z.number().int(),
  exp: z.number().int(),
  jti: z.string(),
});

export type TokenClaims = z.infer<typeof claimsSchema>;
export type TokenScope = TokenClaims['scope'];

/** Who is calling: the deployment's secret, or the holder of a token for one conversation. */
export type Credential = { kind: 'secret' } | { kind: 'token'; claims: TokenClaims; token: string };
export type AuthFailure = 'missing' | 'invalid' | 'expired';

export interface IssuedToken {
  token: string;
  expiresIn: number;
}

export function isConversationId(id: string): boolean {
  return ID_PATTERN.test(id);
}

export function newConversationId(): string {
  return randomBytes(16).toString('base64url');
}

/** A user id for a token: the caller's own when well-formed (prefixed `dl_`), else a random one. */
export function tokenUserId(requested?: string): string {
  if (requested && USER_PATTERN.test(requested) && requested.length <= 61)
    return requested.startsWith('dl_') ? requested : `dl_${requested}`;
  return `dl_${randomBytes(12).toString('base64url')}`;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

export class TokenService {
  private key: Buffer;
  private readonly secretDigest: Buffer | undefined;

  constructor(
    secret: string | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.key = secret ? digest(`trolytuphap/directline/token-key\n${secret}`) : randomBytes(32);
    this.secretDigest = secret ? digest(secret) : undefined;
  }

  get hasSecret(): boolean {
    return this.secretDigest !== undefined;
  }

  /**
   * Without a secret: signs and verifies with this key from now on instead of the random one (the
   * deployment's key kept in PostgreSQL, shared-key.ts), so every process accepts the others' tokens.
   * Call it before issuing any token. With a secret the secret's key stays.
   */
  useSharedKey(key: Buffer): void {
    if (this.secretDigest) return;
    if (key.length < 32) throw new Error('a shared token key needs at least 32 bytes');
    this.key = digest(`trolytuphap/directline/shared-key\n${key.toString('base64')}`);
  }

  issue(conv: string, user: string, scope: TokenScope = 'conversation'): IssuedToken {
    const iat = Math.floor(this.now() / 1000);
    const ttl = scope === 'stream' ? STREAM_TTL_SECONDS : TOKEN_TTL_SECONDS;
    const claims: TokenClaims = {
      conv,
      user,
      scope,
      iat,
      exp: iat + ttl,
      jti: randomBytes(6).toString('base64url'),
    };
    const body = `${HEADER}.${b64url(JSON.stringify(claims))}`;
    return { token: `${body}.${this.sign(body)}`, expiresIn: ttl };
  }

  /** Seconds a valid token has left (at least 0). */
  remaining(claims: TokenClaims): number {
    return Math.max(0, claims.exp - Math.floor(this.now() / 1000));
  }

  verify(token: string): { ok: true; claims: TokenClaims } | { ok: false; reason: AuthFailure } {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== HEADER) return { ok: false, reason: 'invalid' };
    const [header, payload, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return { ok: false, reason: 'invalid' };
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'invalid' };
    }
    const claims = claimsSchema.safeParse(parsed);
    if (!claims.success) return { ok: false, reason: 'invalid' };
    if (claims.data.exp <= Math.floor(this.now() / 1000)) return { ok: false, reason: 'expired' };
    return { ok: true, claims: claims.data };
  }

  /** Reads `Authorization: Bearer <secret or token>` (or a bare token, for the stream's `t`). */
  authenticate(bearer: string | undefined): Credential | AuthFailure {
    const value = bearer?.trim();
    if (!value) return 'missing';
    if (this.secretDigest && timingSafeEqual(digest(value), this.secretDigest)) return { kind: 'secret' };
    const result = this.verify(value);
    return result.ok ? { kind: 'token', claims: result.claims, token: value } : result.reason;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

/** The token from an `Authorization: Bearer …` header value, if it has that form. */
export function bearerOf(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}
