/**
 * Sends one consultation message: POST {ZALO_API_BASE}/v3.0/oa/message/cs with header
 * `access_token` and body {recipient:{user_id}, message} (protocols.md §1.5). Zalo answers HTTP 200
 * with `error` 0 on success. Rate limiting (-32), HTTP 5xx and connection failures are retried with
 * exponential backoff and jitter, a bounded number of times; a refused token (-216 invalid, -220
 * expired) is renewed once and the message sent again; anything else, a timeout included (the
 * message may have gone out), fails at once.
 */
import { z } from 'zod';
import type { Logger } from '../../src/log';
import type { AccessTokens } from './access-token';
import { errorText } from './access-token';
import { describeError, joinUrl, readJson, ZaloApiError } from './http';
import type { ZaloMessage } from './render';

export const RATE_LIMITED = -32;
export const TOKEN_ERRORS: ReadonlySet<number> = new Set([-216, -220]);

export interface RetryPolicy {
  /** Tries in all for a retryable failure (the token renewal's resend is not counted). */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 8000 };

const sendResponse = z.object({
  error: z.number(),
  message: z.string().optional(),
  data: z.object({ message_id: z.string().optional() }).loose().optional(),
});

type Outcome =
  | { kind: 'sent'; messageId: string | undefined }
  | { kind: 'retry'; reason: string; code?: number; status?: number }
  | { kind: 'token'; reason: string; code: number }
  | { kind: 'fail'; reason: string; code?: number; status?: number };

export interface SendOptions {
  apiBase: string;
  tokens: AccessTokens;
  retry: RetryPolicy;
  timeoutMs: number;
  log: Logger;
}

export class ZaloMessenger {
  private readonly url: string;

  constructor(private readonly options: SendOptions) {
    this.url = joinUrl(options.apiBase, '/v3.0/oa/message/cs');
  }

  /** Sends `message` to the OA-scoped `userId`; resolves with Zalo's message id, or throws ZaloApiError. */
  async send(userId: string, message: ZaloMessage): Promise<string | undefined> {
    const body = JSON.stringify({ recipient: { user_id: userId }, message });
    const { tokens, retry } = this.options;
    let renewed = false;
    let attempt = 1;
    for (;;) {
      const token = await tokens.current();
      const outcome = await this.post(body, token);
      if (outcome.kind === 'sent') return outcome.messageId;
      if (outcome.kind === 'token' && !renewed) {
        renewed = true;
        this.options.log.warn('zalo access token refused, renewing it', { reason: outcome.reason });
        await tokens.renew(token);
        continue;
      }
      if (outcome.kind === 'retry' && attempt < retry.attempts) {
        const delayMs = backoff(attempt, retry);
        this.options.log.warn('zalo send will be retried', { reason: outcome.reason, attempt, delayMs });
        await sleep(delayMs);
        attempt += 1;
        continue;
      }
      const after = outcome.kind === 'retry' ? ` after ${attempt} attempts` : '';
      const code = 'code' in outcome ? outcome.code : undefined;
      const status = 'status' in outcome ? outcome.status : undefined;
      throw new ZaloApiError(`zalo send failed${after}: ${outcome.reason}`, code, status);
    }
  }

  private async post(body: string, token: string): Promise<Outcome> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', access_token: token },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      // A timed-out request may have been delivered: sending it again could show the answer twice
      // and spend the user's message quota, so only failures before any answer are retried.
      const name = (error as { name?: unknown } | null)?.name;
      if (name === 'TimeoutError' || name === 'AbortError')
        return { kind: 'fail', reason: `no answer within ${this.options.timeoutMs} ms (not resent)` };
      return { kind: 'retry', reason: `network: ${describeCause(error).split(token).join('***')}` };
    }
    const json = await readJson(res);
    const reason = describeError(json, res.status);
    if (res.status >= 500) return { kind: 'retry', reason, status: res.status };
    const parsed = sendResponse.safeParse(json);
    if (!parsed.success) return { kind: 'fail', reason, status: res.status };
    const code = parsed.data.error;
    if (code === 0 && res.ok) return { kind: 'sent', messageId: parsed.data.data?.message_id };
    if (TOKEN_ERRORS.has(code)) return { kind: 'token', reason, code };
    if (code === RATE_LIMITED) return { kind: 'retry', reason, code };
    return { kind: 'fail', reason, code, status: res.status };
  }
}

/** Exponential backoff with jitter: about base·2^(n-1), capped, between half and all of it. */
export function backoff(attempt: number, retry: RetryPolicy): number {
  const full = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(full / 2 + (Math.random() * full) / 2);
}

/** fetch's "fetch failed" with its cause's code (ECONNREFUSED, UND_ERR_SOCKET...). */
function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  const code = typeof cause?.code === 'string' ? ` (${cause.code})` : '';
  return `${errorText(error)}${code}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
