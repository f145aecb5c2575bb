/**
 * Records every message of every channel (`messages`, with its `conversations` row) without ever
 * blocking or breaking a reply: `record()` is synchronous and cannot throw; messages wait in memory
 * and are written in batches, each batch one SQL statement (conversations upserted, messages inserted
 * in order). When the database is down the queue is kept (bounded: the oldest are dropped with a
 * warning) and retried with exponential backoff. `healthy()` feeds /healthz: 'degraded' while writes
 * fail or the database does not answer. Text and the citizen's channel id are masked
 * (maskPersonalData: 12-digit ID numbers, phone numbers) before they are even queued.
 */
import type { Pool } from 'pg';
import { maskPersonalData, type Logger } from '../log';

export interface TranscriptMessage {
  conversationId: string;
  channel: string;
  direction: 'in' | 'out';
  text: string;
  /** The citizen's id on the channel (masked before storing). */
  userRef?: string;
  activityId?: string;
  intent?: string | null;
  procedure?: string | null;
  facet?: string | null;
  confidence?: number | null;
  decision?: string | null;
  knowledgeVersion?: string | null;
  at?: Date;
}

export interface TranscriptHealth {
  status: 'ok' | 'degraded';
  queued: number;
  dropped: number;
  lastError?: string;
}

export interface RecorderOptions {
  batchSize?: number;
  /** Most messages kept in memory while the database is down (default 10 000). */
  maxQueued?: number;
  retryMinMs?: number;
  retryMaxMs?: number;
  pingTimeoutMs?: number;
}

const MAX_TEXT = 8000;

interface Row {
  conversationId: string;
  channel: string;
  direction: 'in' | 'out';
  text: string;
  userRef: string | null;
  activityId: string | null;
  intent: string | null;
  procedure: string | null;
  facet: string | null;
  confidence: number | null;
  decision: string | null;
  knowledgeVersion: string | null;
  at: Date;
}

const clean = (s: string) => maskPersonalData(s.replace(/\u0000/g, '').slice(0, MAX_TEXT));

function toRow(m: TranscriptMessage): Row {
  return {
    conversationId: m.conversationId,
    channel: m.channel,
    direction: m.direction,
    text: clean(m.text),
    userRef: m.userRef ? clean(m.userRef) : null,
    activityId: m.activityId ?? null,
    intent: m.intent ?? null,
    procedure: m.procedure ?? null,
    facet: m.facet ?? null,
    confidence: typeof m.confidence === 'number' && Number.isFinite(m.confidence) ? m.confidence : null,
    decision: m.decision ?? null,
    knowledgeVersion: m.knowledgeVersion ?? null,
    at: m.at ?? new Date(),
  };
}

const INSERT = `WITH upserted AS (
  INSERT INTO conversations AS c (id, channel, user_ref, started_at, last_activity_at)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[])
  ON CONFLICT (id) DO UPDATE SET last_activity_at = GREATEST(c.last_activity_at, EXCLUDED.last_activity_at),
    user_ref = COALESCE(c.user_ref, EXCLUDED.user_ref)
)
INSERT INTO messages (conversation_id, direction, channel, activity_id, text, intent, procedure, facet,
  confidence, decision, knowledge_version, created_at)
SELECT conversation_id, direction, channel, activity_id, text, intent, procedure, facet, confidence,
  decision, knowledge_version, created_at
FROM unnest($6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],
  $13::text[], $14::real[], $15::text[], $16::text[], $17::timestamptz[]) WITH ORDINALITY
  AS m(conversation_id, direction, channel, activity_id, text, intent, procedure, facet, confidence,
    decision, knowledge_version, created_at, ord)
ORDER BY ord`;

/** A data exception or constraint violation (SQLSTATE class 22 or 23): retrying will not help. */
const refused = (err: unknown) => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23]/.test(code);
};

function parameters(batch: Row[]): unknown[] {
  const conversations = new Map<string, { channel: string; user: string | null; first: Date; last: Date }>();
  for (const r of batch) {
    const c = conversations.get(r.conversationId);
    if (!c)
      conversations.set(r.conversationId, { channel: r.channel, user: r.userRef, first: r.at, last: r.at });
    else {
      c.user ??= r.userRef;
      if (r.at < c.first) c.first = r.at;
      if (r.at > c.last) c.last = r.at;
    }
  }
  const ids = [...conversations.keys()].sort(); // one lock order for every writer: no deadlocks
  const conv = ids.map((id) => conversations.get(id)!);
  const col = <K extends keyof Row>(k: K) => batch.map((r) => r[k]);
  return [
    ids,
    conv.map((c) => c.channel),
    conv.map((c) => c.user),
    conv.map((c) => c.first),
    conv.map((c) => c.last),
    ...(['conversationId', 'direction', 'channel', 'activityId', 'text', 'intent'] as const).map(col),
    ...(['procedure', 'facet', 'confidence', 'decision', 'knowledgeVersion', 'at'] as const).map(col),
  ];
}

export class TranscriptRecorder {
  private queue: Row[] = [];
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private lastError: string | undefined;
  private dropped = 0;
  private inFlight = 0;
  private lastDropWarning = 0;
  private closed = false;
  private readonly options: Required<RecorderOptions>;

  constructor(
    private readonly pool: Pool,
    private readonly log: Logger,
    options: RecorderOptions = {},
  ) {
    this.options = {
      batchSize: 200,
      maxQueued: 10000,
      retryMinMs: 250,
      retryMaxMs: 15000,
      pingTimeoutMs: 1000,
      ...options,
    };
  }

  /** Queues one message; returns at once and never throws. */
  record(message: TranscriptMessage): void {
    try {
      if (this.closed) {
        this.log.warn('transcript message after close not recorded', {
          conversation: message.conversationId,
        });
        return;
      }
      this.queue.push(toRow(message));
      this.trim();
      if (this.failures === 0) this.kick(0);
    } catch (err) {
      this.log.warn('transcript message not recorded', { error: err });
    }
  }

  /** Writes what is queued now; resolves true when the queue is empty (false when the database fails). */
  async flush(): Promise<boolean> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.run();
    while (this.flushing) await this.flushing;
    return this.queue.length === 0;
  }

  async healthy(): Promise<TranscriptHealth> {
    const answers = await this.ping();
    if (answers && this.failures > 0 && this.timer) void this.flush(); // it is back: retry now
    return {
      status: answers && this.failures === 0 ? 'ok' : 'degraded',
      queued: this.queue.length + this.inFlight,
      dropped: this.dropped,
      ...(this.lastError !== undefined && { lastError: this.lastError }),
    };
  }

  /** Stops taking messages and makes a last attempt (at most `timeoutMs`) to write what is queued. */
  async close(timeoutMs = 5000): Promise<void> {
    this.closed = true;
    const timeout = new Promise<false>((resolve) => setTimeout(resolve, timeoutMs, false).unref());
    const flushed = await Promise.race([this.flush(), timeout]);
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!flushed && this.queue.length > 0)
      this.log.warn('transcript messages lost at shutdown: the database did not take them', {
        count: this.queue.length,
      });
  }

  private async ping(): Promise<boolean> {
    const timeout = new Promise<false>((resolve) =>
      setTimeout(resolve, this.options.pingTimeoutMs, false).unref(),
    );
    const query = this.pool.query('SELECT 1').then(
      () => true,
      () => false,
    );
    return Promise.race([query, timeout]);
  }

  private trim(): void {
    const excess = this.queue.length - this.options.maxQueued;
    if (excess <= 0) return;
    this.queue.splice(0, excess);
    this.dropped += excess;
    if (Date.now() - this.lastDropWarning > 10000) {
      this.lastDropWarning = Date.now();
      this.log.warn('transcript queue full: oldest messages dropped', {
        dropped: this.dropped,
        kept: this.queue.length,
      });
    }
  }

  private kick(delayMs: number): void {
    if (this.timer || (this.closed && delayMs > 0)) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.run();
    }, delayMs);
    this.timer.unref();
  }

  private run(): void {
    this.flushing ??= this.drain().finally(() => (this.flushing = undefined));
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.batchSize);
      this.inFlight = batch.length;
      const written = await this.write(batch);
      this.inFlight = 0;
      if (!written) return;
      if (this.failures > 0)
        this.log.info('transcript recording recovered', {
          failures: this.failures,
          queued: this.queue.length,
        });
      this.failures = 0;
      this.lastError = undefined;
    }
  }

  /**
   * Writes a batch; false (batch requeued, retry scheduled) when the database cannot be reached. Rows the
   * database refuses (a data or constraint error) would block the queue forever: they are written one
   * by one and the refused ones dropped with an error.
   */
  private async write(batch: Row[]): Promise<boolean> {
    try {
      await this.pool.query(INSERT, parameters(batch));
      return true;
    } catch (err) {
      if (!refused(err)) return this.requeue(batch, err);
    }
    for (const [i, row] of batch.entries()) {
      try {
        await this.pool.query(INSERT, parameters([row]));
      } catch (err) {
        if (!refused(err)) return this.requeue(batch.slice(i), err);
        this.dropped++;
        this.log.error('transcript message refused by the database: dropped', {
          conversation: row.conversationId,
          error: err,
        });
      }
    }
    return true;
  }

  private requeue(rows: Row[], err: unknown): false {
    this.queue.unshift(...rows);
    this.trim();
    this.failed(err);
    return false;
  }

  private failed(err: unknown): void {
    this.failures++;
    this.lastError = err instanceof Error ? err.message : String(err);
    const { retryMinMs, retryMaxMs } = this.options;
    const delay = Math.min(retryMaxMs, retryMinMs * 2 ** (this.failures - 1)) * (1 + Math.random() * 0.2);
    const fields = { error: this.lastError, queued: this.queue.length, retryInMs: Math.round(delay) };
    if (this.failures === 1 || this.failures % 10 === 0)
      this.log.warn('transcript recording failing', fields);
    else this.log.debug('transcript recording failing', fields);
    this.kick(delay);
  }
}
