/**
 * The Twilio REST client of this channel (the official twilio package): SMS (`messages.create`),
 * outbound calls to officers (`calls.create`) and removing a handoff's emptied queue
 * (`queues(sid).remove`). TWILIO_API_BASE replaces https://api.twilio.com in every request URL (a mock
 * server, or nock in tests), through a RequestClient subclass so the client's edge/region host
 * rewriting never touches it.
 */
import twilio, { type Twilio } from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type { Config } from '../../src/config';

const TWILIO_API = 'https://api.twilio.com';

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

export type TwilioRestConfig = Pick<Config, 'TWILIO_ACCOUNT_SID' | 'TWILIO_AUTH_TOKEN' | 'TWILIO_API_BASE'>;

/** Undefined without an account SID and auth token. */
export function createRestClient(config: TwilioRestConfig): Twilio | undefined {
  const { TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: token } = config;
  if (!sid || !token) return undefined;
  const httpClient = new RebasedRequestClient(config.TWILIO_API_BASE.replace(/\/+$/, ''), {
    timeout: 8000,
    // One connection per request (they are rare); a `Connection: keep-alive` request also stalls nock 14.
    keepAlive: false,
    autoRetry: true,
    maxRetries: 2,
  });
  return twilio(sid, token, { httpClient });
}
