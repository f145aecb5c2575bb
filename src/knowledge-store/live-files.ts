/**
 * Which published revision of each knowledge file is live at a moment (pure; the rule of
 * migrations/010_knowledge.sql): per path, the most recently published revision whose effective_from
 * has come; when that one has expired (effective_until passed) or deletes the file, the path is
 * absent. Also the next moment the answer can change (a scheduled start or end), for the scheduler.
 */

export interface PublishedRevision {
  id: number;
  path: string;
  source: string;
  deletes: boolean;
  publishedAt: Date;
  effectiveFrom: Date | null;
  effectiveUntil: Date | null;
}

export interface LiveSet {
  /** path → source of the live revisions. */
  files: Map<string, string>;
  /** path → id of the live revision. */
  revisions: Map<string, number>;
}

const started = (r: PublishedRevision, at: Date) => r.effectiveFrom === null || r.effectiveFrom <= at;
const expired = (r: PublishedRevision, at: Date) => r.effectiveUntil !== null && r.effectiveUntil <= at;

/** Newest publication first; among equal times, the higher id (published later in the same instant). */
const newestFirst = (a: PublishedRevision, b: PublishedRevision) =>
  b.publishedAt.getTime() - a.publishedAt.getTime() || b.id - a.id;

export function liveAt(published: readonly PublishedRevision[], at: Date): LiveSet {
  const byPath = new Map<string, PublishedRevision[]>();
  for (const r of published) {
    const list = byPath.get(r.path) ?? [];
    list.push(r);
    byPath.set(r.path, list);
  }
  const files = new Map<string, string>();
  const revisions = new Map<string, number>();
  for (const [path, list] of [...byPath].sort(([a], [b]) => a.localeCompare(b))) {
    const current = list.sort(newestFirst).find((r) => started(r, at));
    if (!current || current.deletes || expired(current, at)) continue;
    files.set(path, current.source);
    revisions.set(path, current.id);
  }
  return { files, revisions };
}

/** The first scheduled start or end after `at`, if any. */
export function nextChange(published: readonly PublishedRevision[], at: Date): Date | undefined {
  let next: number | undefined;
  for (const r of published) {
    for (const t of [r.effectiveFrom, r.effectiveUntil]) {
      if (t && t > at && (next === undefined || t.getTime() < next)) next = t.getTime();
    }
  }
  return next === undefined ? undefined : new Date(next);
}
