/**
 * botbuilder `Storage` on the `bot_state` table, with botbuilder's eTag contract (as MemoryStorage and
 * the Cosmos DB storage): read returns each found item with its `eTag`; a write whose item has no eTag
 * or `'*'` overwrites; an item with an eTag is written only if it matches the stored one (or nothing is
 * stored), otherwise the write throws; every write gives the item a new eTag. The check and the write
 * are one statement (`INSERT … ON CONFLICT DO UPDATE … WHERE etag = $old`), so of two concurrent
 * writers holding the same eTag exactly one wins. A multi-key write is one transaction: all or nothing.
 */
import type { Storage, StoreItems } from 'botbuilder';
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';

export class ETagConflictError extends Error {
  readonly code = 'EtagConflict';
  readonly statusCode = 412;
  constructor(readonly key: string) {
    super(`Storage: error writing "${key}" due to eTag conflict (precondition failed).`);
  }
}

const UPSERT = `INSERT INTO bot_state AS s (id, doc, etag) VALUES ($1, $2, $3)
  ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc, etag = EXCLUDED.etag, updated_at = now()`;

type Queryable = Pick<Pool, 'query'>;

/** jsonb cannot hold U+0000: it is dropped from strings. */
const json = (doc: unknown) =>
  JSON.stringify(doc, (_k, v: unknown) => (typeof v === 'string' ? v.replace(/\u0000/g, '') : v));

async function writeItem(db: Queryable, key: string, item: unknown): Promise<void> {
  const { eTag, ...doc } = (item ?? {}) as Record<string, unknown>;
  const params = [key, json(doc), randomUUID()];
  if (typeof eTag !== 'string' || eTag === '' || eTag === '*') {
    await db.query(UPSERT, params);
    return;
  }
  const written = await db.query(`${UPSERT} WHERE s.etag = $4 RETURNING id`, [...params, eTag]);
  if (written.rowCount === 0) throw new ETagConflictError(key);
}

export class PostgresStorage implements Storage {
  constructor(private readonly pool: Pool) {}

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    if (keys.length === 0) return {};
    const { rows } = await this.pool.query<{ id: string; doc: Record<string, unknown>; etag: string }>(
      'SELECT id, doc, etag FROM bot_state WHERE id = ANY($1::text[])',
      [keys],
    );
    const items: StoreItems = {};
    for (const row of rows) items[row.id] = { ...row.doc, eTag: row.etag };
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    const entries = Object.entries(changes);
    if (entries.length === 0) return;
    if (entries.length === 1) return writeItem(this.pool, ...entries[0]!);
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      for (const [key, item] of entries) await writeItem(client, key, item);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => (broken = true));
      throw err;
    } finally {
      client.release(broken);
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (!keys) throw new ReferenceError('Keys are required when deleting.');
    if (keys.length === 0) return;
    await this.pool.query('DELETE FROM bot_state WHERE id = ANY($1::text[])', [keys]);
  }
}
