/**
 * The one bot of every channel (a botbuilder ActivityHandler): a message goes to the engine with the
 * conversation's context from botbuilder Storage, and the answer comes back as a markdown message with
 * next steps as suggested actions; the full answer record rides in channelData for channel renderers
 * (voice reads `body`, Zalo renders buttons). New members get a welcome. Non-text messages get a
 * polite request to type.
 * With a handoff service (PostgreSQL) a handoff decision queues the conversation for an officer, with
 * the engine's reason and its priority (src/handoff/reasons.ts); outside opening hours it is not queued:
 * the bot says when the centre opens and offers a callback (src/handoff/off-hours.ts). Phone calls are
 * left to the voice flow, which has its own closed-hours menu.
 * With a feedback sink (PostgreSQL) a procedure answer offers 👍/👎 and a rating is stored, never asked
 * (src/feedback/rating-flow.ts).
 */
import {
  ActivityHandler,
  ConversationState,
  MessageFactory,
  type Activity,
  type CardAction,
  type StatePropertyAccessor,
  type Storage,
  type TurnContext,
} from 'botbuilder';
import type { Engine } from '../engine/engine';
import {
  CSAT_CHOICES,
  positionMessage,
  type HandoffService,
  type HandoffStatus,
} from '../handoff/bot-handoff';
import {
  NEW_CONVERSATION,
  type AnswerRecord,
  type Choice,
  type ConversationContext,
  type HandoffReason,
} from '../engine/types';
import { OffHours, type CallbackState } from '../handoff/off-hours';
import { isOpen, type Schedule } from '../handoff/opening-hours';
import { handoffPriority } from '../handoff/reasons';
import type { FeedbackSink } from '../feedback/feedback-store';
import { RatingFlow } from '../feedback/rating-flow';
import type { RepliesFile } from '../knowledge/schema';
import { maskPersonalData, type Logger } from '../log';

/** Longest text handed to the engine; the rest of a very long message is not read. */
export const MAX_QUESTION_CHARS = 1500;

export interface AnswerChannelData {
  /** `rating`: the 👍/👎 choices offered after a procedure answer (src/feedback/rating-flow.ts). */
  trolytuphap: { record: AnswerRecord; rating?: Choice[] };
}

export function answerOf(activity: Partial<Activity>): AnswerRecord | undefined {
  return (activity.channelData as Partial<AnswerChannelData> | undefined)?.trolytuphap?.record;
}

export interface BotDeps {
  /** The current engine (a getter: publishing may swap it). */
  engine: () => Engine;
  storage: Storage;
  log: Logger;
  /** The live-officer handoff (needs PostgreSQL); without it the bot always answers itself. */
  handoff?: Pick<HandoffService, 'status' | 'enqueue' | 'transcript' | 'storeCsat' | 'requestCallback'>;
  /** Where citizens' 👍/👎 go (needs PostgreSQL); without it no rating is offered. */
  feedback?: FeedbackSink;
  /** When officers answer (OPENING_HOURS, Vietnam time); without it they always do. */
  openingHours?: Schedule;
  /** The bot's clock (opening hours, reminders); tests inject one. */
  now?: () => Date;
  /** "Tin mới" lines for the welcome (editors' bulletins, src/bulletins/welcome-news.ts). */
  news?: (channelId: string | undefined, now: Date) => Promise<string | undefined>;
}

/** Phone calls (`twilio:<CallSid>`): the voice flow handles closed hours itself. */
const isPhoneCall = (conversationId: string | undefined) => conversationId?.startsWith('twilio:') ?? false;

/** How often a citizen waiting in the queue is told again that an officer will answer. */
export const QUEUED_NOTICE_EVERY_MS = 3 * 60 * 1000;
/** Messages of the transcript attached to `handoff.initiate`. */
export const HANDOFF_TRANSCRIPT_LIMIT = 50;

/** What the bot remembers about handoffs of the conversation (bot state). */
interface HandoffMemory {
  /** When the citizen was last told they are waiting (ms since epoch). */
  noticeAt?: number;
  /** The closed handoff the CSAT state below is about. */
  csatHandoff?: number;
  csatAsked?: boolean;
  csatDone?: boolean;
}

export class AssistantBot extends ActivityHandler {
  private readonly state: ConversationState;
  private readonly context: StatePropertyAccessor<ConversationContext>;
  private readonly handoffMemory: StatePropertyAccessor<HandoffMemory>;
  private readonly callbackState: StatePropertyAccessor<CallbackState | undefined>;
  private readonly rating: RatingFlow | undefined;
  private readonly now: () => Date;

  constructor(private readonly deps: BotDeps) {
    super();
    this.now = deps.now ?? (() => new Date());
    this.state = new ConversationState(deps.storage);
    this.context = this.state.createProperty<ConversationContext>('engineContext');
    this.handoffMemory = this.state.createProperty<HandoffMemory>('handoff');
    this.callbackState = this.state.createProperty<CallbackState | undefined>('callback');
    this.rating = deps.feedback && new RatingFlow(this.state, deps.feedback, () => this.replies, deps.log);

    this.onMessage(async (turn, next) => {
      await this.answer(turn);
      await next();
    });
    this.onMembersAdded(async (turn, next) => {
      const added = turn.activity.membersAdded ?? [];
      if (added.some((m) => m.id !== turn.activity.recipient?.id)) await this.welcome(turn);
      await next();
    });
  }

  override async run(turn: TurnContext): Promise<void> {
    await super.run(turn);
    await this.state.saveChanges(turn, false);
  }

  private get replies(): RepliesFile {
    return this.deps.engine().replies;
  }

  async welcome(turn: TurnContext): Promise<void> {
    const lang = turn.activity.locale?.startsWith('en') ? 'en' : 'vi';
    const choices = this.replies.welcome_choices.map((c) => ({ label: c, value: c }));
    const news = await this.deps.news?.(turn.activity.channelId, this.now());
    const text = news ? `${this.replies.welcome[lang]}\n\n${news}` : this.replies.welcome[lang];
    await turn.sendActivity(this.message(text, choices, turn));
  }

  private async answer(turn: TurnContext): Promise<void> {
    const text = (turn.activity.text ?? '').trim();
    if (!text) {
      await turn.sendActivity(this.message(this.replies.non_text.vi, [], turn));
      return;
    }
    if (this.deps.handoff && (await this.handledByHandoff(turn, text))) return;
    if (this.deps.handoff && (await this.handledByCallback(turn, text))) return;
    if (this.rating && (await this.rating.handled(turn))) return;
    const engine = this.deps.engine();
    const context = await this.context.get(turn, NEW_CONVERSATION);
    const {
      record,
      context: next,
      handoffReason,
    } = await engine.ask(text.slice(0, MAX_QUESTION_CHARS), context);
    await this.context.set(turn, next);
    this.deps.log.info('answered', {
      channel: turn.activity.channelId,
      conversation: turn.activity.conversation?.id,
      intent: record.intent,
      procedure: record.procedure,
      facet: record.facet,
      decision: record.decision,
      confidence: record.confidence,
    });
    const onDuty = this.officersOnDuty();
    const reason = handoffReason ?? 'asked';
    if (record.handoff && !onDuty && !isPhoneCall(turn.activity.conversation?.id))
      await this.offerOutsideHours(turn, record, reason);
    if (text.length > MAX_QUESTION_CHARS)
      record.answer = `${this.replies.too_long[record.lang]}\n\n${record.answer}`;
    const reply = this.message(record.answer, record.choices, turn);
    reply.channelData = { trolytuphap: { record } } satisfies AnswerChannelData;
    reply.locale = record.lang === 'en' ? 'en-US' : 'vi-VN';
    await this.rating?.offer(turn, reply, record);
    await turn.sendActivity(reply);
    if (record.handoff && this.deps.handoff && onDuty) await this.startHandoff(turn, record, reason);
  }

  /** True inside opening hours (always without a schedule). */
  private officersOnDuty(): boolean {
    return !this.deps.openingHours || isOpen(this.deps.openingHours, this.now());
  }

  /**
   * A handoff decided while the centre is closed: the answer becomes when it opens and, with a
   * database, the callback offer (remembered for the next message). Nothing is queued.
   */
  private async offerOutsideHours(
    turn: TurnContext,
    record: AnswerRecord,
    trigger: HandoffReason,
  ): Promise<void> {
    const offHours = new OffHours(this.replies, this.deps.openingHours!, this.now());
    const withCallback = this.deps.handoff !== undefined;
    const say = offHours.closedOffer(record.lang, withCallback);
    record.answer = say.text;
    record.body = say.text;
    record.choices = say.choices;
    if (withCallback)
      await this.callbackState.set(turn, {
        step: 'offered',
        trigger,
        lang: record.lang,
        retries: 0,
        at: this.now().getTime(),
      });
    this.deps.log.info('handoff outside opening hours', {
      conversation: turn.activity.conversation?.id,
      reason: trigger,
      callbackOffered: withCallback,
    });
  }

  /**
   * The message after a callback offer, or while the bot asks for the number (off-hours.ts). True when
   * the turn is done; false when the message is not about the callback (the engine answers it).
   */
  private async handledByCallback(turn: TurnContext, text: string): Promise<boolean> {
    const state = await this.callbackState.get(turn);
    if (!state || !this.deps.openingHours) return false;
    const offHours = new OffHours(this.replies, this.deps.openingHours, this.now());
    const step = offHours.step(state, text);
    if (step.kind !== 'reply' || !step.next) await this.callbackState.delete(turn);
    if (step.kind === 'pass') return false;
    if (step.kind === 'reply') {
      if (step.next) await this.callbackState.set(turn, step.next);
      await turn.sendActivity(this.message(step.say.text, step.say.choices, turn));
      return true;
    }
    const conversationId = turn.activity.conversation?.id ?? '';
    let say = offHours.confirmed(state.lang, step.tail);
    try {
      await this.deps.handoff!.requestCallback({
        conversationId,
        channel: turn.activity.channelId ?? 'unknown',
        phone: step.phone,
        trigger: state.trigger,
        ...(turn.activity.from?.id !== undefined && { userRef: turn.activity.from.id }),
      });
    } catch (error) {
      this.deps.log.error('callback request not stored', { conversation: conversationId, error });
      say = offHours.failed(state.lang);
    }
    await turn.sendActivity(this.message(say.text, say.choices, turn));
    return true;
  }

  /**
   * Before the engine: while an officer has the conversation (queued or held) the bot does not answer
   * (the transcript middleware has recorded the message); after a close it asks for / takes the CSAT
   * rating once. True when the turn is done. Database errors never block the bot: it then answers.
   */
  private async handledByHandoff(turn: TurnContext, text: string): Promise<boolean> {
    const conversationId = turn.activity.conversation?.id;
    if (!conversationId || !this.deps.handoff) return false;
    let status: HandoffStatus;
    try {
      status = await this.deps.handoff.status(conversationId);
    } catch (error) {
      this.deps.log.warn('handoff status unavailable; the bot answers', {
        conversation: conversationId,
        error,
      });
      return false;
    }
    const memory = { ...(await this.handoffMemory.get(turn, {})) };
    const save = () => this.handoffMemory.set(turn, memory);
    if (status.state === 'held') return true;
    // A callback request waits for office hours: meanwhile the bot keeps answering.
    if (status.state === 'queued' && status.reason === 'callback') return false;
    if (status.state === 'queued') {
      const now = this.now().getTime();
      if (now - (memory.noticeAt ?? 0) >= QUEUED_NOTICE_EVERY_MS) {
        memory.noticeAt = now;
        await save();
        await turn.sendActivity(this.message(this.replies.queued_notice.vi, [], turn));
      }
      return true;
    }
    if (status.state !== 'closed') return false;
    if (memory.csatHandoff !== status.handoffId) {
      memory.csatHandoff = status.handoffId;
      memory.csatAsked = false;
      memory.csatDone = false;
    }
    if (memory.csatDone || status.csatGiven) return false;
    const asked = memory.csatAsked || status.csatAsked;
    const rating = /^\s*([1-5])\s*(?:điểm|sao)?\s*[.!]?\s*$/iu.exec(text)?.[1];
    if (asked && rating) {
      memory.csatDone = true;
      await save();
      try {
        await this.deps.handoff.storeCsat(conversationId, Number(rating));
      } catch (error) {
        this.deps.log.warn('CSAT rating not stored', { conversation: conversationId, error });
      }
      await turn.sendActivity(this.message(this.replies.csat_thanks.vi, [], turn));
      return true;
    }
    if (asked) {
      // Not a rating: ask no more, answer the message.
      memory.csatDone = true;
      await save();
      return false;
    }
    memory.csatAsked = true;
    await save();
    const ask = this.message(
      this.replies.csat_question.vi,
      CSAT_CHOICES.map((c) => ({ label: c, value: c })),
      turn,
    );
    await turn.sendActivity(ask);
    return true;
  }

  /** Enqueues the conversation, tells the citizen their place, emits `handoff.initiate`. */
  private async startHandoff(turn: TurnContext, record: AnswerRecord, reason: HandoffReason): Promise<void> {
    const handoff = this.deps.handoff!;
    const conversationId = turn.activity.conversation?.id;
    if (!conversationId) return;
    try {
      const queued = await handoff.enqueue({
        conversationId,
        channel: turn.activity.channelId ?? 'unknown',
        priority: handoffPriority(reason),
        reason,
        userRef: turn.activity.from?.id,
      });
      await this.handoffMemory.set(turn, { noticeAt: this.now().getTime() });
      await turn.sendActivity(
        this.message(positionMessage(this.replies, queued.position, queued.estimatedWaitSeconds), [], turn),
      );
      const recorded = await handoff.transcript(conversationId, HANDOFF_TRANSCRIPT_LIMIT).catch(() => []);
      const activities = recorded.map((m) => ({
        type: 'message',
        text: m.text,
        timestamp: m.at.toISOString(),
        from: { role: m.direction === 'in' ? 'user' : 'bot' },
      }));
      // The transcript recorder writes asynchronously: add this turn's question if not there yet.
      const question = maskPersonalData(turn.activity.text ?? '');
      if (!recorded.some((m) => m.direction === 'in' && m.text === question))
        activities.push({
          type: 'message',
          text: question,
          timestamp: new Date().toISOString(),
          from: { role: 'user' },
        });
      await turn.sendActivity({
        type: 'event',
        name: 'handoff.initiate',
        value: { reason, position: queued.position },
        attachments: [
          {
            contentType: 'application/json',
            name: 'Transcript',
            content: { activities: activities.slice(-HANDOFF_TRANSCRIPT_LIMIT) },
          },
        ],
      });
    } catch (error) {
      this.deps.log.error('handoff not enqueued', { conversation: conversationId, error });
    }
  }

  private message(text: string, choices: Choice[], turn: TurnContext): Partial<Activity> {
    const actions: CardAction[] = choices.map((c) => ({ type: 'imBack', title: c.label, value: c.value }));
    const activity =
      actions.length > 0 ? MessageFactory.suggestedActions(actions, text) : MessageFactory.text(text);
    if (activity.suggestedActions && turn.activity.from?.id)
      activity.suggestedActions.to = [turn.activity.from.id];
    activity.textFormat = 'markdown';
    return activity;
  }
}
