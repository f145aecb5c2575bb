/**
 * What editors decided about inbox groups (migrations/030_inbox.sql): one row per resolved group
 * (attached to a guide, sent to an out-of-scope topic, dismissed) and the normalised questions it held,
 * which the inbox leaves out from then on. Resolving a group twice is a conflict (two editors at once:
 * the second gets 409); reopening deletes the resolution, and its questions come back. The stored keys
 * are normalised with the lexicon of the day: a lexicon change that alters a question's key (a new
 * abbreviation or stopword) can bring that phrasing back as a new group.
 */
import type { Pool, PoolClient } from 'pg';
import { RevisionError } from '../../knowledge-store/revisions';

export type ResolutionState = 'attached' | 'out_of_scope' | 'dismissed';

export interface Resolution {
  signature: string;
  state: ResolutionState;
  target: string | null;
  revisionId: number | null;
  actor: string;
  at: Date;
  messages: number;
  sample: string;
}

type Queryable = Pick<Pool | PoolClient, 'query'>;

export async function resolvedKeys(db: Queryable): Promise<Set<string>> {
  const { rows } = await db.query<{ key: string }>('SELECT key FROM inbox_resolved_keys');
  return new Set(rows.map((r) => r.key));
}

/** Records a resolution and its questions; RevisionError('conflict') when the group is resolved already. */
export async function resolveGroup(
  db: Queryable,
  r: Omit<Resolution, 'at'> & { keys: string[] },
  at: Date,
): Promise<void> {
  const inserted = await db.query(
    `INSERT INTO inbox_resolutions (signature, state, target, revision_id, actor, at, messages, sample)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (signature) DO NOTHING`,
    [r.signature, r.state, r.target, r.revisionId, r.actor, at, r.messages, r.sample],
  );
  if (inserted.rowCount === 0) throw new RevisionError('conflict', 'this group has been handled already');
  await db.query(
    `INSERT INTO inbox_resolved_keys (key, signature) SELECT unnest($1::text[]), $2
     ON CONFLICT (key) DO NOTHING`,
    [r.keys, r.signature],
  );
}

export async function listResolutions(db: Queryable, limit = 50): Promise<Resolution[]> {
  const { rows } = await db.query<{
    signature: string;
    state: ResolutionState;
    target: string | null;
    revision_id: string | null;
    actor: string;
    at: Date;
    messages: number;
    sample: string;
  }>(
    `SELECT signature, state, target, revision_id, actor, at, messages, sample
     FROM inbox_resolutions ORDER BY at DESC, signature LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({
    signature: r.signature,
    state: r.state,
    target: r.target,
    revisionId: r.revision_id === null ? null : Number(r.revision_id),
    actor: r.actor,
    at: r.at,
    messages: r.messages,
    sample: r.sample,
  }));
}

/** Deletes a resolution (its questions come back); RevisionError('not_found') when there is none. */
export async function reopenGroup(db: Queryable, signature: string): Promise<Resolution['state']> {
  const { rows } = await db.query<{ state: ResolutionState }>(
    'DELETE FROM inbox_resolutions WHERE signature = $1 RETURNING state',
    [signature],
  );
  const row = rows[0];
  if (!row) throw new RevisionError('not_found', 'no handled group has this signature');
  return row.state;
}
