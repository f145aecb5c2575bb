/**
 * Seeds knowledge_revisions from the knowledge/ folder at start, under an advisory lock so that two
 * processes starting together do it once. A file with no revision yet is published as it is (author
 * 'knowledge/'). A file that changed in the folder (a developer's commit) is published again only if
 * the live revision also came from the folder; when an editor has published since, the editor's text
 * wins and the difference is logged (export the database's knowledge to review it as a pull request).
 */
import type { Pool } from 'pg';
import { inTransaction } from '../handoff/transaction';
import { readKnowledgeFiles } from '../knowledge/load-knowledge';
import type { Logger } from '../log';
import { liveAt } from './live-files';
import { insertRevision, listPublished, sourcesOf } from './revisions';

export const FOLDER_AUTHOR = 'knowledge/';
const SEED_LOCK = 7_260_010; // any constant shared by every process

export interface SeedResult {
  added: number;
  updated: number;
  kept: string[];
}

export async function seedFromFiles(
  pool: Pool,
  dir: string,
  log: Logger,
  at = new Date(),
): Promise<SeedResult> {
  const files = await readKnowledgeFiles(dir);
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK]);
    const published = await listPublished(client);
    const live = liveAt(published, at);
    const authors = new Map<number, string>();
    if (published.length > 0) {
      const { rows } = await client.query<{ id: string; author: string }>(
        `SELECT id, author FROM knowledge_revisions WHERE id = ANY($1::bigint[])`,
        [[...live.revisions.values()]],
      );
      for (const r of rows) authors.set(Number(r.id), r.author);
    }
    const sources = await sourcesOf(client, [...live.revisions.values()]);
    const everPublished = new Set(published.map((r) => r.path));
    const result: SeedResult = { added: 0, updated: 0, kept: [] };
    for (const [path, source] of files) {
      const liveId = live.revisions.get(path);
      if (!everPublished.has(path)) {
        await insertRevision(
          client,
          { path, source, author: FOLDER_AUTHOR, note: 'Từ thư mục knowledge/' },
          'published',
          at,
        );
        result.added++;
      } else if (liveId !== undefined && sources.get(liveId) !== source) {
        if (authors.get(liveId) === FOLDER_AUTHOR) {
          await insertRevision(
            client,
            { path, source, author: FOLDER_AUTHOR, note: 'Cập nhật từ thư mục knowledge/', baseId: liveId },
            'published',
            at,
          );
          result.updated++;
        } else {
          result.kept.push(path);
        }
      }
    }
    if (result.kept.length > 0)
      log.warn('knowledge/ differs from revisions editors published; the published text is kept', {
        files: result.kept,
      });
    return result;
  });
}
