/**
 * The knowledge_revisions table (migrations/010_knowledge.sql): reading, writing and the status
 * transitions of revisions. Every transition names the status it expects in its WHERE clause, so two
 * editors acting at once cannot both move the same revision; the loser gets a RevisionError('conflict').
 */
import type { Pool, PoolClient } from 'pg';
import type { PublishedRevision } from './live-files';

export type RevisionStatus = 'draft' | 'in_review' | 'published' | 'rejected';

export interface Revision {
  id: number;
  path: string;
  source: string;
  deletes: boolean;
  status: RevisionStatus;
  baseId: number | null;
  author: string;
  note: string;
  createdAt: Date;
  updatedAt: Date;
  submittedAt: Date | null;
  reviewedBy: string | null;
  reviewedAt: Date | null;
  reviewNote: string | null;
  publishedAt: Date | null;
  effectiveFrom: Date | null;
  effectiveUntil: Date | null;
  gate: unknown;
}

export type RevisionSummary = Omit<Revision, 'source' | 'gate'>;

export class RevisionError extends Error {
  constructor(
    readonly code: 'not_found' | 'conflict' | 'forbidden' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

type Queryable = Pick<Pool | PoolClient, 'query'>;

const COLUMNS = `id, path, deletes, status, base_id, author, note, created_at, updated_at, submitted_at,
  reviewed_by, reviewed_at, review_note, published_at, effective_from, effective_until`;

interface Row {
  id: string;
  path: string;
  source?: string;
  deletes: boolean;
  status: RevisionStatus;
  base_id: string | null;
  author: string;
  note: string;
  created_at: Date;
  updated_at: Date;
  submitted_at: Date | null;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  review_note: string | null;
  published_at: Date | null;
  effective_from: Date | null;
  effective_until: Date | null;
  gate?: unknown;
}

function summary(r: Row): RevisionSummary {
  return {
    id: Number(r.id),
    path: r.path,
    deletes: r.deletes,
    status: r.status,
    baseId: r.base_id === null ? null : Number(r.base_id),
    author: r.author,
    note: r.note,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    submittedAt: r.submitted_at,
    reviewedBy: r.reviewed_by,
    reviewedAt: r.reviewed_at,
    reviewNote: r.review_note,
    publishedAt: r.published_at,
    effectiveFrom: r.effective_from,
    effectiveUntil: r.effective_until,
  };
}

export interface NewRevision {
  path: string;
  source: string;
  deletes?: boolean;
  author: string;
  note?: string;
  baseId?: number | null;
  effectiveFrom?: Date | null;
  effectiveUntil?: Date | null;
}

export async function insertRevision(
  db: Queryable,
  r: NewRevision,
  status: RevisionStatus = 'draft',
  at: Date = new Date(),
): Promise<number> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO knowledge_revisions (path, source, deletes, status, base_id, author, note, created_at,
       updated_at, published_at, effective_from, effective_until)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11) RETURNING id`,
    [
      r.path,
      r.source,
      r.deletes ?? false,
      status,
      r.baseId ?? null,
      r.author,
      r.note ?? '',
      at,
      status === 'published' ? at : null,
      r.effectiveFrom ?? null,
      r.effectiveUntil ?? null,
    ],
  );
  return Number(rows[0]!.id);
}

export async function getRevision(db: Queryable, id: number): Promise<Revision> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS}, source, gate FROM knowledge_revisions WHERE id = $1`,
    [id],
  );
  const row = rows[0];
  if (!row) throw new RevisionError('not_found', `revision ${id} does not exist`);
  return { ...summary(row), source: row.source ?? '', gate: row.gate ?? null };
}

export async function listRevisions(db: Queryable, path: string): Promise<RevisionSummary[]> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM knowledge_revisions WHERE path = $1 ORDER BY id DESC LIMIT 200`,
    [path],
  );
  return rows.map(summary);
}

/** Drafts and revisions waiting for review, newest first. */
export async function listPending(db: Queryable): Promise<RevisionSummary[]> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM knowledge_revisions WHERE status IN ('draft', 'in_review')
     ORDER BY updated_at DESC LIMIT 500`,
  );
  return rows.map(summary);
}

/** Every published revision without its text (the live set is chosen from these). */
export async function listPublished(db: Queryable): Promise<PublishedRevision[]> {
  const { rows } = await db.query<Row>(
    `SELECT id, path, deletes, published_at, effective_from, effective_until
     FROM knowledge_revisions WHERE status = 'published'`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    path: r.path,
    source: '',
    deletes: r.deletes,
    publishedAt: r.published_at!,
    effectiveFrom: r.effective_from,
    effectiveUntil: r.effective_until,
  }));
}

export async function sourcesOf(db: Queryable, ids: number[]): Promise<Map<number, string>> {
  const { rows } = await db.query<{ id: string; source: string }>(
    `SELECT id, source FROM knowledge_revisions WHERE id = ANY($1::bigint[])`,
    [ids],
  );
  return new Map(rows.map((r) => [Number(r.id), r.source]));
}

export interface DraftChanges {
  source?: string;
  deletes?: boolean;
  note?: string;
  effectiveFrom?: Date | null;
  effectiveUntil?: Date | null;
}

/** Changes a draft (or a rejected revision, which becomes a draft again); only its author may. */
export async function updateDraft(
  db: Queryable,
  id: number,
  actor: string,
  c: DraftChanges,
  at: Date,
): Promise<void> {
  const { rowCount } = await db.query(
    `UPDATE knowledge_revisions SET
       source = COALESCE($3, source), deletes = COALESCE($4, deletes), note = COALESCE($5, note),
       effective_from = CASE WHEN $6 THEN $7::timestamptz ELSE effective_from END,
       effective_until = CASE WHEN $8 THEN $9::timestamptz ELSE effective_until END,
       status = 'draft', updated_at = $10, gate = NULL
     WHERE id = $1 AND author = $2 AND status IN ('draft', 'rejected')`,
    [
      id,
      actor,
      c.source ?? null,
      c.deletes ?? null,
      c.note ?? null,
      c.effectiveFrom !== undefined,
      c.effectiveFrom ?? null,
      c.effectiveUntil !== undefined,
      c.effectiveUntil ?? null,
      at,
    ],
  );
  if (rowCount === 0) await explainRefusal(db, id, actor, 'edit');
}

/** draft → in_review (by its author). */
export async function submitRevision(db: Queryable, id: number, actor: string, at: Date): Promise<void> {
  const { rowCount } = await db.query(
    `UPDATE knowledge_revisions SET status = 'in_review', submitted_at = $3, updated_at = $3
     WHERE id = $1 AND author = $2 AND status = 'draft'`,
    [id, actor, at],
  );
  if (rowCount === 0) await explainRefusal(db, id, actor, 'submit');
}

/** in_review → rejected (by someone else than the author). */
export async function rejectRevision(
  db: Queryable,
  id: number,
  reviewer: string,
  note: string,
  at: Date,
): Promise<void> {
  const { rowCount } = await db.query(
    `UPDATE knowledge_revisions SET status = 'rejected', reviewed_by = $2, reviewed_at = $4, review_note = $3,
       updated_at = $4
     WHERE id = $1 AND author <> $2 AND status = 'in_review'`,
    [id, reviewer, note, at],
  );
  if (rowCount === 0) await explainRefusal(db, id, reviewer, 'review');
}

/** in_review → published (the gate has passed), in the caller's transaction. */
export async function markPublished(
  db: Queryable,
  id: number,
  reviewer: string,
  gate: unknown,
  at: Date,
): Promise<void> {
  const { rowCount } = await db.query(
    `UPDATE knowledge_revisions SET status = 'published', reviewed_by = $2, reviewed_at = $3, published_at = $3,
       updated_at = $3, gate = $4
     WHERE id = $1 AND author <> $2 AND status = 'in_review'`,
    [id, reviewer, at, JSON.stringify(gate)],
  );
  if (rowCount === 0) await explainRefusal(db, id, reviewer, 'review');
}

/** Keeps the gate's report on a revision it refused (it stays in review). */
export async function recordGate(db: Queryable, id: number, gate: unknown): Promise<void> {
  await db.query(`UPDATE knowledge_revisions SET gate = $2 WHERE id = $1`, [id, JSON.stringify(gate)]);
}

async function explainRefusal(
  db: Queryable,
  id: number,
  actor: string,
  action: 'edit' | 'submit' | 'review',
): Promise<never> {
  const r = await getRevision(db, id); // not_found when missing
  if (action === 'review' && r.author === actor)
    throw new RevisionError('forbidden', 'a second editor must review a revision, not its author');
  if (action !== 'review' && r.author !== actor)
    throw new RevisionError('forbidden', `only ${r.author} can ${action} this revision`);
  throw new RevisionError('conflict', `revision ${id} is ${r.status}; it cannot be ${action}ed now`);
}
