/**
 * Runs the bot for Direct Line conversations through deps.adapter.process (channelId 'directline'),
 * one turn at a time per conversation (so replies and state keep their order), and appends each reply
 * to the store under the next watermark, which pushes it to the conversation's sockets. Replies get
 * the server's id, timestamp and the bot's identity; typing goes to sockets only.
 */
import { answerOf } from '../../src/bot/assistant-bot';
import { randomUUID } from 'node:crypto';
import type { ChannelDeps } from '../channel';
import type { ReplySink } from '../../src/bot/turn-adapter';
import type { OutboundOptions } from '../../src/handoff/outbound';
import type { DirectLineActivity, DirectLineStore } from './store';

type BotActivity = Parameters<ReplySink>[0];

export const BOT_ACCOUNT = { id: 'trolytuphap', name: 'Trợ lý Tư pháp', role: 'bot' } as const;
const SERVICE_URL = 'urn:directline';

/** What the bot sees as the conversation id (channels/README.md: `<channel>:<peer id>`). */
export const botConversationId = (conversationId: string) => `directline:${conversationId}`;

export class ConversationTurns {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly deps: Pick<ChannelDeps, 'adapter' | 'bot' | 'log'>,
    private readonly store: DirectLineStore,
  ) {}

  /** Tells the bot the user joined (its welcome becomes the conversation's first activity). */
  started(conversationId: string, userId: string, locale: string | undefined): Promise<void> {
    const activity: BotActivity = {
      ...this.envelope(conversationId, userId, `${conversationId}|start`),
      type: 'conversationUpdate',
      membersAdded: [{ id: userId, name: '', role: 'user' }],
      locale,
    };
    // The conversationUpdate is not shown to clients, so replies must not wait for it by replyToId.
    return this.enqueue(conversationId, activity, false);
  }

  /** Runs the bot on a stored user activity. */
  received(conversationId: string, stored: DirectLineActivity): Promise<void> {
    const from = stored.from as { id: string; name?: string } | undefined;
    const userId = from?.id ?? 'dl_unknown';
    const activity: BotActivity = {
      ...stored,
      ...this.envelope(conversationId, userId, stored.id),
      from: { id: userId, name: from?.name ?? '', role: 'user' },
      timestamp: new Date(stored.timestamp),
    };
    return this.enqueue(conversationId, activity, true);
  }

  /**
   * Appends a message that comes from outside a turn (an officer's reply, the CSAT question after a
   * handoff) to the conversation, after the turns in flight; throws when the conversation is gone.
   */
  async push(conversationId: string, text: string, options: OutboundOptions = {}): Promise<void> {
    await this.tails.get(conversationId);
    const info = await this.store.get(conversationId);
    if (!info) throw new Error(`directline conversation ${conversationId} is gone`);
    const actions = (options.choices ?? []).map((c) => ({ type: 'imBack', title: c, value: c }));
    const appended = await this.store.append(conversationId, {
      type: 'message',
      text,
      textFormat: 'plain',
      ...(actions.length > 0 && { suggestedActions: { to: [info.userId], actions } }),
      channelData: { trolytuphap: { speaker: options.speaker ?? 'bot' } },
      channelId: 'directline',
      conversation: { id: conversationId },
      from: options.speaker === 'officer' ? { ...BOT_ACCOUNT, name: 'Cán bộ tư pháp' } : { ...BOT_ACCOUNT },
      recipient: { id: info.userId, role: 'user' },
      timestamp: new Date().toISOString(),
    });
    if (!appended) throw new Error(`directline conversation ${conversationId} is gone`);
  }

  /** Resolves once every turn started so far has finished. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private envelope(conversationId: string, userId: string, id: string) {
    return {
      id,
      channelId: 'directline',
      serviceUrl: SERVICE_URL,
      from: { id: userId, name: '', role: 'user' },
      recipient: { ...BOT_ACCOUNT },
      conversation: {
        id: botConversationId(conversationId),
        name: '',
        isGroup: false,
        conversationType: 'personal',
      },
      timestamp: new Date(),
    } satisfies BotActivity;
  }

  private enqueue(conversationId: string, activity: BotActivity, visible: boolean): Promise<void> {
    const userId = activity.from?.id ?? 'dl_unknown';
    const sink: ReplySink = async (reply) => {
      await this.deliver(conversationId, userId, reply, visible);
    };
    const previous = this.tails.get(conversationId) ?? Promise.resolve();
    const run = previous
      .then(() => this.deps.adapter.process(activity, (turn) => this.deps.bot.run(turn), sink))
      .catch((error: unknown) => {
        this.deps.log.error('directline turn failed', { conversation: conversationId, error });
      });
    this.tails.set(conversationId, run);
    this.inFlight.add(run);
    void run.then(() => {
      this.inFlight.delete(run);
      if (this.tails.get(conversationId) === run) this.tails.delete(conversationId);
    });
    return run;
  }

  private async deliver(
    conversationId: string,
    userId: string,
    reply: BotActivity,
    replyToVisible: boolean,
  ): Promise<void> {
    if (reply.type === 'trace') return;
    // The browser needs the text and buttons, not the engine's whole answer record: keep what
    // identifies the answer (for feedback and support) and drop the rest before copying.
    const record = answerOf(reply);
    const slim = record
      ? {
          ...reply,
          channelData: {
            trolytuphap: {
              procedure: record.procedure,
              facet: record.facet,
              decision: record.decision,
              knowledge_version: record.knowledge_version,
            },
          },
        }
      : reply;
    const json = JSON.parse(JSON.stringify(slim)) as Record<string, unknown>;
    for (const field of ['id', 'serviceUrl', 'channelId', 'conversation', 'from', 'recipient', 'timestamp'])
      delete json[field];
    if (!replyToVisible) delete json.replyToId;
    const activity = {
      ...json,
      type: reply.type ?? 'message',
      channelId: 'directline',
      conversation: { id: conversationId },
      from: { ...BOT_ACCOUNT },
      recipient: { id: userId, role: 'user' },
      timestamp: new Date().toISOString(),
    };
    if (activity.type === 'typing') {
      await this.store.publish(conversationId, {
        ...activity,
        id: `${conversationId}|typing-${randomUUID()}`,
      });
      return;
    }
    const appended = await this.store.append(conversationId, activity);
    if (!appended)
      this.deps.log.warn('directline reply dropped: conversation gone', { conversation: conversationId });
  }
}
