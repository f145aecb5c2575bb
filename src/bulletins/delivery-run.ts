/**
 * One run of a bulletin the scheduler has claimed (it holds the lease: next_run_at, fenced by
 * run_token). Per channel:
 *  - 'webchat': one 'published' delivery row; the bot's welcome shows the bulletin from sent_at
 *    (welcome-news.ts).
 *  - a channel with a broadcaster (Zalo): first every recipient is listed into 'pending' rows (once per
 *    bulletin), then the rows are sent one at a time. A row is taken with an UPDATE … SKIP LOCKED from
 *    'pending' (or 'deferred' whose time has come) to 'sending' before the send, so no recipient is
 *    ever sent twice, even by a process whose lease ran out. What the broadcaster says decides the rest:
 *    'stop' (the sender's quota, quiet hours, an outage) defers this row and every pending one to the
 *    resume time; 'deferred' defers this one row; 'abort' skips the rest and fails the channel.
 *    A row is tried at most MAX_ATTEMPTS times. Rows left 'sending' by a crashed process are marked
 *    failed, never resent (the message may have gone out). A row is only taken while this run still
 *    holds the bulletin's run_token, so cancelling (which clears it) stops the run before its next send.
 * At the end the bulletin is 'sent' (or 'failed' when a channel could not send at all), or stays
 * 'sending' with next_run_at at the earliest retry.
 */
import type { Pool } from 'pg';
import type { BroadcastMessage, BroadcastResult, Broadcaster } from '../handoff/broadcaster';
import type { OutboundRegistry } from '../handoff/outbound';
import type { Logger } from '../log';
import { resumeAt, SOON_MS } from './resume-time';
import { CHANNEL_TARGET, WEBCHAT_TARGET, type Bulletin } from './store';

/** Sends of one recipient, deferrals included, before it is given up. */
export const MAX_ATTEMPTS = 3;

export interface RunContext {
  pool: Pool;
  outbound: OutboundRegistry | undefined;
  log: Logger;
  now: () => Date;
  leaseMs: number;
  /** True once the process is shutting down: the run hands the bulletin back between two sends. */
  stopping?: () => boolean;
}

export type RunOutcome = 'sent' | 'failed' | 'waiting' | 'lost' | 'stopped';

export class DeliveryRun {
  private readonly message: BroadcastMessage;
  /** Why a channel could not send at all (bulletin 'failed'). */
  private readonly aborted: string[] = [];
  /** Earliest time to come back for a channel whose recipients could not be listed yet. */
  private listRetry: Date | undefined;
  private lastRenewal = 0;
  private lost = false;
  private stopped = false;

  constructor(
    private readonly ctx: RunContext,
    private readonly bulletin: Bulletin & { listed: string[] },
    private readonly token: string,
  ) {
    this.message = { title: bulletin.title, body: bulletin.body, link: bulletin.link ?? undefined };
  }

  async run(): Promise<RunOutcome> {
    this.lastRenewal = this.ctx.now().getTime();
    await this.ctx.pool.query(
      `UPDATE bulletin_deliveries SET status = 'failed',
         error_message = 'Gửi bị gián đoạn (máy chủ dừng giữa chừng); không gửi lại để tránh trùng.'
       WHERE bulletin_id = $1 AND status = 'sending'`,
      [this.bulletin.id],
    );
    for (const channel of this.bulletin.channels) {
      if (this.lost || this.stopped) break;
      if (channel === 'webchat') await this.publishWebchat();
      else await this.broadcast(channel);
    }
    if (this.lost) return 'lost';
    if (this.stopped) return this.handBack();
    return this.finish();
  }

  /** Shutting down: the bulletin is due again at once, for another process (or this one restarted). */
  private async handBack(): Promise<RunOutcome> {
    await this.ctx.pool.query(
      'UPDATE bulletins SET next_run_at = $3, run_token = NULL WHERE id = $1 AND run_token = $2',
      [this.bulletin.id, this.token, this.ctx.now()],
    );
    return 'stopped';
  }

  private shouldStop(): boolean {
    if (this.ctx.stopping?.()) this.stopped = true;
    return this.stopped;
  }

  private async publishWebchat(): Promise<void> {
    await this.ctx.pool.query(
      `INSERT INTO bulletin_deliveries (bulletin_id, channel, target, status, attempts, attempted_at)
       VALUES ($1, 'webchat', $2, 'published', 1, $3) ON CONFLICT DO NOTHING`,
      [this.bulletin.id, WEBCHAT_TARGET, this.ctx.now()],
    );
  }

  private async broadcast(channel: string): Promise<void> {
    const broadcaster = this.ctx.outbound?.broadcaster(channel);
    if (!broadcaster) {
      const reason = `Kênh ${channel} chưa được cấu hình trên máy chủ.`;
      await this.ctx.pool.query(
        `INSERT INTO bulletin_deliveries (bulletin_id, channel, target, status, error_message, attempted_at)
         VALUES ($1, $2, $3, 'failed', $4, $5) ON CONFLICT DO NOTHING`,
        [this.bulletin.id, channel, CHANNEL_TARGET, reason, this.ctx.now()],
      );
      this.aborted.push(`${channel}: ${reason}`);
      return;
    }
    if (!this.bulletin.listed.includes(channel) && !(await this.list(channel, broadcaster))) return;
    await this.sendAll(channel, broadcaster);
  }

  /** Lists every recipient into 'pending' rows; false when that could not be finished now. */
  private async list(channel: string, broadcaster: Broadcaster): Promise<boolean> {
    let cursor: string | undefined;
    do {
      if (this.shouldStop()) return false;
      const page = await safely(() => broadcaster.recipients(cursor));
      if (page.status !== 'ok') {
        this.ctx.log.warn('bulletin recipients not listed', {
          bulletin: this.bulletin.id,
          channel,
          code: page.code,
          reason: page.error,
        });
        if (page.status === 'abort') await this.abortChannel(channel, page);
        else this.listRetry = earliest(this.listRetry, resumeAt(page.resume, this.ctx.now()));
        return false;
      }
      if (page.targets.length > 0)
        await this.ctx.pool.query(
          `INSERT INTO bulletin_deliveries (bulletin_id, channel, target)
           SELECT $1, $2, t FROM unnest($3::text[]) AS t
           WHERE EXISTS (SELECT 1 FROM bulletins WHERE id = $1 AND run_token = $4)
           ON CONFLICT DO NOTHING`,
          [this.bulletin.id, channel, page.targets, this.token],
        );
      if (!(await this.renew(true))) return false;
      cursor = page.next;
    } while (cursor !== undefined);
    const { rowCount } = await this.ctx.pool.query(
      `UPDATE bulletins SET listed = array_append(listed, $2)
       WHERE id = $1 AND run_token = $3 AND NOT ($2 = ANY (listed))`,
      [this.bulletin.id, channel, this.token],
    );
    if (rowCount === 0) this.lost = true;
    return !this.lost;
  }

  private async sendAll(channel: string, broadcaster: Broadcaster): Promise<void> {
    for (;;) {
      if (this.shouldStop() || !(await this.renew(false))) return;
      const now = this.ctx.now();
      const { rows } = await this.ctx.pool.query<{ id: string; target: string; attempts: number }>(
        `UPDATE bulletin_deliveries SET status = 'sending', attempts = attempts + 1, attempted_at = $3
         WHERE id = (SELECT id FROM bulletin_deliveries
                     WHERE bulletin_id = $1 AND channel = $2
                       AND (status = 'pending' OR (status = 'deferred' AND retry_at <= $3))
                     ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
           AND EXISTS (SELECT 1 FROM bulletins WHERE id = $1 AND run_token = $4)
         RETURNING id, target, attempts`,
        [this.bulletin.id, channel, now, this.token],
      );
      const row = rows[0];
      if (!row) return;
      const result = await safely(() => broadcaster.send(row.target, this.message));
      const done = await this.record(channel, Number(row.id), row.attempts, result);
      if (done) return;
    }
  }

  /** Stores one send's result; true when the channel stops for this run. */
  private async record(
    channel: string,
    id: number,
    attempts: number,
    result: BroadcastResult,
  ): Promise<boolean> {
    const { pool } = this.ctx;
    const now = this.ctx.now();
    const set = (status: string, fields: string, values: unknown[]) =>
      pool.query(
        `UPDATE bulletin_deliveries SET status = '${status}'${fields} WHERE id = $1 AND status = 'sending'`,
        [id, ...values],
      );
    switch (result.status) {
      case 'sent':
        await set('sent', ', message_id = $2, error_code = NULL, error_message = NULL', [
          result.messageId ?? null,
        ]);
        return false;
      case 'failed':
        await set('failed', ', error_code = $2, error_message = $3', [result.code ?? null, result.error]);
        return false;
      case 'deferred':
        await this.defer(id, attempts, result, resumeAt(result.resume, now), true);
        return false;
      case 'stop': {
        const retryAt = resumeAt(result.resume, now);
        // Not this recipient's doing: the try is not counted against it.
        await this.defer(id, attempts, result, retryAt, false);
        await pool.query(
          `UPDATE bulletin_deliveries SET status = 'deferred', retry_at = $3, error_code = $4,
             error_message = $5
           WHERE bulletin_id = $1 AND channel = $2
             AND (status = 'pending' OR (status = 'deferred' AND retry_at < $3))`,
          [this.bulletin.id, channel, retryAt, result.code ?? null, `Chưa gửi: ${result.error}`],
        );
        this.ctx.log.warn('bulletin sending stopped', {
          bulletin: this.bulletin.id,
          channel,
          code: result.code,
          reason: result.error,
          retryAt: retryAt.toISOString(),
        });
        return true;
      }
      case 'abort':
        await set('failed', ', error_code = $2, error_message = $3', [result.code ?? null, result.error]);
        await this.abortChannel(channel, result);
        return true;
    }
  }

  /** Defers one row to `retryAt`, or fails it when it has had its tries (`counted`: this one counts). */
  private async defer(
    id: number,
    attempts: number,
    result: { code?: number; error: string },
    retryAt: Date,
    counted: boolean,
  ): Promise<void> {
    const giveUp = counted && attempts >= MAX_ATTEMPTS;
    await this.ctx.pool.query(
      `UPDATE bulletin_deliveries SET status = $2, retry_at = $3, error_code = $4, error_message = $5,
         attempts = attempts - $6
       WHERE id = $1 AND status = 'sending'`,
      [
        id,
        giveUp ? 'failed' : 'deferred',
        giveUp ? null : retryAt,
        result.code ?? null,
        giveUp ? `${result.error} (đã thử ${attempts} lần)` : result.error,
        counted ? 0 : 1,
      ],
    );
  }

  private async abortChannel(channel: string, result: { code?: number; error: string }): Promise<void> {
    await this.ctx.pool.query(
      `UPDATE bulletin_deliveries SET status = 'skipped', error_code = $3, error_message = $4
       WHERE bulletin_id = $1 AND channel = $2 AND status IN ('pending', 'deferred')`,
      [this.bulletin.id, channel, result.code ?? null, `Không gửi: ${result.error}`],
    );
    this.aborted.push(`${channel}: ${result.error}`);
    this.ctx.log.error('bulletin channel given up', {
      bulletin: this.bulletin.id,
      channel,
      code: result.code,
      reason: result.error,
    });
  }

  /** Extends the lease (always after a page of recipients, else once a quarter of it has passed). */
  private async renew(force: boolean): Promise<boolean> {
    if (this.lost) return false;
    const now = this.ctx.now();
    if (!force && now.getTime() - this.lastRenewal < this.ctx.leaseMs / 4) return true;
    const { rowCount } = await this.ctx.pool.query(
      'UPDATE bulletins SET next_run_at = $3 WHERE id = $1 AND run_token = $2',
      [this.bulletin.id, this.token, new Date(now.getTime() + this.ctx.leaseMs)],
    );
    this.lastRenewal = now.getTime();
    if (rowCount === 0) {
      this.lost = true;
      this.ctx.log.warn('bulletin lease lost; another process carries on', { bulletin: this.bulletin.id });
    }
    return !this.lost;
  }

  private async finish(): Promise<RunOutcome> {
    const now = this.ctx.now();
    const { rows } = await this.ctx.pool.query<{ next: Date | null; waiting: number }>(
      `SELECT min(CASE WHEN status = 'deferred' THEN retry_at END) AS next, count(*)::int AS waiting
       FROM bulletin_deliveries WHERE bulletin_id = $1 AND status IN ('pending', 'deferred')`,
      [this.bulletin.id],
    );
    const waiting = rows[0]?.waiting ?? 0;
    const pendingLeft = waiting > 0 && !rows[0]?.next;
    const next = earliest(
      this.listRetry,
      rows[0]?.next ?? (pendingLeft ? new Date(now.getTime() + SOON_MS) : undefined),
    );
    const error = this.aborted.length > 0 ? this.aborted.join('; ') : null;
    if (next) {
      const { rowCount } = await this.ctx.pool.query(
        `UPDATE bulletins SET status = 'sending', next_run_at = $3, run_token = NULL,
           error = COALESCE($4, error)
         WHERE id = $1 AND run_token = $2`,
        [this.bulletin.id, this.token, next, error],
      );
      return rowCount === 0 ? 'lost' : 'waiting';
    }
    const { rows: done } = await this.ctx.pool.query<{ status: 'sent' | 'failed' }>(
      `UPDATE bulletins SET error = COALESCE($3, error), next_run_at = NULL, run_token = NULL,
         completed_at = $4,
         status = CASE WHEN COALESCE($3, error) IS NULL THEN 'sent' ELSE 'failed' END
       WHERE id = $1 AND run_token = $2 RETURNING status`,
      [this.bulletin.id, this.token, error, now],
    );
    return done[0]?.status ?? 'lost';
  }
}

/** A broadcaster that throws (a bug, not a Zalo answer) stops the channel for a while. */
async function safely<T extends { status: string }>(
  call: () => Promise<T>,
): Promise<T | Extract<BroadcastResult, { status: 'stop' }>> {
  try {
    return await call();
  } catch (error) {
    const message = (error as { message?: unknown } | null)?.message;
    return { status: 'stop', resume: 'soon', error: typeof message === 'string' ? message : String(error) };
  }
}

function earliest(a: Date | undefined, b: Date | undefined): Date | undefined {
  if (!a) return b;
  if (!b) return a;
  return a.getTime() <= b.getTime() ? a : b;
}
