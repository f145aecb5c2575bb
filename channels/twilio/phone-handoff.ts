/**
 * A caller handed to an officer through the PostgreSQL handoff queue (used when the server has a
 * database, i.e. ChannelDeps.handoff is set):
 * - `enqueue`: a handoff row (channel 'twilio', reason 'ivr'; the bot's own enqueue of a spoken request
 *   is returned as is) — the console lists it with the IVR turns the transcript middleware recorded;
 * - the caller then waits in a Twilio queue of its own, `<TWILIO_HANDOFF_QUEUE>-<handoff id>`: the
 *   officer's `<Dial><Queue>` always takes the FIRST caller of a queue, so with one shared queue the
 *   officer who answers handoff 7 in the console could be bridged to the caller of handoff 5; one
 *   queue per handoff makes the bridge exact whatever order officers pick callers in;
 * - `waitTwiml` (the queue's wait URL): the caller's place in OUR queue (Twilio's own QueuePosition is
 *   always 1 in a queue of one) and the rough wait, in Vietnamese words, then a pause; `<Leave>` once
 *   the handoff was closed from the console;
 * - `left` (the <Enqueue> action): a caller who hung up (or was not queued) closes the handoff
 *   ('caller hung up'); the emptied Twilio queue is removed (queues persist otherwise);
 * - `bridge` (registered with the OutboundRegistry for 'twilio:' conversations): the console's "answer"
 *   rings the officer's phone through the REST API (calls.create) with TwiML dialling that queue.
 */
import type { Twilio } from 'twilio';
import type { Config } from '../../src/config';
import { readNumber } from '../../src/engine/text/vietnamese-numbers';
import type { HandoffService } from '../../src/handoff/bot-handoff';
import { OutboundError, type CallBridge } from '../../src/handoff/outbound';
import type { Logger } from '../../src/log';
import { VOICE_PREFIX } from './bot-turn';
import { maskPhone } from './mask';
import { PROMPTS } from './voice-prompts';
import { newResponse, officerCallTwiml, say } from './voice-twiml';

export const CALLER_HUNG_UP = 'caller hung up';
export const OUTSIDE_HOURS = 'outside opening hours';
/** Seconds of silence between two announcements of the place in the queue. */
export const WAIT_PAUSE_SECONDS = 25;
const TAKEN_PAUSE_SECONDS = 10;
const MAX_QUEUE_NAME = 64;

export interface PhoneHandoffOptions {
  handoff: HandoffService;
  config: Pick<
    Config,
    'TWILIO_HANDOFF_QUEUE' | 'TWILIO_HANDOFF_DIAL' | 'TWILIO_VOICE_FROM' | 'TWILIO_SMS_FROM'
  >;
  log: Logger;
  /** The REST client (calls to officers, removing queues). */
  client?: Twilio;
}

const conversationOf = (callSid: string) => `${VOICE_PREFIX}:${callSid}`;

export class PhoneHandoff {
  constructor(private readonly o: PhoneHandoffOptions) {}

  /** The Twilio queue of one handoff (≤ 64 characters, Twilio's limit). */
  queueName(handoffId: number): string {
    const suffix = `-${handoffId}`;
    return this.o.config.TWILIO_HANDOFF_QUEUE.slice(0, MAX_QUEUE_NAME - suffix.length) + suffix;
  }

  /** Opens (or finds) the call's handoff; undefined when PostgreSQL failed (the caller is then queued the old way). */
  async enqueue(callSid: string, from: string | undefined): Promise<number | undefined> {
    try {
      const queued = await this.o.handoff.enqueue({
        conversationId: conversationOf(callSid),
        channel: VOICE_PREFIX,
        reason: 'ivr',
        ...(from !== undefined && { userRef: from }),
      });
      this.o.log.info('twilio phone handoff queued', {
        call: callSid,
        handoff: queued.handoff.id,
        created: queued.created,
        position: queued.position,
      });
      return queued.handoff.id;
    } catch (error) {
      this.o.log.error('twilio phone handoff not queued in PostgreSQL', { call: callSid, error });
      return undefined;
    }
  }

  /** Closes the call's open handoff, if any (e.g. a spoken request the bot queued outside opening hours). */
  async closeOpen(callSid: string, reason: string): Promise<void> {
    try {
      const status = await this.o.handoff.status(conversationOf(callSid));
      if (status.state === 'queued' || status.state === 'held')
        await this.o.handoff.queue.closeBySystem(status.handoffId, reason);
    } catch (error) {
      this.o.log.warn('twilio phone handoff not closed', { call: callSid, error });
    }
  }

  /** The hold TwiML: the place in the queue and a pause; <Leave> when the handoff is no longer open. */
  async waitTwiml(handoffId: number, callSid: string): Promise<string> {
    const vr = newResponse();
    try {
      const status = await this.o.handoff.status(conversationOf(callSid));
      const open = (status.state === 'queued' || status.state === 'held') && status.handoffId === handoffId;
      if (!open) {
        vr.leave();
        return vr.toString();
      }
      const place = status.state === 'queued' ? await this.o.handoff.queue.position(handoffId) : undefined;
      if (place?.position) {
        const minutes = Math.max(1, Math.round(place.estimatedWaitSeconds / 60));
        say(vr, PROMPTS.waiting(readNumber(place.position), readNumber(minutes)));
        vr.pause({ length: WAIT_PAUSE_SECONDS });
      } else {
        say(vr, PROMPTS.officerTaking);
        vr.pause({ length: TAKEN_PAUSE_SECONDS });
      }
    } catch (error) {
      this.o.log.warn('twilio wait: queue position unavailable', {
        call: callSid,
        handoff: handoffId,
        error,
      });
      say(vr, PROMPTS.holdOn);
      vr.pause({ length: WAIT_PAUSE_SECONDS });
    }
    return vr.toString();
  }

  /**
   * The caller left the handoff's queue with `result` (QueueResult). Bridged: the officer talked to them
   * and closes the handoff from the console. Leave: it was closed already. Anything else (hangup,
   * queue-full, error): the handoff is closed. The emptied Twilio queue is removed in the background.
   */
  async left(
    handoffId: number,
    callSid: string,
    result: string,
    queueSid: string | undefined,
  ): Promise<void> {
    if (result !== 'bridged' && result !== 'leave') {
      try {
        const status = await this.o.handoff.status(conversationOf(callSid));
        if ((status.state === 'queued' || status.state === 'held') && status.handoffId === handoffId) {
          const reason = result === 'hangup' ? CALLER_HUNG_UP : `not connected (${result || 'unknown'})`;
          await this.o.handoff.queue.closeBySystem(handoffId, reason);
          this.o.log.info('twilio phone handoff closed', { call: callSid, handoff: handoffId, reason });
        }
      } catch (error) {
        this.o.log.warn('twilio phone handoff not closed', { call: callSid, handoff: handoffId, error });
      }
    }
    const client = this.o.client;
    if (client && queueSid && /^QU[0-9a-fA-F]{32}$/.test(queueSid)) {
      client
        .queues(queueSid)
        .remove()
        .catch((error: unknown) => this.o.log.warn('twilio queue not removed', { queue: queueSid, error }));
    }
  }

  /** The From of calls to officers: TWILIO_VOICE_FROM, else TWILIO_SMS_FROM when it is a number. */
  private callerId(): string | undefined {
    const { TWILIO_VOICE_FROM: voice, TWILIO_SMS_FROM: sms } = this.o.config;
    return voice ?? (sms && /^\+[1-9]\d{5,14}$/.test(sms) ? sms : undefined);
  }

  /** Rings the officer (their phone, else TWILIO_HANDOFF_DIAL) and bridges them to the caller's queue. */
  readonly bridge: CallBridge = async (callSid, request) => {
    const to = request.officerPhone ?? this.o.config.TWILIO_HANDOFF_DIAL;
    if (!to)
      throw new OutboundError(
        'no phone number for this officer: add one with `npm run user -- phone <username> +84…`, or set TWILIO_HANDOFF_DIAL',
      );
    const from = this.callerId();
    if (!from) throw new OutboundError('no number to call officers from: set TWILIO_VOICE_FROM');
    if (!this.o.client) throw new OutboundError('the Twilio REST API is not configured');
    const call = await this.o.client.calls.create({
      to,
      from,
      twiml: officerCallTwiml(this.queueName(request.handoffId)),
    });
    this.o.log.info('twilio officer call started', {
      call: callSid,
      handoff: request.handoffId,
      officerCall: call.sid,
      to: maskPhone(to),
    });
    return { callId: call.sid };
  };
}
