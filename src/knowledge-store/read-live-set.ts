/**
 * The live knowledge files at a moment, read from knowledge_revisions: the published revisions'
 * dates, the rule of live-files.ts, then the texts of the chosen revisions only.
 */
import type { Pool, PoolClient } from 'pg';
import { liveAt, type LiveSet } from './live-files';
import { listPublished, sourcesOf } from './revisions';

export async function readLiveSet(db: Pick<Pool | PoolClient, 'query'>, at: Date): Promise<LiveSet> {
  const chosen = liveAt(await listPublished(db), at);
  const sources = await sourcesOf(db, [...chosen.revisions.values()]);
  const files = new Map<string, string>();
  for (const [path, id] of chosen.revisions) files.set(path, sources.get(id) ?? '');
  return { files, revisions: chosen.revisions };
}
