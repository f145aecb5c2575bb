/**
 * Sends text messages through the Twilio REST API with the official client (`messages.create`), from
 * TWILIO_SMS_FROM (a number, or a Messaging Service SID starting with MG). TWILIO_API_BASE replaces
 * https://api.twilio.com in every request URL (a mock server, or nock in tests), through a
 * RequestClient subclass so the client's edge/region host rewriting never touches it.
 */
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type { Config } from '../../src/config';

const TWILIO_API = 'https://api.twilio.com';

export interface SmsSender {
  /** Resolves with the message SID; rejects when Twilio refuses or cannot be reached. */
  send(to: string, body: string): Promise<string>;
}

class RebasedRequestClient extends twilio.RequestClient {
  constructor(
    private readonly base: string,
    options: RequestClient.RequestClientOptions,
  ) {
    super(options);
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const uri = opts.uri.startsWith(TWILIO_API) ? this.base + opts.uri.slice(TWILIO_API.length) : opts.uri;
    return super.request({ ...opts, uri });
  }
}

/** A phone number an SMS can go to (E.164), not a client:, sip: or anonymous caller. */
export const isPhoneNumber = (value: string | undefined): value is string =>
  value !== undefined && /^\+\d{6,15}$/.test(value);

/** Undefined when TWILIO_SMS_FROM is not set: the voice menu then offers no SMS. */
export function createSmsSender(
  config: Pick<Config, 'TWILIO_ACCOUNT_SID' | 'TWILIO_AUTH_TOKEN' | 'TWILIO_SMS_FROM' | 'TWILIO_API_BASE'>,
): SmsSender | undefined {
  const { TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: token, TWILIO_SMS_FROM: from } = config;
  if (!sid || !token || !from) return undefined;
  const httpClient = new RebasedRequestClient(config.TWILIO_API_BASE.replace(/\/+$/, ''), {
    timeout: 8000,
    // One connection per message (SMS are rare); a `Connection: keep-alive` request also stalls nock 14.
    keepAlive: false,
    autoRetry: true,
    maxRetries: 2,
  });
  const client = twilio(sid, token, { httpClient });
  const sender = from.startsWith('MG') ? { messagingServiceSid: from } : { from };
  return {
    async send(to, body) {
      const message = await client.messages.create({ to, body, ...sender });
      return message.sid;
    },
  };
}
