/**
 * Questions by text message: an incoming SMS goes to the bot (conversation `twilio-sms:<pseudonym>`,
 * an HMAC of the caller's number, so follow-ups keep their context while stored ids and logs never
 * carry the number) and the reply is TwiML <Response><Message> with plain text (no <Message> when the
 * bot stays silent, e.g. while an officer holds the conversation). A bare digit answers the numbered
 * choices of the previous reply (0 = an officer).
 * With a database, asking for an officer queues the conversation (the bot does it; the reply gives the
 * place in the queue) and the number is kept sealed (sms-contacts.ts) so that `deliver` — the
 * OutboundRegistry sender for 'twilio-sms' — can text the officer's replies and the CSAT question.
 */
import { createHmac } from 'node:crypto';
import twilio from 'twilio';
import type { ChannelDeps } from '../channel';
import type { Choice } from '../../src/engine/types';
import { OutboundError, type OutboundOptions } from '../../src/handoff/outbound';
import { runBotTurn, SMS_PREFIX } from './bot-turn';
import { maskPhone } from './mask';
import { describeSchedule, type Schedule } from '../../src/handoff/opening-hours';
import type { SmsContacts } from './sms-contacts';
import type { SmsSender } from './sms-sender';
import { fitText, MAX_SMS_CHARS, plainText, smsReply, splitSms } from './sms-text';
import { TtlCache } from './ttl-cache';

/** Officers' replies by SMS start with this (as on Zalo), so the citizen knows a person wrote. */
export const OFFICER_PREFIX = 'Cán bộ tư pháp: ';

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
    /** With a database: where the numbers of conversations handed to an officer are kept. */
    private readonly contacts?: SmsContacts,
    private readonly sms?: SmsSender,
  ) {}

  private pseudonym(phone: string): string {
    const key = this.deps.config.TWILIO_AUTH_TOKEN ?? 'twilio-sms';
    return createHmac('sha256', key).update(phone).digest('hex').slice(0, 20);
  }

  async reply(sms: IncomingSms): Promise<string> {
    const response = new twilio.twiml.MessagingResponse();
    try {
      const text = await this.answer(sms);
      if (text) response.message(text);
    } catch (error) {
      this.deps.log.error('twilio sms turn failed', { from: maskPhone(sms.from), error });
      response.message(this.deps.engine().replies.error.vi);
    }
    return response.toString();
  }

  /**
   * The OutboundRegistry sender: `pseudonym` is the conversation id without 'twilio-sms:'. Officers'
   * replies get OFFICER_PREFIX; choices other than bare digits are numbered, and a digit in the next
   * message stands for them (the CSAT ratings 1–5 stand for themselves).
   */
  async deliver(pseudonym: string, text: string, options: OutboundOptions): Promise<void> {
    const conversationId = `${SMS_PREFIX}:${pseudonym}`;
    if (!this.sms) throw new OutboundError('TWILIO_SMS_FROM is not set: no SMS can be sent');
    const phone = await this.contacts?.phoneOf(conversationId);
    if (!phone) throw new OutboundError(`no phone number on record for ${conversationId}`);
    const choices = (options.choices ?? []).map((c) => ({ label: c, value: c }));
    const numbered = choices.some((c) => !/^\d$/.test(c.value))
      ? `\nNhắn số: ${choices.map((c, i) => `${i + 1} ${c.label}`).join(', ')}`
      : '';
    const body = (options.speaker === 'officer' ? OFFICER_PREFIX : '') + text + numbered;
    for (const part of splitSms(body)) {
      const sid = await this.sms.send(phone, part);
      this.deps.log.info('twilio sms delivered', {
        conversation: conversationId,
        sid,
        speaker: options.speaker,
      });
    }
    this.choices.set(phone, choices);
  }

  private async answer(sms: IncomingSms): Promise<string> {
    const handoffLabel = this.deps.engine().replies.handoff_choice.vi;
    const conversationId = `${SMS_PREFIX}:${this.pseudonym(sms.from)}`;
    const answer = await runBotTurn(this.deps, {
      conversationId,
      activityId: sms.messageSid,
      fromId: sms.from,
      recipientId: sms.to ?? 'bot',
      text: this.question(sms, handoffLabel),
    });
    const queued = answer.record?.handoff === true && this.deps.handoff !== undefined;
    if (queued) await this.rememberNumber(conversationId, sms.from);
    // Queued for an officer: the bot's own words (the hand-over and the place in the queue).
    const reply = queued
      ? { text: fitText(plainText(answer.text), MAX_SMS_CHARS), choices: [] }
      : smsReply(answer.record, answer.text, handoffLabel, describeSchedule(this.schedule, 'text'));
    this.choices.set(sms.from, reply.choices);
    this.deps.log.info('twilio sms answer', {
      from: maskPhone(sms.from),
      decision: answer.record?.decision,
      procedure: answer.record?.procedure,
      chars: reply.text.length,
    });
    return reply.text;
  }

  private async rememberNumber(conversationId: string, phone: string): Promise<void> {
    try {
      await this.contacts?.remember(conversationId, phone);
    } catch (error) {
      this.deps.log.warn('sms contact not stored: officer replies cannot be texted', {
        conversation: conversationId,
        error,
      });
    }
  }

  /** The text for the bot: a bare digit stands for a choice of the previous reply. */
  private question(sms: IncomingSms, handoffLabel: string): string {
    const text = sms.body.trim();
    if (!/^\d$/.test(text)) return text;
    if (text === '0') return handoffLabel;
    return this.choices.get(sms.from)?.[Number(text) - 1]?.value ?? text;
  }
}
