/**
 * A botbuilder adapter for channels the project serves itself (Direct Line, Zalo, Twilio, /api/ask):
 * a channel hands it an inbound Activity and gets the bot's replies back, in order, through a sink.
 * Errors in a turn are logged (never shown) and answered with an apology. botbuilder stays inside
 * src/bot and this adapter, so a move to its successor SDK stays local.
 */
import {
  BotAdapter,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../log';

export type ReplySink = (activity: Partial<Activity>) => void | Promise<void>;

const SINK = Symbol('replySink');

export class TurnAdapter extends BotAdapter {
  constructor(
    private readonly log: Logger,
    apology: (lang: string | undefined) => string,
  ) {
    super();
    this.onTurnError = async (context, error) => {
      log.error('turn failed', {
        channel: context.activity.channelId,
        conversation: context.activity.conversation?.id,
        error,
      });
      await context.sendActivity({ type: 'message', text: apology(context.activity.locale) });
    };
  }

  /** Runs one inbound activity through the bot; every reply goes to `sink` as it is sent. */
  async process(
    activity: Partial<Activity>,
    logic: (context: TurnContext) => Promise<void>,
    sink: ReplySink,
  ): Promise<void> {
    const context = new TurnContext(this, activity);
    context.turnState.set(SINK, sink);
    await this.runMiddleware(context, logic);
  }

  /** Runs one inbound activity and returns all the replies of the turn. */
  async collect(
    activity: Partial<Activity>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<Partial<Activity>[]> {
    const replies: Partial<Activity>[] = [];
    await this.process(activity, logic, (a) => {
      replies.push(a);
    });
    return replies;
  }

  override async sendActivities(
    context: TurnContext,
    activities: Partial<Activity>[],
  ): Promise<ResourceResponse[]> {
    const sink = context.turnState.get<ReplySink | undefined>(SINK);
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      const id = activity.id ?? randomUUID();
      if (activity.type === 'delay' || activity.type === 'invokeResponse') continue;
      if (sink) await sink({ ...activity, id, timestamp: new Date() });
      else this.log.warn('reply without a turn sink dropped', { conversation: activity.conversation?.id });
      responses.push({ id });
    }
    return responses;
  }

  override async updateActivity(): Promise<void> {
    throw new Error('updateActivity is not supported on this channel');
  }

  override async deleteActivity(): Promise<void> {
    throw new Error('deleteActivity is not supported on this channel');
  }

  override async continueConversation(
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const activity = TurnContext.applyConversationReference(
      { type: 'event', name: 'continueConversation' },
      reference,
      true,
    );
    await this.runMiddleware(new TurnContext(this, activity), logic);
  }
}
