/**
 * The bot's side of 👍/👎 (used by src/bot/assistant-bot.ts when it has a FeedbackSink, i.e. a
 * database): after a procedure answer (decision 'answer') `offer` appends the two rating actions to the
 * reply's suggested actions, puts the two choices in channelData (`trolytuphap.rating`, which Zalo
 * renders as buttons) and remembers, in conversation state, which question the answer replied to.
 * Any other reply forgets it. Before the engine, `handled` takes a rating message: the first rating of
 * the remembered answer is stored (kind 'thumbs'); every rating gets a short thanks (after 👎 with the
 * way to an officer) and is never asked to the engine. A storage error is logged, never shown.
 */
import {
  MessageFactory,
  type Activity,
  type CardAction,
  type ConversationState,
  type StatePropertyAccessor,
  type TurnContext,
} from 'botbuilder';
import type { AnswerRecord, Choice } from '../engine/types';
import type { Lang } from '../engine/text/language';
import type { RepliesFile } from '../knowledge/schema';
import type { Logger } from '../log';
import type { FeedbackSink } from './feedback-store';
import { ratingActions, ratingChoices, ratingOf, thanksFor } from './rating';

interface RatingMemory {
  /** The activity id of the question the offered answer replied to. */
  questionId?: string;
  lang: Lang;
  rated: boolean;
}

/** Where the offered choices ride for channel renderers (beside the answer record). */
export interface RatingChannelData {
  trolytuphap?: { rating?: Choice[] };
}

/** The rating choices a reply offers (Zalo buttons), or none. */
export function ratingChoicesOf(activity: Partial<Activity>): Choice[] {
  return (activity.channelData as RatingChannelData | undefined)?.trolytuphap?.rating ?? [];
}

export class RatingFlow {
  private readonly memory: StatePropertyAccessor<RatingMemory | undefined>;

  constructor(
    state: ConversationState,
    private readonly sink: FeedbackSink,
    private readonly replies: () => RepliesFile,
    private readonly log: Logger,
  ) {
    this.memory = state.createProperty<RatingMemory | undefined>('rating');
  }

  /** True when the message was a rating (then the turn is done). */
  async handled(turn: TurnContext): Promise<boolean> {
    const rating = ratingOf(turn.activity);
    if (rating === undefined) return false;
    const memory = await this.memory.get(turn);
    const lang: Lang = memory?.lang ?? (turn.activity.locale?.startsWith('en') ? 'en' : 'vi');
    const conversationId = turn.activity.conversation?.id;
    if (memory && !memory.rated && conversationId) {
      await this.memory.set(turn, { ...memory, rated: true });
      try {
        const stored = await this.sink.storeThumbs({
          conversationId,
          rating,
          ...(memory.questionId !== undefined && { questionActivityId: memory.questionId }),
          ...(turn.activity.channelId !== undefined && { channel: turn.activity.channelId }),
        });
        this.log.info('answer rated', { conversation: conversationId, rating, message: stored.messageId });
      } catch (error) {
        this.log.warn('answer rating not stored', { conversation: conversationId, error });
      }
    }
    const handoff = this.replies().handoff_choice[lang];
    const reply =
      rating === -1
        ? MessageFactory.suggestedActions(
            [{ type: 'imBack', title: handoff, value: handoff }],
            thanksFor(rating, lang, handoff),
          )
        : MessageFactory.text(thanksFor(rating, lang, handoff));
    if (reply.suggestedActions && turn.activity.from?.id) reply.suggestedActions.to = [turn.activity.from.id];
    reply.textFormat = 'markdown';
    await turn.sendActivity(reply);
    return true;
  }

  /** After the engine: offers the rating on a procedure answer; any other reply forgets the last one. */
  async offer(turn: TurnContext, reply: Partial<Activity>, record: AnswerRecord): Promise<void> {
    if (record.decision !== 'answer') {
      await this.memory.delete(turn);
      return;
    }
    const actions: CardAction[] = [...(reply.suggestedActions?.actions ?? []), ...ratingActions(record.lang)];
    reply.suggestedActions = { actions, to: turn.activity.from?.id ? [turn.activity.from.id] : [] };
    const data = (reply.channelData ?? {}) as { trolytuphap?: Record<string, unknown> };
    reply.channelData = { ...data, trolytuphap: { ...data.trolytuphap, rating: ratingChoices(record.lang) } };
    await this.memory.set(turn, {
      ...(turn.activity.id !== undefined && { questionId: turn.activity.id }),
      lang: record.lang,
      rated: false,
    });
  }
}
