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
import { NEW_CONVERSATION, type AnswerRecord, type Choice, type ConversationContext } from '../engine/types';
import type { RepliesFile } from '../knowledge/schema';
import type { Logger } from '../log';

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
}

export class AssistantBot extends ActivityHandler {
  private readonly state: ConversationState;
  private readonly context: StatePropertyAccessor<ConversationContext>;

  constructor(private readonly deps: BotDeps) {
    super();
    this.state = new ConversationState(deps.storage);
    this.context = this.state.createProperty<ConversationContext>('engineContext');

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
