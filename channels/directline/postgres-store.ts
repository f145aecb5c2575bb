/**
 * The DirectLineStore on PostgreSQL, shared by every app process of a deployment (migration
 * 004_directline.sql): a citizen's socket may sit on one process while the turn, or an officer's reply,
 * runs on another.
 *
 * - Watermarks: `append` is one statement that bumps the conversation's `seq` (the row lock orders
 *   concurrent appends, so watermarks are dense and commit in order), inserts the activity, trims the
 *   conversation to its last `maxActivities`, and `pg_notify('directline', {"c":conversation,"s":seq})`,
 *   delivered to every process on commit (ids, not activities: payloads stay far below 8000 bytes).
 * - Delivery: one dedicated LISTEN connection per store (src/db/pg-listener.ts). Each local subscription keeps
 *   the watermark it was last given (`mark`) and only ever gets higher ones, in order: a notification
 *   above a mark makes the store read the rows after the lowest mark (one read at a time per
 *   conversation) and hand each subscriber what it has not had. A local append goes straight to the
 *   subscribers whose mark is just below it; its own notification then finds nothing new.
 *   A fresh subscription has no mark until the first notification of its conversation arrives (say
 *   watermark n): every lower one was committed, hence notified, before it subscribed, so it starts at
 *   n - 1 and its owner's backlog read (`since`, after subscribing) holds the rest.
 * - Reconnection: notifications are lost while the LISTEN connection is down. Once it listens again
 *   every subscribed conversation is re-read after its subscribers' marks; a subscriber that had no mark
 *   yet restarts from the highest watermark this store had seen for the conversation when it subscribed
 *   (0 if none), so it may be handed activities its backlog already held: the stream skips watermarks
 *   it has sent (stream.ts).
 * - Typing (`publish`, not stored): delivered to this process's subscribers at once and sent in the
 *   NOTIFY payload to the others (`{"c","p":store id,"t":activity}`), unless the payload would exceed
 *   7900 bytes: then it stays local. Best effort, as typing is.
 * - Expiry: a conversation idle for `idleMs` (1 h) is gone for `get`/`append`/`since`; a periodic sweep
 *   (every `sweepMs`, batches of `sweepBatch`, at most 20 batches) deletes such rows with their
 *   activities. It first marks the conversations this process holds sockets for as active, and ends
 *   the subscribers of any that are already gone (their sockets close).
 */
import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import type { Logger } from '../../src/log';
import { activityId } from './memory-store';
import { PgListener } from '../../src/db/pg-listener';
import type {
  ActivityPage,
  Appended,
  ConversationInfo,
  ConversationListener,
  DirectLineActivity,
  DirectLineStore,
  NewActivity,
} from './store';

export const DIRECTLINE_CHANNEL = 'directline';
const MAX_PAYLOAD_BYTES = 7900;
const MAX_SWEEP_BATCHES = 20;
/** `get` refreshes last_active at most this often per conversation (fewer writes under polling). */
const TOUCH_EVERY_SECONDS = 15;

export interface PostgresStoreOptions {
  idleMs?: number;
  maxActivities?: number;
  sweepMs?: number;
  sweepBatch?: number;
  /** After a failed read for subscribers, retry after this long (default 1 s). */
  retryMs?: number;
  /** Reconnection backoff of the LISTEN connection (default 0.25 s doubling to 15 s). */
  listenerMinDelayMs?: number;
  listenerMaxDelayMs?: number;
  /** Told when a listener throws (delivery to the other listeners goes on). */
  onListenerError?: (error: unknown) => void;
}

interface Subscriber {
  listener: ConversationListener;
  /** The watermark last handed to it; undefined until its conversation's first notification. */
  mark: number | undefined;
  /** Where it restarts if the LISTEN connection drops before it has a mark. */
  floor: number;
}

interface Watched {
  subscribers: Set<Subscriber>;
  /** The highest watermark known to be committed. */
  known: number;
  reading: boolean;
  /** Read again after the read in flight (a notification came meanwhile, or a reconnection). */
  again: boolean;
  retry: NodeJS.Timeout | undefined;
}

interface Row {
  seq: number;
  activity: DirectLineActivity;
}

type Notice =
  | { kind: 'appended'; conversation: string; seq: number }
  | { kind: 'typing'; conversation: string; from: string; activity: DirectLineActivity };

function parseNotice(payload: string): Notice | undefined {
  try {
    const v = JSON.parse(payload) as Record<string, unknown>;
    if (typeof v.c !== 'string') return undefined;
    if (typeof v.s === 'number' && Number.isSafeInteger(v.s))
      return { kind: 'appended', conversation: v.c, seq: v.s };
    if (typeof v.p === 'string' && typeof v.t === 'object' && v.t !== null)
      return { kind: 'typing', conversation: v.c, from: v.p, activity: v.t as DirectLineActivity };
  } catch {
    // not ours
  }
  return undefined;
}

export class PostgresDirectLineStore implements DirectLineStore {
  /** Identifies this store's own typing notifications. */
  readonly instanceId = randomBytes(6).toString('hex');
  private readonly watched = new Map<string, Watched>();
  private readonly listener: PgListener;
  private readonly sweeper: NodeJS.Timeout;
  private readonly idleSeconds: number;
  private readonly maxActivities: number;
  private readonly sweepBatch: number;
  private closed = false;

  constructor(
    private readonly database: { pool: Pool; connectionString: string },
    private readonly log: Logger,
    private readonly options: PostgresStoreOptions = {},
  ) {
    this.idleSeconds = (options.idleMs ?? 60 * 60 * 1000) / 1000;
    this.maxActivities = options.maxActivities ?? 200;
    this.sweepBatch = options.sweepBatch ?? 500;
    this.listener = new PgListener({
      connectionString: database.connectionString,
      channel: DIRECTLINE_CHANNEL,
      log,
      applicationName: `tltp-directline-${this.instanceId}`,
      onNotification: (payload) => this.notified(payload),
      onListening: () => this.resume(),
      minDelayMs: options.listenerMinDelayMs,
      maxDelayMs: options.listenerMaxDelayMs,
    });
    this.listener.start();
    this.sweeper = setInterval(() => {
      this.sweep().catch((error: unknown) => this.log.warn('directline sweep failed', { error }));
    }, options.sweepMs ?? 60_000);
    this.sweeper.unref();
  }

  /** True while the LISTEN connection is up. */
  get listening(): boolean {
    return this.listener.listening;
  }

  private get pool(): Pool {
    return this.database.pool;
  }

  async open(conversationId: string, userId: string): Promise<boolean> {
    // An expired conversation that the sweep has not deleted yet starts over.
    await this.pool.query(
      `DELETE FROM directline_conversations
       WHERE id = $1 AND last_active <= now() - make_interval(secs => $2)`,
      [conversationId, this.idleSeconds],
    );
    const { rows } = await this.pool.query<{ created: boolean }>(
      `INSERT INTO directline_conversations (id, user_id) VALUES ($1, $2)
       ON CONFLICT (id) DO UPDATE SET last_active = now()
       RETURNING (xmax = 0) AS created`,
      [conversationId, userId],
    );
    return rows[0]?.created === true;
  }

  async get(conversationId: string): Promise<ConversationInfo | undefined> {
    const { rows } = await this.pool.query<{ user_id: string; created_at: Date }>(
      `WITH c AS (SELECT id, user_id, created_at, last_active FROM directline_conversations
                  WHERE id = $1 AND last_active > now() - make_interval(secs => $2)),
            touched AS (UPDATE directline_conversations d SET last_active = now() FROM c
                        WHERE d.id = c.id AND c.last_active < now() - make_interval(secs => $3))
       SELECT user_id, created_at FROM c`,
      [conversationId, this.idleSeconds, TOUCH_EVERY_SECONDS],
    );
    const row = rows[0];
    return row && { id: conversationId, userId: row.user_id, createdAt: row.created_at.toISOString() };
  }

  async append(conversationId: string, activity: NewActivity): Promise<Appended | undefined> {
    const { rows } = await this.pool.query<{ seq: number }>(
      `WITH c AS (UPDATE directline_conversations SET seq = seq + 1, last_active = now()
                  WHERE id = $1 AND last_active > now() - make_interval(secs => $3)
                  RETURNING id, seq),
            added AS (INSERT INTO directline_activities (conversation_id, seq, body)
                      SELECT id, seq, $2::json FROM c),
            trimmed AS (DELETE FROM directline_activities a USING c
                        WHERE a.conversation_id = c.id AND a.seq <= c.seq - $4)
       SELECT seq, pg_notify($5, json_build_object('c', id, 's', seq)::text) FROM c`,
      [conversationId, JSON.stringify(activity), this.idleSeconds, this.maxActivities, DIRECTLINE_CHANNEL],
    );
    const seq = rows[0]?.seq;
    if (seq === undefined) return undefined;
    const stored: DirectLineActivity = { ...activity, id: activityId(conversationId, seq) };
    const w = this.watched.get(conversationId);
    if (w) {
      w.known = Math.max(w.known, seq);
      this.deliver(w, [{ seq, activity: stored }], true);
      this.readIfBehind(conversationId, w);
    }
    return { activity: stored, watermark: seq };
  }

  async since(conversationId: string, watermark: number | undefined): Promise<ActivityPage | undefined> {
    const page = await this.read(conversationId, watermark ?? 0);
    return page && { activities: page.rows.map((r) => r.activity), watermark: page.watermark };
  }

  async publish(conversationId: string, activity: DirectLineActivity): Promise<void> {
    const w = this.watched.get(conversationId);
    if (w) for (const s of [...w.subscribers]) this.safely(() => s.listener.activity(activity, undefined));
    const payload = JSON.stringify({ c: conversationId, p: this.instanceId, t: activity });
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) return; // local only
    await this.pool
      .query('SELECT pg_notify($1, $2)', [DIRECTLINE_CHANNEL, payload])
      .catch((error: unknown) => this.log.debug('directline typing not sent to other processes', { error }));
  }

  subscribe(conversationId: string, listener: ConversationListener): () => void {
    let w = this.watched.get(conversationId);
    if (!w) {
      w = { subscribers: new Set(), known: 0, reading: false, again: false, retry: undefined };
      this.watched.set(conversationId, w);
    }
    const subscriber: Subscriber = { listener, mark: undefined, floor: w.known };
    w.subscribers.add(subscriber);
    const watched = w;
    return () => {
      watched.subscribers.delete(subscriber);
      if (watched.subscribers.size === 0 && this.watched.get(conversationId) === watched) {
        clearTimeout(watched.retry);
        this.watched.delete(conversationId);
      }
    };
  }

  /**
   * Keeps this process's subscribed conversations alive (ending the subscribers of those already
   * expired or deleted), then deletes expired conversations; returns how many it deleted.
   */
  async sweep(): Promise<number> {
    const ids = [...this.watched.keys()];
    for (let i = 0; i < ids.length; i += 1000) {
      const chunk = ids.slice(i, i + 1000);
      const { rows } = await this.pool.query<{ id: string }>(
        `UPDATE directline_conversations SET last_active = now()
         WHERE id = ANY($1::text[]) AND last_active > now() - make_interval(secs => $2)
         RETURNING id`,
        [chunk, this.idleSeconds],
      );
      const alive = new Set(rows.map((r) => r.id));
      for (const id of chunk) if (!alive.has(id)) this.end(id);
    }
    let deleted = 0;
    for (let batch = 0; batch < MAX_SWEEP_BATCHES; batch++) {
      const { rows } = await this.pool.query<{ id: string }>(
        `DELETE FROM directline_conversations WHERE id IN (
           SELECT id FROM directline_conversations
           WHERE last_active <= now() - make_interval(secs => $1)
           ORDER BY last_active LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING id`,
        [this.idleSeconds, this.sweepBatch],
      );
      deleted += rows.length;
      for (const { id } of rows) this.end(id);
      if (rows.length < this.sweepBatch) break;
    }
    return deleted;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    await this.listener.close();
    for (const id of [...this.watched.keys()]) this.end(id);
  }

  /** The kept activities after `after` and the conversation's watermark, in one snapshot. */
  private async read(
    conversationId: string,
    after: number,
  ): Promise<{ rows: Row[]; watermark: number } | undefined> {
    const { rows } = await this.pool.query<{ last: number; seq: number | null; body: NewActivity | null }>(
      `SELECT c.seq AS last, a.seq, a.body
       FROM directline_conversations c
       LEFT JOIN directline_activities a ON a.conversation_id = c.id AND a.seq > $2
       WHERE c.id = $1 AND c.last_active > now() - make_interval(secs => $3)
       ORDER BY a.seq`,
      [conversationId, after, this.idleSeconds],
    );
    const first = rows[0];
    if (!first) return undefined;
    const kept: Row[] = [];
    for (const r of rows)
      if (r.seq !== null && r.body !== null)
        kept.push({ seq: r.seq, activity: { ...r.body, id: activityId(conversationId, r.seq) } });
    return { rows: kept, watermark: first.last };
  }

  private notified(payload: string): void {
    const notice = parseNotice(payload);
    if (!notice) return;
    const w = this.watched.get(notice.conversation);
    if (!w) return;
    if (notice.kind === 'typing') {
      if (notice.from === this.instanceId) return;
      for (const s of [...w.subscribers]) this.safely(() => s.listener.activity(notice.activity, undefined));
      return;
    }
    w.known = Math.max(w.known, notice.seq);
    // Everything below the first notification a subscriber sees was committed before it subscribed.
    for (const s of w.subscribers) s.mark ??= notice.seq - 1;
    this.readIfBehind(notice.conversation, w);
  }

  /** Once the LISTEN connection is up (again): re-read every subscribed conversation. */
  private resume(): void {
    for (const [id, w] of this.watched) {
      for (const s of w.subscribers) s.mark ??= s.floor;
      this.readFor(id, w);
    }
  }

  private readIfBehind(conversationId: string, w: Watched): void {
    for (const s of w.subscribers)
      if (s.mark !== undefined && s.mark < w.known) {
        this.readFor(conversationId, w);
        return;
      }
  }

  /** Reads after the lowest mark and delivers, one read at a time per conversation. */
  private readFor(conversationId: string, w: Watched): void {
    if (w.reading) {
      w.again = true;
      return;
    }
    let from: number | undefined;
    for (const s of w.subscribers)
      if (s.mark !== undefined) from = from === undefined ? s.mark : Math.min(from, s.mark);
    if (from === undefined || this.closed) return;
    w.reading = true;
    w.again = false;
    const after = from;
    this.read(conversationId, after)
      .then(
        (page) => {
          w.reading = false;
          if (this.watched.get(conversationId) !== w) return;
          if (!page) {
            this.end(conversationId);
            return;
          }
          // The read is the truth as of its snapshot; a notice that came meanwhile set `again`.
          w.known = w.again ? Math.max(w.known, page.watermark) : page.watermark;
          this.deliver(w, page.rows, false);
          if (w.again) this.readFor(conversationId, w);
          else this.readIfBehind(conversationId, w);
        },
        (error: unknown) => {
          w.reading = false;
          if (this.closed || this.watched.get(conversationId) !== w) return;
          this.log.warn('directline: reading new activities failed; retrying', {
            conversation: conversationId,
            error,
          });
          clearTimeout(w.retry);
          w.retry = setTimeout(() => this.readFor(conversationId, w), this.options.retryMs ?? 1000);
          w.retry.unref();
        },
      )
      .catch((error: unknown) => this.log.error('directline delivery failed', { error }));
  }

  /**
   * Hands each subscriber the rows above its mark, in order. `exact` (a local append): only to
   * subscribers whose mark is just below, so a gap is filled by a read, never skipped.
   */
  private deliver(w: Watched, rows: Row[], exact: boolean): void {
    for (const { seq, activity } of rows)
      for (const s of [...w.subscribers]) {
        if (s.mark === undefined || seq <= s.mark || (exact && seq !== s.mark + 1)) continue;
        s.mark = seq;
        this.safely(() => s.listener.activity(activity, seq));
      }
  }

  private end(conversationId: string): void {
    const w = this.watched.get(conversationId);
    if (!w) return;
    this.watched.delete(conversationId);
    clearTimeout(w.retry);
    for (const s of [...w.subscribers]) this.safely(() => s.listener.ended());
    w.subscribers.clear();
  }

  private safely(call: () => void): void {
    try {
      call();
    } catch (error) {
      if (this.options.onListenerError) this.options.onListenerError(error);
      else this.log.error('directline delivery failed', { error });
    }
  }
}
