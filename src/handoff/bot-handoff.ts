/**
 * What the bot and the officer side need around a handoff, on PostgreSQL, without botbuilder (the bot
 * in src/bot calls it with plain data and does the talking itself):
 * - `status(conversationId)`: none / queued / held / closed (with whether the CSAT question was asked
 *   or answered since it closed, read from `messages` and `feedback` so every process agrees);
 * - `enqueue` (HandoffQueue.enqueue) and `transcript` (the last 50 messages, for `handoff.initiate`);
 * - `sendOfficerReply(conversationId, text, agent)`: recorded in `messages` (out, decision 'officer')
 *   and delivered through the citizen's channel (outbound.ts);
 * - `close(handoffId, agentId, reason)`: HandoffQueue.close, then the CSAT question right away through
 *   the same sender when there is one (recorded with decision 'csat'); otherwise the bot asks it at the
 *   citizen's next message. `storeCsat` writes the rating to `feedback` (kind 'csat');
 * - `requestCallback`: a phone number left outside opening hours, stored in `callback_requests`
 *   (callbacks.ts) and queued as a handoff with reason 'callback' so officers see it in the queue.
 */
import type { Pool } from 'pg';
import type { TranscriptMessage } from '../db/transcript-recorder';
import type { Logger } from '../log';
import type { Handoff } from './handoff';
import { channelOf, type OutboundRegistry } from './outbound';
import { HandoffQueue, type EnqueueRequest, type EnqueueResult } from './queue';
import { CallbackStore, type CallbackRequest } from './callbacks';
import { callbackPriority } from './reasons';
import type { HandoffReason } from '../engine/types';
import type { RepliesFile } from '../knowledge/schema';

export const CSAT_CHOICES = ['1', '2', '3', '4', '5'];
/** How long after a close the bot still asks the CSAT question at the next message. */
const CSAT_WINDOW_HOURS = 24;

export type HandoffStatus =
  | { state: 'none' }
  /** `reason` 'callback': a callback request waiting for office hours (the bot keeps answering). */
  | { state: 'queued'; handoffId: number; reason: string }
  | { state: 'held'; handoffId: number }
  | { state: 'closed'; handoffId: number; csatAsked: boolean; csatGiven: boolean };

export interface TranscriptEntry {
  direction: 'in' | 'out';
  text: string;
  at: Date;
  decision: string | null;
}

export interface Officer {
  id: number;
  /** Shown to nobody today; kept for the audit log. */
  username?: string;
}

export interface TranscriptWriter {
  record(message: TranscriptMessage): void;
  /** Writes what is queued (the recorder is asynchronous). */
  flush?(): Promise<boolean>;
}

/** How long `transcript` waits for queued messages to be written before reading. */
const FLUSH_WAIT_MS = 1000;

/** "Anh/chị đang ở vị trí số 2, thời gian chờ khoảng 3 phút." */
export function positionMessage(replies: RepliesFile, position: number | null, waitSeconds: number): string {
  const minutes = Math.max(1, Math.round(waitSeconds / 60));
  if (position === null) return replies.handoff_taken.vi;
  return replies.handoff_position.vi
    .replace('{position}', String(position))
    .replace('{minutes}', String(minutes));
}

export class HandoffService {
  readonly queue: HandoffQueue;
  readonly callbacks: CallbackStore;

  constructor(
    private readonly pool: Pool,
    /** Also read by the console (call bridges: src/console/call-api.ts). */
    readonly outbound: OutboundRegistry,
    private readonly transcripts: TranscriptWriter,
    private readonly log: Logger,
    /** The bot's sentences (knowledge/replies.yaml) of the current knowledge. */
    private readonly replies: () => RepliesFile,
  ) {
    this.queue = new HandoffQueue(pool);
    this.callbacks = new CallbackStore(pool);
  }

  async status(conversationId: string): Promise<HandoffStatus> {
    const { rows } = await this.pool.query<{
      id: string;
      status: 'queued' | 'assigned' | 'closed';
      reason: string;
      recent: boolean;
      csat_asked: boolean;
      csat_given: boolean;
    }>(
      `SELECT h.id, h.status, h.reason,
              h.closed_at > now() - make_interval(hours => $2) AS recent,
              EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = h.conversation_id
                        AND m.direction = 'out' AND m.decision = 'csat' AND m.created_at >= h.closed_at)
                AS csat_asked,
              EXISTS (SELECT 1 FROM feedback f WHERE f.conversation_id = h.conversation_id
                        AND f.kind = 'csat' AND f.created_at >= h.closed_at) AS csat_given
       FROM handoffs h WHERE h.conversation_id = $1 ORDER BY h.id DESC LIMIT 1`,
      [conversationId, CSAT_WINDOW_HOURS],
    );
    const row = rows[0];
    if (!row) return { state: 'none' };
    const handoffId = Number(row.id);
    if (row.status === 'queued') return { state: 'queued', handoffId, reason: row.reason };
    if (row.status === 'assigned') return { state: 'held', handoffId };
    if (!row.recent) return { state: 'none' };
    return { state: 'closed', handoffId, csatAsked: row.csat_asked, csatGiven: row.csat_given };
  }

  enqueue(request: EnqueueRequest): Promise<EnqueueResult> {
    return this.queue.enqueue(request);
  }

  /**
   * Stores the callback request, then queues the conversation (reason 'callback', the trigger's
   * priority, at least 1) so officers see it in their queue. The request row is what matters: when
   * queueing fails it is logged and `queued` is undefined. The number is never logged.
   */
  async requestCallback(request: {
    conversationId: string;
    channel: string;
    phone: string;
    trigger: HandoffReason;
    userRef?: string;
  }): Promise<{ callback: CallbackRequest; queued?: EnqueueResult }> {
    const { conversationId, channel, trigger } = request;
    const callback = await this.callbacks.create({
      conversationId,
      channel,
      phone: request.phone,
      reason: trigger,
    });
    let queued: EnqueueResult | undefined;
    try {
      queued = await this.queue.enqueue({
        conversationId,
        channel,
        priority: callbackPriority(trigger),
        reason: 'callback',
        ...(request.userRef !== undefined && { userRef: request.userRef }),
      });
    } catch (error) {
      this.log.error('callback stored but not queued', { conversation: conversationId, error });
    }
    this.log.info('callback requested', {
      conversation: conversationId,
      callback: callback.id,
      handoff: queued?.handoff.id,
      trigger,
    });
    return { callback, ...(queued && { queued }) };
  }

  /** The last `limit` messages of the conversation, oldest first (as recorded, masked). */
  async transcript(conversationId: string, limit = 50): Promise<TranscriptEntry[]> {
    if (this.transcripts.flush) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.transcripts.flush().catch(() => false),
        new Promise((resolve) => (timer = setTimeout(resolve, FLUSH_WAIT_MS))),
      ]);
      clearTimeout(timer);
    }
    const { rows } = await this.pool.query<TranscriptEntry>(
      `SELECT direction, text, created_at AS at, decision FROM (
         SELECT id, direction, text, created_at, decision FROM messages
         WHERE conversation_id = $1 ORDER BY id DESC LIMIT $2) last ORDER BY id`,
      [conversationId, limit],
    );
    return rows;
  }

  async storeCsat(conversationId: string, rating: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO conversations (id, channel) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`,
      [conversationId, channelOf(conversationId)],
    );
    await this.pool.query(`INSERT INTO feedback (conversation_id, rating, kind) VALUES ($1, $2, 'csat')`, [
      conversationId,
      rating,
    ]);
  }

  /** Records the officer's reply and delivers it through the citizen's channel. */
  async sendOfficerReply(conversationId: string, text: string, agent: Officer): Promise<void> {
    this.transcripts.record({
      conversationId,
      channel: channelOf(conversationId),
      direction: 'out',
      text,
      decision: 'officer',
    });
    await this.outbound.send(conversationId, text, { speaker: 'officer' });
    this.log.info('officer reply sent', { conversation: conversationId, agent: agent.id });
  }

  /** Closes the handoff; the CSAT question goes out right away when the channel has a sender. */
  async close(handoffId: number, agentId: number, reason: string): Promise<Handoff> {
    const handoff = await this.queue.close(handoffId, agentId, reason);
    const conversationId = handoff.conversationId;
    // A callback handoff closed by its officer: the requests it carried are handled (audited).
    if (handoff.reason === 'callback')
      for (const request of await this.callbacks.forConversation(conversationId))
        if (request.status === 'open') await this.callbacks.markDone(request.id, agentId, reason);
    if (this.outbound.canSend(conversationId)) {
      try {
        const question = this.replies().csat_question.vi;
        await this.outbound.send(conversationId, question, { choices: CSAT_CHOICES, speaker: 'bot' });
        this.transcripts.record({
          conversationId,
          channel: channelOf(conversationId),
          direction: 'out',
          text: question,
          decision: 'csat',
        });
      } catch (error) {
        // The bot asks at the citizen's next message instead.
        this.log.warn('CSAT question not delivered', { conversation: conversationId, error });
      }
    }
    return handoff;
  }
}
