/**
 * The Twilio channel: Voice IVR (`POST /webhooks/twilio/voice`, `/voice/gather`, the hold TwiML of a
 * handoff's queue `/voice/wait`) and SMS (`POST /webhooks/twilio/sms`). On when TWILIO_ACCOUNT_SID,
 * TWILIO_AUTH_TOKEN and PUBLIC_BASE_URL are set; otherwise its paths answer 503. Every request is
 * form-parsed, signature-checked (403), validated (400) and deduplicated: a retry of the same
 * (CallSid, step) or MessageSid gets the same TwiML without running the bot again. With a database it
 * registers, for the console, the SMS sender ('twilio-sms') and the call bridge ('twilio').
 * `createTwilioChannel({ now })` injects the clock (opening hours) for tests.
 */
import express, { Router, type Request, type Response } from 'express';
import { offRouter, type ChannelDeps, type ChannelModule, type MountedChannel } from '../channel';
import { SMS_PREFIX, VOICE_PREFIX } from './bot-turn';
import { maskPhone } from './mask';
import { callSchema, gatherQuerySchema, smsSchema, waitQuerySchema } from './payloads';
import { PhoneHandoff } from './phone-handoff';
import { createRestClient } from './rest-client';
import { verifyTwilioSignature } from './signature';
import { SmsContacts } from './sms-contacts';
import { createSmsSender, type SmsSender } from './sms-sender';
import { SmsConversation } from './sms-conversation';
import { ReplayCache } from './ttl-cache';
import { VoiceFlow, type Menu, type VoiceTurn } from './voice-flow';

export const TWILIO_PATH = '/webhooks/twilio';

export interface TwilioChannelOptions {
  /** The clock for opening hours (default: the system clock). */
  now?: () => Date;
  /** Replaces the SMS sender built from configuration (tests, other providers). */
  sms?: SmsSender;
}

const REQUIRED = ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'PUBLIC_BASE_URL'] as const;

function sendTwiml(res: Response, twiml: string): void {
  res.status(200).type('text/xml').send(twiml);
}

function badRequest(res: Response, message: string): void {
  res.status(400).json({ error: message });
}

function mount(deps: ChannelDeps, options: TwilioChannelOptions, authToken: string, base: string): Router {
  const { config, log } = deps;
  const replay = new ReplayCache();
  const smsSender = options.sms ?? createSmsSender(config);
  const phone = deps.handoff
    ? new PhoneHandoff({ handoff: deps.handoff, config, log, client: createRestClient(config) })
    : undefined;
  const voice = new VoiceFlow({
    deps,
    schedule: config.OPENING_HOURS,
    now: options.now ?? (() => new Date()),
    officer: config.TWILIO_HANDOFF_DIAL
      ? { dial: config.TWILIO_HANDOFF_DIAL }
      : { queue: config.TWILIO_HANDOFF_QUEUE },
    sms: smsSender,
    ...(phone && { phone }),
    actionUrl: (step: number, menu: Menu, miss: number, handoff?: number) =>
      `${base}${TWILIO_PATH}/voice/gather?step=${step}&menu=${menu}${miss > 0 ? `&miss=${miss}` : ''}` +
      (handoff === undefined ? '' : `&handoff=${handoff}`),
    waitUrl: (handoff: number) => `${base}${TWILIO_PATH}/voice/wait?handoff=${handoff}`,
  });
  const contacts = deps.database ? new SmsContacts(deps.database.pool, authToken) : undefined;
  const sms = new SmsConversation(deps, config.OPENING_HOURS, contacts, smsSender);
  // Officers' replies and the CSAT question reach texters by SMS; the console's "answer" rings the
  // officer and bridges them to the caller waiting in the handoff's queue (phone-handoff.ts).
  if (contacts) deps.outbound?.registerSender(SMS_PREFIX, (id, text, o) => sms.deliver(id, text, o));
  if (phone) deps.outbound?.registerCallBridge(VOICE_PREFIX, phone.bridge);

  const router = Router();
  router.use(
    TWILIO_PATH,
    express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 }),
    verifyTwilioSignature(authToken, base, log),
  );

  const callTurn = (req: Request, step: number, menu: Menu, miss: number): VoiceTurn | string => {
    const body = callSchema.safeParse(req.body ?? {});
    if (!body.success) return body.error.issues[0]?.message ?? 'invalid call parameters';
    const b = body.data;
    return {
      callSid: b.CallSid,
      from: b.From,
      to: b.To,
      step,
      menu,
      miss,
      digits: b.Digits,
      speech: b.SpeechResult,
      officerResult: b.DialCallStatus ?? b.QueueResult,
      queueSid: b.QueueSid,
    };
  };

  router.post(`${TWILIO_PATH}/voice`, async (req, res) => {
    const turn = callTurn(req, 0, 'main', 0);
    if (typeof turn === 'string') return badRequest(res, turn);
    log.info('twilio call', { call: turn.callSid, from: maskPhone(turn.from) });
    sendTwiml(res, await replay.once(`${turn.callSid}:0`, async () => voice.greet(turn)));
  });

  router.post(`${TWILIO_PATH}/voice/gather`, async (req, res) => {
    const query = gatherQuerySchema.safeParse(req.query);
    if (!query.success) return badRequest(res, query.error.issues[0]?.message ?? 'invalid query');
    const turn = callTurn(req, query.data.step, query.data.menu, query.data.miss);
    if (typeof turn === 'string') return badRequest(res, turn);
    if (query.data.handoff !== undefined) turn.handoff = query.data.handoff;
    sendTwiml(res, await replay.once(`${turn.callSid}:${turn.step}`, () => voice.respond(turn)));
  });

  // Requested again each time its TwiML ends, so never replayed from the cache.
  router.post(`${TWILIO_PATH}/voice/wait`, async (req, res) => {
    const query = waitQuerySchema.safeParse(req.query);
    if (!query.success) return badRequest(res, query.error.issues[0]?.message ?? 'invalid query');
    const body = callSchema.safeParse(req.body ?? {});
    if (!body.success) return badRequest(res, body.error.issues[0]?.message ?? 'invalid call parameters');
    if (!phone) {
      res.status(404).json({ error: 'no handoff queue without a database' });
      return;
    }
    sendTwiml(res, await phone.waitTwiml(query.data.handoff, body.data.CallSid));
  });

  router.post(`${TWILIO_PATH}/sms`, async (req, res) => {
    const body = smsSchema.safeParse(req.body ?? {});
    if (!body.success) return badRequest(res, body.error.issues[0]?.message ?? 'invalid message parameters');
    const m = body.data;
    const twiml = await replay.once(`sms:${m.MessageSid}`, () =>
      sms.reply({ messageSid: m.MessageSid, from: m.From, to: m.To, body: m.Body }),
    );
    sendTwiml(res, twiml);
  });
  return router;
}

export function createTwilioChannel(options: TwilioChannelOptions = {}): ChannelModule {
  return {
    name: 'twilio',
    create(deps: ChannelDeps): MountedChannel {
      const { config } = deps;
      const missing = REQUIRED.filter((name) => !config[name]);
      const sid = config.TWILIO_ACCOUNT_SID;
      const token = config.TWILIO_AUTH_TOKEN;
      const base = config.PUBLIC_BASE_URL;
      let reason: string | undefined;
      if (missing.length > 0 || !sid || !token || !base) reason = `${missing.join(', ')} not set`;
      else if (!sid.startsWith('AC')) reason = 'TWILIO_ACCOUNT_SID must start with AC';
      if (reason !== undefined || !token || !base) {
        const router = Router();
        router.use(TWILIO_PATH, offRouter(Router(), 'twilio', reason ?? 'not configured'));
        return { router, off: reason };
      }
      return { router: mount(deps, options, token, base.replace(/\/+$/, '')) };
    },
  };
}

export const twilioChannel: ChannelModule = createTwilioChannel();
