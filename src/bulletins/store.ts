/**
 * The bulletins in PostgreSQL (migration 040) as the editor uses them: create and edit drafts,
 * schedule (send now = schedule at the current time), cancel (also stops one going out), withdraw
 * from the web chat welcome,
 * and read the list and the delivery results. State changes are single UPDATEs guarded by the status
 * they start from, so an edit racing the scheduler's claim gets a conflict instead of changing a
 * bulletin that is going out. The sending itself is scheduler.ts and delivery-run.ts.
 */
import type { Pool, PoolClient } from 'pg';
import type { BulletinChannel } from './limits';

export type Queryable = Pick<Pool | PoolClient, 'query'>;

/** The one delivery row of the web chat welcome, and the row of a channel that could not be used. */
export const WEBCHAT_TARGET = 'welcome';
export const CHANNEL_TARGET = '*';

export const BULLETIN_STATUSES = ['draft', 'scheduled', 'sending', 'sent', 'cancelled', 'failed'] as const;
export type BulletinStatus = (typeof BULLETIN_STATUSES)[number];

export interface Bulletin {
  id: number;
  title: string;
  body: string;
  link: string | null;
  channels: BulletinChannel[];
  status: BulletinStatus;
  scheduledAt: Date | null;
  sentAt: Date | null;
  completedAt: Date | null;
  showUntil: Date | null;
  nextRunAt: Date | null;
  error: string | null;
  author: string;
  updatedBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface BulletinInput {
  title: string;
  body: string;
  link: string | null;
  channels: BulletinChannel[];
  showUntil: Date | null;
}

/** Delivery rows of one bulletin: channel → status → count. */
export type DeliveryCounts = Partial<Record<string, Record<string, number>>>;

export class BulletinError extends Error {
  constructor(
    readonly code: 'not_found' | 'conflict' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'BulletinError';
  }
}

interface BulletinRow {
  id: string;
  title: string;
  body: string;
  link: string | null;
  channels: BulletinChannel[];
  status: BulletinStatus;
  scheduled_at: Date | null;
  sent_at: Date | null;
  completed_at: Date | null;
  show_until: Date | null;
  next_run_at: Date | null;
  error: string | null;
  author: string;
  updated_by: string;
  created_at: Date;
  updated_at: Date;
}

export function toBulletin(row: BulletinRow): Bulletin {
  return {
    id: Number(row.id),
    title: row.title,
    body: row.body,
    link: row.link,
    channels: row.channels,
    status: row.status,
    scheduledAt: row.scheduled_at,
    sentAt: row.sent_at,
    completedAt: row.completed_at,
    showUntil: row.show_until,
    nextRunAt: row.next_run_at,
    error: row.error,
    author: row.author,
    updatedBy: row.updated_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function insertBulletin(
  db: Queryable,
  input: BulletinInput,
  author: string,
  now: Date,
): Promise<Bulletin> {
  const { rows } = await db.query<BulletinRow>(
    `INSERT INTO bulletins (title, body, link, channels, show_until, author, updated_by, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $7) RETURNING *`,
    [input.title, input.body, input.link, input.channels, input.showUntil, author, now],
  );
  return toBulletin(rows[0]!);
}

export async function getBulletin(db: Queryable, id: number): Promise<Bulletin> {
  const { rows } = await db.query<BulletinRow>('SELECT * FROM bulletins WHERE id = $1', [id]);
  if (!rows[0]) throw new BulletinError('not_found', 'Không có bản tin này.');
  return toBulletin(rows[0]);
}

/** Changes a draft or a scheduled bulletin (it stays scheduled); 409 once it is going out. */
export async function updateBulletin(
  db: Queryable,
  id: number,
  input: BulletinInput,
  actor: string,
  now: Date,
): Promise<Bulletin> {
  const { rows } = await db.query<BulletinRow>(
    `UPDATE bulletins SET title = $2, body = $3, link = $4, channels = $5, show_until = $6,
       updated_by = $7, updated_at = $8
     WHERE id = $1 AND status IN ('draft', 'scheduled') RETURNING *`,
    [id, input.title, input.body, input.link, input.channels, input.showUntil, actor, now],
  );
  if (rows[0]) return toBulletin(rows[0]);
  throw await stateError(db, id, 'Chỉ sửa được bản nháp hoặc bản tin đã lên lịch chưa gửi.');
}

/** Draft or scheduled → scheduled at `at` (the scheduler sends it once `at` has come). */
export async function scheduleBulletin(
  db: Queryable,
  id: number,
  at: Date,
  actor: string,
  now: Date,
): Promise<Bulletin> {
  const { rows } = await db.query<BulletinRow>(
    `UPDATE bulletins SET status = 'scheduled', scheduled_at = $2, next_run_at = $2, updated_by = $3,
       updated_at = $4
     WHERE id = $1 AND status IN ('draft', 'scheduled') RETURNING *`,
    [id, at, actor, now],
  );
  if (rows[0]) return toBulletin(rows[0]);
  throw await stateError(db, id, 'Bản tin này đã gửi hoặc đã hủy, không lên lịch lại được.');
}

/**
 * Draft, scheduled or sending → cancelled (final). Cancelling one that is going out stops it: the run
 * holding it loses its run_token (it sends nothing more) and what was still waiting is skipped.
 */
export async function cancelBulletin(db: Queryable, id: number, actor: string, now: Date): Promise<Bulletin> {
  const { rows } = await db.query<BulletinRow>(
    `WITH cancelled AS (
       UPDATE bulletins SET status = 'cancelled', next_run_at = NULL, run_token = NULL, updated_by = $2,
         updated_at = $3
       WHERE id = $1 AND status IN ('draft', 'scheduled', 'sending') RETURNING *
     ), skipped AS (
       UPDATE bulletin_deliveries SET status = 'skipped', error_message = 'Bản tin đã bị hủy.'
       WHERE bulletin_id IN (SELECT id FROM cancelled) AND status IN ('pending', 'deferred')
     )
     SELECT * FROM cancelled`,
    [id, actor, now],
  );
  if (rows[0]) return toBulletin(rows[0]);
  throw await stateError(db, id, 'Bản tin này đã gửi xong hoặc đã hủy.');
}

/** Takes a bulletin that went out off the web chat welcome from now on (show_until = now). */
export async function withdrawBulletin(
  db: Queryable,
  id: number,
  actor: string,
  now: Date,
): Promise<Bulletin> {
  const { rows } = await db.query<BulletinRow>(
    `UPDATE bulletins SET show_until = $2, updated_by = $3, updated_at = $2
     WHERE id = $1 AND sent_at IS NOT NULL AND 'webchat' = ANY (channels)
       AND (show_until IS NULL OR show_until > $2) RETURNING *`,
    [id, now, actor],
  );
  if (rows[0]) return toBulletin(rows[0]);
  throw await stateError(db, id, 'Bản tin này không đang hiện trong lời chào web chat.');
}

async function stateError(db: Queryable, id: number, message: string): Promise<BulletinError> {
  await getBulletin(db, id); // not_found first
  return new BulletinError('conflict', message);
}

/** The newest bulletins (at most `limit`) with their delivery counts. */
export async function listBulletins(
  db: Queryable,
  limit = 200,
): Promise<(Bulletin & { counts: DeliveryCounts })[]> {
  const { rows } = await db.query<BulletinRow>(
    'SELECT * FROM bulletins ORDER BY updated_at DESC, id DESC LIMIT $1',
    [limit],
  );
  const bulletins = rows.map(toBulletin);
  const counts = await deliveryCounts(
    db,
    bulletins.map((b) => b.id),
  );
  return bulletins.map((b) => ({ ...b, counts: counts.get(b.id) ?? {} }));
}

async function deliveryCounts(db: Queryable, ids: number[]): Promise<Map<number, DeliveryCounts>> {
  const result = new Map<number, DeliveryCounts>();
  if (ids.length === 0) return result;
  const { rows } = await db.query<{ bulletin_id: string; channel: string; status: string; n: number }>(
    `SELECT bulletin_id, channel, status, count(*)::int AS n FROM bulletin_deliveries
     WHERE bulletin_id = ANY ($1::bigint[]) GROUP BY bulletin_id, channel, status`,
    [ids],
  );
  for (const row of rows) {
    const id = Number(row.bulletin_id);
    const counts = result.get(id) ?? {};
    (counts[row.channel] ??= {})[row.status] = row.n;
    result.set(id, counts);
  }
  return result;
}

export interface DeliveryProblem {
  channel: string;
  /** Masked: the editor needs to see that it is one follower, not who. */
  target: string;
  status: string;
  code: number | null;
  message: string | null;
  attempts: number;
  attemptedAt: Date | null;
  retryAt: Date | null;
}

export interface DeliveryReport {
  counts: DeliveryCounts;
  /** Failures and deferrals grouped by channel, status and error code, most frequent first. */
  errors: { channel: string; status: string; code: number | null; message: string | null; count: number }[];
  /** The latest 50 deliveries that did not go out (failed, deferred, skipped). */
  problems: DeliveryProblem[];
}

export async function deliveryReport(db: Queryable, id: number): Promise<DeliveryReport> {
  const counts = (await deliveryCounts(db, [id])).get(id) ?? {};
  const grouped = await db.query<{
    channel: string;
    status: string;
    error_code: number | null;
    message: string | null;
    n: number;
  }>(
    `SELECT channel, status, error_code, min(error_message) AS message, count(*)::int AS n
     FROM bulletin_deliveries WHERE bulletin_id = $1 AND status IN ('failed', 'deferred', 'skipped')
     GROUP BY channel, status, error_code ORDER BY n DESC, channel, status LIMIT 50`,
    [id],
  );
  const latest = await db.query<{
    channel: string;
    target: string;
    status: string;
    error_code: number | null;
    error_message: string | null;
    attempts: number;
    attempted_at: Date | null;
    retry_at: Date | null;
  }>(
    `SELECT channel, target, status, error_code, error_message, attempts, attempted_at, retry_at
     FROM bulletin_deliveries WHERE bulletin_id = $1 AND status IN ('failed', 'deferred', 'skipped')
     ORDER BY attempted_at DESC NULLS LAST, id DESC LIMIT 50`,
    [id],
  );
  return {
    counts,
    errors: grouped.rows.map((r) => ({
      channel: r.channel,
      status: r.status,
      code: r.error_code,
      message: r.message,
      count: r.n,
    })),
    problems: latest.rows.map((r) => ({
      channel: r.channel,
      target: maskTarget(r.target),
      status: r.status,
      code: r.error_code,
      message: r.error_message,
      attempts: r.attempts,
      attemptedAt: r.attempted_at,
      retryAt: r.retry_at,
    })),
  };
}

/** A follower id as '…1234'; the web chat's 'welcome' and a channel's '*' as they are. */
export function maskTarget(target: string): string {
  if (target === WEBCHAT_TARGET || target === CHANNEL_TARGET) return target;
  return target.length > 4 ? `…${target.slice(-4)}` : '…';
}
