/**
 * Bulletins to the OA's followers (the Broadcaster of src/handoff/broadcaster.ts, used by the bulletin
 * scheduler of src/bulletins). protocols.md §1 covers the consultation API only; the calls below are the
 * OA API v3 ones used for this by the integrations it cites (the redai-zalo-sdk docs, Z5) and by other
 * public OA integrations:
 *  - followers: GET {ZALO_API_BASE}/v3.0/oa/user/getlist?data={"offset":n,"count":50,"is_follower":true},
 *    answer {error:0, data:{total, users:[{user_id}]}} (50 at most a page);
 *  - one follower: POST /v3.0/oa/message/promotion, the "tin truyền thông" (promotion) message type
 *    meant for informing followers, body {recipient:{user_id}, message:{attachment:{type:"template",
 *    payload:{template_type:"promotion", elements:[header ≤ 100 characters, text], buttons:[oa.open.url]}}}}.
 * The OA-wide "broadcast" of v2 (POST /v2.0/oa/message with recipient.target) sends only an article
 * made beforehand in the OA's article manager and reports no result per follower, so it is not used.
 * Quotas and quiet hours as Zalo reports them (protocols.md §1.7): -211 the OA's quota is spent → stop,
 * the rest the next day; -218 this follower's receiving quota (1 a day, a few a month) is spent →
 * that follower the next day; -234 no promotional messages 22:00–06:00 → stop until morning. -213,
 * -217, -227, -244… are about one follower only. -32, -100, HTTP 5xx and connection failures are
 * retried with backoff, then stop for a while; -216/-220 renew the token once. Any other code (a
 * refused message type or content, a missing permission) gives the channel up for this bulletin.
 */
import { z } from 'zod';
import type {
  BroadcastMessage,
  BroadcastResult,
  Broadcaster,
  RecipientsResult,
} from '../../src/handoff/broadcaster';
import type { Logger } from '../../src/log';
import type { AccessTokens } from './access-token';
import { errorText } from './access-token';
import { describeError, joinUrl, readJson } from './http';
import { backoff, RATE_LIMITED, TOKEN_ERRORS, type RetryPolicy } from './send-message';

export const FOLLOWERS_PAGE_SIZE = 50;
export const PROMOTION_HEADER_CHARS = 100;
/** The text element's limit is not in the sources; 1,000 stays well inside what Zalo takes. */
export const PROMOTION_TEXT_CHARS = 1000;
export const LINK_BUTTON_TITLE = 'Xem chi tiết';

export const OA_QUOTA_SPENT = -211;
export const FOLLOWER_QUOTA_SPENT = -218;
export const QUIET_HOURS = -234;
/** Codes about one follower (not following, blocked, inactive, refuses this message type…). */
export const FOLLOWER_ERRORS: ReadonlySet<number> = new Set([-213, -217, -227, -230, -232, -244]);
const TRANSIENT_CODES: ReadonlySet<number> = new Set([RATE_LIMITED, -100]);

const followersResponse = z.object({
  error: z.literal(0),
  data: z
    .object({
      total: z.number().int().nonnegative().optional(),
      users: z.array(z.object({ user_id: z.string().min(1) }).loose()).default([]),
    })
    .loose(),
});

const sendResponse = z.object({
  error: z.number(),
  data: z.object({ message_id: z.string().optional() }).loose().optional(),
});

type CallOutcome =
  | { ok: true; json: unknown }
  | { ok: false; reason: string; code?: number; transient: boolean; timeout: boolean };

export interface ZaloBroadcasterOptions {
  apiBase: string;
  tokens: AccessTokens;
  retry: RetryPolicy;
  timeoutMs: number;
  log: Logger;
}

export class ZaloBroadcaster implements Broadcaster {
  constructor(private readonly options: ZaloBroadcasterOptions) {}

  async recipients(cursor: string | undefined): Promise<RecipientsResult> {
    const offset = cursor ? Number(cursor) : 0;
    const data = JSON.stringify({ offset, count: FOLLOWERS_PAGE_SIZE, is_follower: true });
    const url = `${joinUrl(this.options.apiBase, '/v3.0/oa/user/getlist')}?data=${encodeURIComponent(data)}`;
    const outcome = await this.call('GET', url, undefined);
    if (!outcome.ok) {
      const error = `followers not listed: ${outcome.reason}`;
      const withCode = outcome.code !== undefined ? { code: outcome.code } : {};
      return outcome.transient || outcome.timeout
        ? { status: 'stop', resume: 'soon', error, ...withCode }
        : { status: 'abort', error, ...withCode };
    }
    const parsed = followersResponse.safeParse(outcome.json);
    if (!parsed.success) return { status: 'abort', error: 'followers not listed: unexpected answer' };
    const targets = parsed.data.data.users.map((u) => u.user_id);
    const total = parsed.data.data.total ?? offset + targets.length;
    const end = offset + targets.length;
    return { status: 'ok', targets, next: targets.length > 0 && end < total ? String(end) : undefined };
  }

  async send(target: string, message: BroadcastMessage): Promise<BroadcastResult> {
    const body = JSON.stringify({ recipient: { user_id: target }, message: promotionMessage(message) });
    const outcome = await this.call(
      'POST',
      joinUrl(this.options.apiBase, '/v3.0/oa/message/promotion'),
      body,
    );
    if (outcome.ok) {
      const parsed = sendResponse.safeParse(outcome.json);
      const messageId = parsed.success ? parsed.data.data?.message_id : undefined;
      return { status: 'sent', ...(messageId !== undefined && { messageId }) };
    }
    const { code, reason: error } = outcome;
    const withCode = code !== undefined ? { code } : {};
    if (outcome.timeout) return { status: 'failed', error, ...withCode };
    if (code === OA_QUOTA_SPENT) return { status: 'stop', resume: 'next_day', error, ...withCode };
    if (code === QUIET_HOURS) return { status: 'stop', resume: 'morning', error, ...withCode };
    if (code === FOLLOWER_QUOTA_SPENT) return { status: 'deferred', resume: 'next_day', error, ...withCode };
    if (code !== undefined && FOLLOWER_ERRORS.has(code)) return { status: 'failed', error, ...withCode };
    if (outcome.transient) return { status: 'stop', resume: 'soon', error, ...withCode };
    return { status: 'abort', error, ...withCode };
  }

  /** One call with the token renewed once on -216/-220 and transient failures retried with backoff. */
  private async call(method: 'GET' | 'POST', url: string, body: string | undefined): Promise<CallOutcome> {
    const { tokens, retry, log } = this.options;
    let renewed = false;
    let attempt = 1;
    for (;;) {
      let token: string;
      try {
        token = await tokens.current();
      } catch (error) {
        return { ok: false, reason: errorText(error), transient: false, timeout: false };
      }
      const outcome = await this.request(method, url, body, token);
      if (outcome.ok) return outcome;
      if (outcome.code !== undefined && TOKEN_ERRORS.has(outcome.code) && !renewed) {
        renewed = true;
        log.warn('zalo access token refused, renewing it', { reason: outcome.reason });
        try {
          await tokens.renew(token);
        } catch (error) {
          return { ok: false, reason: errorText(error), transient: false, timeout: false };
        }
        continue;
      }
      if (outcome.transient && attempt < retry.attempts) {
        await sleep(backoff(attempt, retry));
        attempt += 1;
        continue;
      }
      return outcome;
    }
  }

  private async request(
    method: 'GET' | 'POST',
    url: string,
    body: string | undefined,
    token: string,
  ): Promise<CallOutcome> {
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: { access_token: token, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const name = (error as { name?: unknown } | null)?.name;
      if (name === 'TimeoutError' || name === 'AbortError')
        // It may have been delivered: never sent again (a follower would get it twice).
        return {
          ok: false,
          reason: `no answer within ${this.options.timeoutMs} ms (not resent)`,
          transient: false,
          timeout: true,
        };
      const reason = `network: ${errorText(error).split(token).join('***')}`;
      return { ok: false, reason, transient: true, timeout: false };
    }
    const json = await readJson(res);
    const reason = describeError(json, res.status);
    const code = (json as { error?: unknown } | undefined)?.error;
    const zaloCode = typeof code === 'number' ? code : undefined;
    if (res.status >= 500) return { ok: false, reason, transient: true, timeout: false };
    if (zaloCode === 0 && res.ok) return { ok: true, json };
    return {
      ok: false,
      reason,
      ...(zaloCode !== undefined && { code: zaloCode }),
      transient: zaloCode !== undefined && TRANSIENT_CODES.has(zaloCode),
      timeout: false,
    };
  }
}

/** The promotion template of one bulletin (clipped to Zalo's limits; the editor enforces them first). */
export function promotionMessage(message: BroadcastMessage): object {
  const payload = {
    template_type: 'promotion',
    language: 'VI',
    elements: [
      { type: 'header', content: clip(message.title, PROMOTION_HEADER_CHARS) },
      { type: 'text', align: 'left', content: clip(message.body, PROMOTION_TEXT_CHARS) },
    ],
    ...(message.link && {
      buttons: [{ title: LINK_BUTTON_TITLE, type: 'oa.open.url', payload: { url: message.link } }],
    }),
  };
  return { attachment: { type: 'template', payload } };
}

function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
