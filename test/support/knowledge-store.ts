/**
 * The knowledge on a test database (KnowledgeService seeded from the shipped knowledge/), for tests
 * of the editor and of publishing. The publish gate runs a slice of eval/dev.jsonl (`rows`) so a test
 * publish takes about a second; the server uses every set of eval/.
 */
import path from 'node:path';
import { readQuestionRows } from '../../src/cli/question-rows';
import { parseConfig } from '../../src/config';
import type { Database } from '../../src/db/database';
import { KnowledgeService } from '../../src/knowledge-store/knowledge-service';
import type { Logger } from '../../src/log';
import { testLogger } from './test-server';

export async function openTestKnowledge(
  db: Database,
  options: { rows?: number; log?: Logger; now?: () => Date } = {},
): Promise<KnowledgeService> {
  const rows = await readQuestionRows(path.resolve(__dirname, '../../eval/dev.jsonl'));
  return KnowledgeService.open({
    pool: db.pool,
    connectionString: db.connectionString,
    config: parseConfig({}),
    log: options.log ?? testLogger(),
    questionSets: [{ name: 'dev', rows: rows.slice(0, options.rows ?? 150) }],
    ...(options.now && { now: options.now }),
  });
}
