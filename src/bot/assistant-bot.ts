/**
 * The one bot of every channel (a botbuilder ActivityHandler): a message goes to the engine with the
 * conversation's context from botbuilder Storage, and the answer comes back as a markdown message with
 * next steps as suggested actions; the full answer record rides in channelData for channel renderers
 * (voice reads `body`, Zalo renders buttons). New members get a welcome. Non-text messages get a
 * polite request to type.
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
import { NEW_CONVERSATION, type AnswerRecord, type Choice, type ConversationContext } from '../engine/types';
import type { RepliesFile } from '../knowledge/schema';
import { maskPersonalData, type Logger } from '../log';

/** Longest text handed to the engine; the rest of a very long message is not read. */
export const MAX_QUESTION_CHARS = 1500;

export interface AnswerChannelData {
  trolytuphap: { record: AnswerRecord };
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
  handoff?: Pick<HandoffService, 'status' | 'enqueue' | 'transcript' | 'storeCsat'>;
}

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

  constructor(private readonly deps: BotDeps) {
    super();
    this.state = new ConversationState(deps.storage);
    this.context = this.state.createProperty<ConversationContext>('engineContext');
    this.handoffMemory = this.state.createProperty<HandoffMemory>('handoff');

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
    await turn.sendActivity(this.message(this.replies.welcome[lang], choices, turn));
  }

  private async answer(turn: TurnContext): Promise<void> {
    const text = (turn.activity.text ?? '').trim();
    if (!text) {
      await turn.sendActivity(this.message(this.replies.non_text.vi, [], turn));
      return;
    }
    if (this.deps.handoff && (await this.handledByHandoff(turn, text))) return;
    const engine = this.deps.engine();
    const context = await this.context.get(turn, NEW_CONVERSATION);
    const { record, context: next } = await engine.ask(text.slice(0, MAX_QUESTION_CHARS), context);
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
    if (text.length > MAX_QUESTION_CHARS)
      record.answer = `${this.replies.too_long[record.lang]}\n\n${record.answer}`;
    const reply = this.message(record.answer, record.choices, turn);
    reply.channelData = { trolytuphap: { record } } satisfies AnswerChannelData;
    reply.locale = record.lang === 'en' ? 'en-US' : 'vi-VN';
    await turn.sendActivity(reply);
    if (record.handoff && this.deps.handoff) await this.startHandoff(turn, record);
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
    if (status.state === 'queued') {
      if (Date.now() - (memory.noticeAt ?? 0) >= QUEUED_NOTICE_EVERY_MS) {
        memory.noticeAt = Date.now();
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
  private async startHandoff(turn: TurnContext, record: AnswerRecord): Promise<void> {
    const handoff = this.deps.handoff!;
    const conversationId = turn.activity.conversation?.id;
    if (!conversationId) return;
    const reason = record.intent === 'handoff_request' ? 'asked' : record.decision;
    try {
      const queued = await handoff.enqueue({
        conversationId,
        channel: turn.activity.channelId ?? 'unknown',
        priority: 0,
        reason,
        userRef: turn.activity.from?.id,
      });
      await this.handoffMemory.set(turn, { noticeAt: Date.now() });
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
