/**
 * Questions by text message: an incoming SMS goes to the bot (conversation `twilio-sms:<pseudonym>`,
 * an HMAC of the caller's number, so follow-ups keep their context while stored ids and logs never
 * carry the number) and the reply is TwiML <Response><Message> with plain text. A bare
 * digit answers the numbered choices of the previous reply (0 = an officer).
 */
import { createHmac } from 'node:crypto';
import twilio from 'twilio';
import type { ChannelDeps } from '../channel';
import type { Choice } from '../../src/engine/types';
import { runBotTurn } from './bot-turn';
import { maskPhone } from './mask';
import { describeSchedule, type Schedule } from '../../src/handoff/opening-hours';
import { smsReply } from './sms-text';
import { TtlCache } from './ttl-cache';

export interface IncomingSms {
  messageSid: string;
  from: string;
  to?: string;
  body: string;
}

export class SmsConversation {
  private readonly choices = new TtlCache<Choice[]>(24 * 3600_000, 20_000);

  constructor(
    private readonly deps: ChannelDeps,
    private readonly schedule: Schedule,
  ) {}

  private pseudonym(phone: string): string {
    const key = this.deps.config.TWILIO_AUTH_TOKEN ?? 'twilio-sms';
    return createHmac('sha256', key).update(phone).digest('hex').slice(0, 20);
  }

  async reply(sms: IncomingSms): Promise<string> {
    const response = new twilio.twiml.MessagingResponse();
    try {
      response.message(await this.answer(sms));
    } catch (error) {
      this.deps.log.error('twilio sms turn failed', { from: maskPhone(sms.from), error });
      response.message(this.deps.engine().replies.error.vi);
    }
    return response.toString();
  }

  private async answer(sms: IncomingSms): Promise<string> {
    const handoffLabel = this.deps.engine().replies.handoff_choice.vi;
    const answer = await runBotTurn(this.deps, {
      conversationId: `twilio-sms:${this.pseudonym(sms.from)}`,
      activityId: sms.messageSid,
      fromId: sms.from,
      recipientId: sms.to ?? 'bot',
      text: this.question(sms, handoffLabel),
    });
    const reply = smsReply(answer.record, answer.text, handoffLabel, describeSchedule(this.schedule, 'text'));
    this.choices.set(sms.from, reply.choices);
    this.deps.log.info('twilio sms answer', {
      from: maskPhone(sms.from),
      decision: answer.record?.decision,
      procedure: answer.record?.procedure,
      chars: reply.text.length,
    });
    return reply.text;
  }

  /** The text for the bot: a bare digit stands for a choice of the previous reply. */
  private question(sms: IncomingSms, handoffLabel: string): string {
    const text = sms.body.trim();
    if (!/^\d$/.test(text)) return text;
    if (text === '0') return handoffLabel;
    return this.choices.get(sms.from)?.[Number(text) - 1]?.value ?? text;
  }
}
