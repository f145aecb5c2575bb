/**
 * Sends text messages through the Twilio REST API with the official client (`messages.create`,
 * rest-client.ts), from TWILIO_SMS_FROM (a number, or a Messaging Service SID starting with MG).
 */
import type { Config } from '../../src/config';
import { createRestClient } from './rest-client';

export interface SmsSender {
  /** Resolves with the message SID; rejects when Twilio refuses or cannot be reached. */
  send(to: string, body: string): Promise<string>;
}

/** A phone number an SMS can go to (E.164), not a client:, sip: or anonymous caller. */
export const isPhoneNumber = (value: string | undefined): value is string =>
  value !== undefined && /^\+\d{6,15}$/.test(value);

/** Undefined when TWILIO_SMS_FROM is not set: the voice menu then offers no SMS. */
export function createSmsSender(
  config: Pick<Config, 'TWILIO_ACCOUNT_SID' | 'TWILIO_AUTH_TOKEN' | 'TWILIO_SMS_FROM' | 'TWILIO_API_BASE'>,
): SmsSender | undefined {
  const from = config.TWILIO_SMS_FROM;
  const client = createRestClient(config);
  if (!client || !from) return undefined;
  const sender = from.startsWith('MG') ? { messagingServiceSid: from } : { from };
  return {
    async send(to, body) {
      const message = await client.messages.create({ to, body, ...sender });
      return message.sid;
    },
  };
}
