/**
 * The phone conversation: which TwiML answers each step of a call. A call starts with the greeting and
 * the main menu; every <Gather> posts back with the next step number and the menu it offered, so each
 * request says where the caller is. Speech goes to the bot as a question; keys pick menu entries
 * (1–4 topics, 1–3 hộ tịch, clarify candidates, 1 repeat / 2 ask again / 3 SMS after an answer and,
 * with a database, 8 👍 / 9 👎 on it once, sent to the bot as its rating choices; 0 an officer);
 * silence or a wrong key re-prompts, offers an officer the second time, says goodbye the third.
 * Per-call memory (last answer, clarify candidates) lives in a TTL cache. With a database the
 * hand-over goes through the PostgreSQL handoff queue (phone-handoff.ts): the caller waits in the
 * handoff's own Twilio queue until an officer answers from the console.
 */
import type { ChannelDeps } from '../channel';
import type { AnswerRecord, Choice } from '../../src/engine/types';
import { runBotTurn, VOICE_PREFIX } from './bot-turn';
import { maskPhone } from './mask';
import {
  describeSchedule,
  isOpen,
  nextOpening,
  speakOpening,
  type Schedule,
} from '../../src/handoff/opening-hours';
import { OUTSIDE_HOURS, type PhoneHandoff } from './phone-handoff';
import { isPhoneNumber, type SmsSender } from './sms-sender';
import { guideSms } from './sms-text';
import { cutToWords, toSpeech } from './speech-text';
import { TtlCache } from './ttl-cache';
import { HOTICH_KEYS, MAIN_KEYS, PROMPTS, RATING_KEYS, smsInvitation } from './voice-prompts';
import { connectOfficer, enqueueForOfficer, gatherMenu, newResponse, say, type Officer } from './voice-twiml';

export const MENUS = ['main', 'hotich', 'after', 'clarify', 'ask', 'closed', 'officer'] as const;
export type Menu = (typeof MENUS)[number];

export interface VoiceTurn {
  callSid: string;
  from?: string;
  to?: string;
  /** 0 for the incoming call, then 1, 2… one per request of the call. */
  step: number;
  /** The menu the caller was offered at the previous step. */
  menu: Menu;
  /** Consecutive silent or wrong answers so far. */
  miss: number;
  digits?: string;
  speech?: string;
  /** After <Dial> / <Enqueue>: how the hand-over ended. */
  officerResult?: string;
  /** After <Enqueue> into a handoff's own queue: the PostgreSQL handoff and Twilio's QueueSid. */
  handoff?: number;
  queueSid?: string;
}

export interface VoiceFlowOptions {
  deps: ChannelDeps;
  schedule: Schedule;
  now: () => Date;
  officer: Officer;
  sms?: SmsSender;
  /** With a database: hand-overs through the PostgreSQL queue. */
  phone?: PhoneHandoff;
  /** Absolute URL of the gather webhook for a step, menu and miss count (and the handoff left). */
  actionUrl: (step: number, menu: Menu, miss: number, handoff?: number) => string;
  /** Absolute URL of the hold TwiML of a handoff's queue. */
  waitUrl: (handoffId: number) => string;
}

interface CallMemory {
  /** `rating`: the bot's 👍/👎 choices for this answer, until the caller used one. */
  last?: { speech: string; record: AnswerRecord; rating?: Choice[] };
  clarify?: Choice[];
}

/** Hand-over outcomes after which the call is simply over. */
const OFFICER_DONE = new Set(['completed', 'answered', 'bridged', 'hangup']);

/** Spoken form of an answer record: title and body, about forty seconds at most. */
export function answerSpeech(record: Pick<AnswerRecord, 'title' | 'body'>): string {
  const title = record.title ? toSpeech(record.title) : '';
  return cutToWords([title, toSpeech(record.body)].filter((t) => t.length > 0).join(' '));
}

export class VoiceFlow {
  private readonly calls = new TtlCache<CallMemory>(2 * 3600_000, 20_000);

  constructor(private readonly o: VoiceFlowOptions) {}

  greet(turn: VoiceTurn): string {
    const vr = newResponse();
    say(vr, PROMPTS.greeting);
    gatherMenu(vr, this.o.actionUrl(turn.step + 1, 'main', 0), PROMPTS.mainMenu);
    return vr.toString();
  }

  async respond(turn: VoiceTurn): Promise<string> {
    try {
      return await this.route(turn);
    } catch (error) {
      this.o.deps.log.error('twilio voice turn failed', { call: turn.callSid, step: turn.step, error });
      return this.menu(turn, 'ask', [PROMPTS.error]);
    }
  }

  private async route(turn: VoiceTurn): Promise<string> {
    if (turn.menu === 'officer') return this.afterOfficer(turn);
    const digits = turn.digits?.trim() ?? '';
    const speech = turn.speech?.trim() ?? '';
    if (digits === '0') return this.handoff(turn);
    if (speech) return this.ask(turn, speech);
    if (!digits) return this.reprompt(turn, PROMPTS.notHeard);
    return (await this.key(turn, digits)) ?? this.reprompt(turn, PROMPTS.wrongKey);
  }

  /** What a key means in the menu the caller heard; undefined for a key that is not offered. */
  private async key(turn: VoiceTurn, digit: string): Promise<string | undefined> {
    const memory = this.memory(turn.callSid);
    switch (turn.menu) {
      case 'main': {
        const entry = MAIN_KEYS[digit];
        if (entry === undefined) return undefined;
        return typeof entry === 'string' ? this.ask(turn, entry) : this.menu(turn, entry.menu);
      }
      case 'hotich': {
        const question = HOTICH_KEYS[digit];
        return question === undefined ? undefined : this.ask(turn, question);
      }
      case 'clarify': {
        const choice = memory.clarify?.[Number(digit) - 1];
        return choice ? this.ask(turn, choice.value) : undefined;
      }
      case 'after':
        if (digit === '1')
          return memory.last ? this.menu(turn, 'after', [memory.last.speech]) : this.menu(turn, 'main');
        if (digit === '2') return this.menu(turn, 'ask');
        if (digit === '3' && this.canSendGuide(memory)) return this.sendGuide(turn, memory);
        if (RATING_KEYS[digit] !== undefined && memory.last?.rating)
          return this.rate(turn, memory, memory.last.rating[RATING_KEYS[digit]]);
        return undefined;
      case 'closed':
        if (digit === '1' && this.o.sms) return this.inviteBySms(turn);
        if (digit === '2') return this.menu(turn, 'ask');
        return undefined;
      default:
        return undefined;
    }
  }

  /** A question for the bot (spoken, or the text behind a key); its decision picks the TwiML. */
  private async ask(turn: VoiceTurn, text: string): Promise<string> {
    const { deps } = this.o;
    const answer = await runBotTurn(deps, {
      conversationId: `${VOICE_PREFIX}:${turn.callSid}`,
      activityId: `${turn.callSid}:${turn.step}`,
      fromId: turn.from ?? 'unknown',
      recipientId: turn.to ?? 'bot',
      text,
    });
    const record = answer.record;
    deps.log.info('twilio voice answer', {
      call: turn.callSid,
      step: turn.step,
      from: maskPhone(turn.from),
      decision: record?.decision,
      procedure: record?.procedure,
    });
    if (!record) return this.menu(turn, 'ask', [toSpeech(answer.text)]);
    const memory = this.memory(turn.callSid);
    switch (record.decision) {
      case 'handoff':
        return this.handoff(turn);
      case 'clarify': {
        const handoffLabel = deps.engine().replies.handoff_choice.vi;
        const candidates = record.choices.filter((c) => c.value !== handoffLabel).slice(0, 9);
        if (candidates.length === 0) return this.menu(turn, 'ask');
        this.remember(turn.callSid, { ...memory, clarify: candidates });
        return this.menu(turn, 'clarify');
      }
      case 'small_talk': {
        const spoken = cutToWords(toSpeech(record.body));
        if (record.intent === 'goodbye') return this.hangUp(spoken);
        return this.menu(turn, 'ask', [spoken]);
      }
      case 'fallback':
        return this.menu(turn, 'ask', [cutToWords(toSpeech(record.body))]);
      default: {
        const speech = answerSpeech(record);
        const rating = answer.rating.length === 2 ? { rating: answer.rating } : {};
        this.remember(turn.callSid, { ...memory, last: { speech, record, ...rating } });
        return this.menu(turn, 'after', [speech]);
      }
    }
  }

  /** Silence or a wrong key: say so and offer the same menu; offer an officer the second time. */
  private reprompt(turn: VoiceTurn, reason: string): string {
    const miss = turn.miss + 1;
    if (miss >= 3) return this.hangUp(PROMPTS.goodbye);
    return this.menu(turn, turn.menu, [miss >= 2 ? PROMPTS.offerOfficer : reason], miss);
  }

  /** Optional words, then a <Gather> offering `menu`, posting back to the next step. */
  private menu(turn: VoiceTurn, menu: Menu, before: string[] = [], miss = 0): string {
    const vr = newResponse();
    say(vr, ...before);
    const target = menu === 'officer' ? 'main' : menu;
    gatherMenu(
      vr,
      this.o.actionUrl(turn.step + 1, target, miss),
      this.prompt(turn, target),
      target === 'ask' ? 8 : undefined,
    );
    return vr.toString();
  }

  private prompt(turn: VoiceTurn, menu: Menu): string {
    const memory = this.memory(turn.callSid);
    switch (menu) {
      case 'hotich':
        return PROMPTS.hotichMenu;
      case 'after': {
        const handoffLabel = this.o.deps.engine().replies.handoff_choice.vi;
        const examples = (memory.last?.record.choices ?? [])
          .filter((c) => c.value !== handoffLabel)
          .slice(0, 3)
          .map((c) => c.label.toLowerCase());
        return PROMPTS.afterMenu(this.canSendGuide(memory), examples, Boolean(memory.last?.rating));
      }
      case 'clarify':
        return PROMPTS.clarify((memory.clarify ?? []).map((c) => toSpeech(c.label).replace(/\.$/, '')));
      case 'ask':
        return PROMPTS.ask;
      case 'closed':
        return PROMPTS.closedMenu(this.o.sms !== undefined);
      default:
        return PROMPTS.mainMenu;
    }
  }

  /**
   * Key 0 or the bot's handoff: an officer within opening hours (the PostgreSQL queue when there is one,
   * else TWILIO_HANDOFF_DIAL / TWILIO_HANDOFF_QUEUE), otherwise when the centre opens.
   */
  private async handoff(turn: VoiceTurn): Promise<string> {
    const now = this.o.now();
    const { phone } = this.o;
    if (isOpen(this.o.schedule, now)) {
      const handoffId = await phone?.enqueue(turn.callSid, turn.from);
      this.o.deps.log.info('twilio handoff', {
        call: turn.callSid,
        to: handoffId !== undefined ? 'handoff queue' : 'dial' in this.o.officer ? 'dial' : 'queue',
      });
      const vr = newResponse();
      say(vr, PROMPTS.transfer);
      if (phone && handoffId !== undefined) {
        const action = this.o.actionUrl(turn.step + 1, 'officer', 0, handoffId);
        enqueueForOfficer(vr, phone.queueName(handoffId), this.o.waitUrl(handoffId), action);
      } else connectOfficer(vr, this.o.officer, this.o.actionUrl(turn.step + 1, 'officer', 0));
      return vr.toString();
    }
    // A spoken request was queued by the bot itself: nobody will answer it before the centre opens.
    await phone?.closeOpen(turn.callSid, OUTSIDE_HOURS);
    const next = nextOpening(this.o.schedule, now);
    const closed = PROMPTS.closed(next && speakOpening(next), describeSchedule(this.o.schedule, 'speech'));
    return this.menu(turn, 'closed', [closed]);
  }

  /**
   * After <Dial>/<Enqueue>: done when the officer talked or the caller hung up; back to the assistant
   * when the officer closed the handoff while the caller waited; otherwise other ways.
   */
  private async afterOfficer(turn: VoiceTurn): Promise<string> {
    const { phone } = this.o;
    if (phone && turn.handoff !== undefined) {
      await phone.left(turn.handoff, turn.callSid, turn.officerResult ?? '', turn.queueSid);
      if (turn.officerResult === 'leave') return this.menu(turn, 'ask', [PROMPTS.backToBot]);
    }
    if (OFFICER_DONE.has(turn.officerResult ?? '')) {
      const vr = newResponse();
      vr.hangup();
      return vr.toString();
    }
    this.o.deps.log.warn('twilio officer not reached', { call: turn.callSid, result: turn.officerResult });
    return this.menu(turn, 'closed', [PROMPTS.officerBusy]);
  }

  /** Key 8 or 9 after an answer: the rating goes to the bot (stored there); its thanks, then the menu again. */
  private async rate(turn: VoiceTurn, memory: CallMemory, choice: Choice | undefined): Promise<string> {
    if (!choice || !memory.last) return this.menu(turn, 'after');
    const answer = await runBotTurn(this.o.deps, {
      conversationId: `${VOICE_PREFIX}:${turn.callSid}`,
      activityId: `${turn.callSid}:${turn.step}`,
      fromId: turn.from ?? 'unknown',
      recipientId: turn.to ?? 'bot',
      text: choice.value,
    });
    const last = { ...memory.last };
    delete last.rating;
    this.remember(turn.callSid, { ...memory, last });
    // Only the thanks itself: the menu that follows says how to ask again or reach an officer.
    const thanks = toSpeech(answer.text).split(/(?<=[.!?])\s/)[0] ?? '';
    return this.menu(turn, 'after', [thanks]);
  }

  private canSendGuide(memory: CallMemory): boolean {
    return this.o.sms !== undefined && Boolean(memory.last?.record.procedure);
  }

  private async sendGuide(turn: VoiceTurn, memory: CallMemory): Promise<string> {
    const record = memory.last?.record;
    if (!record?.procedure) return this.menu(turn, 'after');
    const guide = this.o.deps.engine().guide(record.procedure);
    const sent = await this.sendSms(turn, guideSms(record, guide));
    return this.menu(turn, 'after', [sent]);
  }

  private async inviteBySms(turn: VoiceTurn): Promise<string> {
    const sent = await this.sendSms(turn, smsInvitation(describeSchedule(this.o.schedule, 'text')));
    if (sent !== PROMPTS.smsSent) return this.menu(turn, 'closed', [sent]);
    return this.hangUp(`${PROMPTS.smsInviteSent} ${PROMPTS.goodbye}`);
  }

  /** Sends a text to the caller; returns what to say about it. */
  private async sendSms(turn: VoiceTurn, body: string): Promise<string> {
    if (!this.o.sms) return PROMPTS.smsFailed;
    if (!isPhoneNumber(turn.from)) return PROMPTS.smsNoNumber;
    try {
      const sid = await this.o.sms.send(turn.from, body);
      this.o.deps.log.info('twilio sms sent', { call: turn.callSid, to: maskPhone(turn.from), sid });
      return PROMPTS.smsSent;
    } catch (error) {
      this.o.deps.log.warn('twilio sms failed', {
        call: turn.callSid,
        to: maskPhone(turn.from),
        error: (error instanceof Error ? error.message : String(error)).replace(
          /\+?\d[\d\s.-]{5,}\d/g,
          (n) => maskPhone(n) ?? '',
        ),
      });
      return PROMPTS.smsFailed;
    }
  }

  private hangUp(text: string): string {
    const vr = newResponse();
    say(vr, text);
    vr.hangup();
    return vr.toString();
  }

  private memory(callSid: string): CallMemory {
    return this.calls.get(callSid) ?? {};
  }

  private remember(callSid: string, memory: CallMemory): void {
    this.calls.set(callSid, memory);
  }
}
