/**
 * Twilio as the tests play it: one account, the server's public base URL that Twilio signs over, a fake
 * REST host for nock, a caller and our line; webhooks posted form-encoded and signed with the twilio
 * package; TwiML read back (entities decoded, a tag's attributes).
 */
import twilio from 'twilio';

export const SID = `AC${'0123456789abcdef'.repeat(2)}`;
export const TOKEN = 'twilio-auth-token-for-tests';
/** PUBLIC_BASE_URL: what Twilio signs, path and query appended. */
export const BASE = 'https://ivr.tuphap.example.vn';
/** TWILIO_API_BASE: Twilio's REST API, intercepted with nock. */
export const API = 'https://api.twilio.test';
export const SMS_FROM = '+15005550006';
export const CALLER = '+84901234567';
export const LINE = '+842383000000';
export const TWILIO_ENV = {
  TWILIO_ACCOUNT_SID: SID,
  TWILIO_AUTH_TOKEN: TOKEN,
  PUBLIC_BASE_URL: BASE,
  TWILIO_SMS_FROM: SMS_FROM,
  TWILIO_API_BASE: API,
};
/** Wednesday 4 March 2026, 10:00 in Vietnam; Saturday 7 March 2026, 12:00 in Vietnam. */
export const OPEN = new Date('2026-03-04T03:00:00Z');
export const CLOSED = new Date('2026-03-07T05:00:00Z');

export interface WebhookReply {
  status: number;
  type: string;
  xml: string;
}

/**
 * Posts a webhook to the server at `serverUrl` as Twilio does. `signature` is by default the right one
 * (over BASE + path, with TOKEN); null sends none.
 */
export async function postWebhook(
  serverUrl: string,
  path: string,
  params: Record<string, string>,
  signature: string | null = twilio.getExpectedTwilioSignature(TOKEN, BASE + path, params),
): Promise<WebhookReply> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (signature !== null) headers['x-twilio-signature'] = signature;
  const res = await fetch(serverUrl + path, { method: 'POST', body: new URLSearchParams(params), headers });
  return { status: res.status, type: res.headers.get('content-type') ?? '', xml: await res.text() };
}

/** TwiML text with its XML entities decoded. */
export const decode = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** The attributes of a TwiML tag, given what stands between its name and `>`. */
export const attributes = (tag: string): Record<string, string> =>
  Object.fromEntries([...tag.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], decode(m[2] ?? '')]));

/** What Twilio sends about a call in progress from CALLER to LINE, with `extra` fields. */
export const call = (callSid: string, extra: Record<string, string> = {}) => ({
  CallSid: callSid,
  AccountSid: SID,
  From: CALLER,
  To: LINE,
  CallStatus: 'in-progress',
  ApiVersion: '2010-04-01',
  Direction: 'inbound',
  ...extra,
});
