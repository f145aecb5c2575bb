/**
 * The OA access token in use, and its renewal through OAuth v4 (protocols.md §1.8):
 * POST {ZALO_OAUTH_BASE}/v4/oa/access_token, form body refresh_token + app_id +
 * grant_type=refresh_token, header `secret_key: <App Secret Key>`. The answer's new refresh token
 * (the old one is spent) is saved with the new access token before that is used. Concurrent callers
 * that saw the same token refused share one refresh; the token is also renewed a little before a
 * known expiry. Tokens are never logged.
 */
import { z } from 'zod';
import type { Logger } from '../../src/log';
import { describeError, joinUrl, readJson, ZaloApiError } from './http';
import type { ZaloTokenStore } from './tokens';

const refreshResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.union([z.string(), z.number()]).optional(),
});

/** Renew this long before a known expiry. */
const AHEAD_MS = 5 * 60 * 1000;

export interface AccessTokenOptions {
  oauthBase: string;
  appId: string;
  /** ZALO_APP_SECRET; without it (or without a refresh token) the token cannot be renewed. */
  appSecret: string | undefined;
  store: ZaloTokenStore;
  log: Logger;
  timeoutMs: number;
}

export class AccessTokens {
  private refreshing: Promise<string> | undefined;
  private lastRenewal: { from: string; to: string } | undefined;

  constructor(private readonly options: AccessTokenOptions) {}

  /** The token to send with; renewed first when it is known to expire within minutes. */
  async current(): Promise<string> {
    const tokens = await this.options.store.load();
    if (
      tokens.expiresAt !== undefined &&
      Date.now() > tokens.expiresAt - AHEAD_MS &&
      this.canRefresh(tokens)
    ) {
      try {
        return await this.renew(tokens.accessToken);
      } catch (error) {
        this.options.log.warn('zalo access token renewal ahead of expiry failed', {
          error: errorText(error),
        });
      }
    }
    return tokens.accessToken;
  }

  /** Zalo refused `rejected`: returns a renewed token, refreshing once for every caller that saw it. */
  async renew(rejected: string): Promise<string> {
    if (this.refreshing) return this.refreshing;
    if (this.lastRenewal?.from === rejected) return this.lastRenewal.to;
    const tokens = await this.options.store.load();
    if (tokens.accessToken !== rejected) return tokens.accessToken;
    if (this.refreshing) return this.refreshing;
    const refreshing = this.refresh(tokens.refreshToken).finally(() => {
      this.refreshing = undefined;
    });
    this.refreshing = refreshing;
    const renewed = await refreshing;
    this.lastRenewal = { from: rejected, to: renewed };
    return renewed;
  }

  private canRefresh(tokens: { refreshToken?: string }): boolean {
    return Boolean(tokens.refreshToken && this.options.appSecret);
  }

  private async refresh(refreshToken: string | undefined): Promise<string> {
    const { oauthBase, appId, appSecret, store, log, timeoutMs } = this.options;
    if (!refreshToken || !appSecret)
      throw new ZaloApiError(
        'cannot renew the access token: ZALO_REFRESH_TOKEN and ZALO_APP_SECRET are needed',
      );
    let res: Response;
    try {
      res = await fetch(joinUrl(oauthBase, '/v4/oa/access_token'), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', secret_key: appSecret },
        body: new URLSearchParams({
          refresh_token: refreshToken,
          app_id: appId,
          grant_type: 'refresh_token',
        }).toString(),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new ZaloApiError(`access token refresh failed: ${errorText(error)}`);
    }
    const body = await readJson(res);
    const parsed = refreshResponse.safeParse(body);
    if (!res.ok || !parsed.success) {
      const code = (body as { error?: unknown } | undefined)?.error;
      throw new ZaloApiError(
        `access token refresh failed: ${describeError(body, res.status)}`,
        typeof code === 'number' ? code : undefined,
        res.status,
      );
    }
    const seconds = Number(parsed.data.expires_in);
    const expiresIn = Number.isFinite(seconds) && seconds > 0 ? seconds : 3600;
    if (!parsed.data.refresh_token)
      log.warn('zalo token refresh returned no new refresh token; keeping the old one');
    await store.save({
      accessToken: parsed.data.access_token,
      refreshToken: parsed.data.refresh_token ?? refreshToken,
      expiresAt: Date.now() + expiresIn * 1000,
    });
    log.info('zalo access token refreshed', { expiresInSeconds: expiresIn });
    return parsed.data.access_token;
  }
}

/** An error's message (errors may come from another realm, so no instanceof). */
export function errorText(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}
