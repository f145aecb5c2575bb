/**
 * PostgresStorage against a real server (DATABASE_URL, else embedded): botbuilder's Storage contract
 * with eTag optimistic concurrency, including two writers racing with the same eTag, and botbuilder's
 * ConversationState kept in it.
 */
import { ConversationState, TurnContext } from 'botbuilder';
import { PostgresStorage } from '../../src/db/postgres-storage';
import { createTestDatabase, type TestDatabase } from '../support/database';

let db: TestDatabase;
let storage: PostgresStorage;

beforeAll(async () => {
  db = await createTestDatabase();
  storage = new PostgresStorage(db.pool);
});

afterAll(async () => {
  await db?.drop();
});

describe('PostgresStorage', () => {
  it('reads what it wrote, with an eTag; missing keys are left out; delete removes', async () => {
    expect(await storage.read([])).toEqual({});
    await storage.write({
      'webchat/conversations/a': { procedure: 'khai-sinh', failures: 0, ghi_chú: 'Đà Nẵng' },
    });
    const read = await storage.read(['webchat/conversations/a', 'missing']);
    expect(Object.keys(read)).toEqual(['webchat/conversations/a']);
    expect(read['webchat/conversations/a']).toEqual({
      procedure: 'khai-sinh',
      failures: 0,
      ghi_chú: 'Đà Nẵng',
      eTag: expect.any(String),
    });
    const { rows } = await db.pool.query(`SELECT doc FROM bot_state WHERE id = 'webchat/conversations/a'`);
    expect(rows[0].doc).not.toHaveProperty('eTag');

    await storage.delete(['webchat/conversations/a', 'missing']);
    expect(await storage.read(['webchat/conversations/a'])).toEqual({});
  });

  it('writes with the current eTag, gives a new eTag each time, and rejects a stale one', async () => {
    await storage.write({ k1: { n: 1 } });
    const first = (await storage.read(['k1'])).k1;
    await storage.write({ k1: { ...first, n: 2 } });
    const second = (await storage.read(['k1'])).k1;
    expect(second.n).toBe(2);
    expect(second.eTag).not.toBe(first.eTag);

    await expect(storage.write({ k1: { ...first, n: 3 } })).rejects.toThrow(/eTag conflict/);
    expect((await storage.read(['k1'])).k1).toEqual(second);
  });

  it("overwrites with eTag '*' or without an eTag", async () => {
    await storage.write({ k2: { n: 1 } });
    const before = (await storage.read(['k2'])).k2;
    await storage.write({ k2: { n: 2, eTag: '*' } });
    expect((await storage.read(['k2'])).k2.n).toBe(2);
    await storage.write({ k2: { n: 3 } });
    const after = (await storage.read(['k2'])).k2;
    expect(after.n).toBe(3);
    expect(after.eTag).not.toBe(before.eTag);
  });

  it('writes several keys all or nothing', async () => {
    await storage.write({ k3: { n: 1 } });
    const stale = { ...(await storage.read(['k3'])).k3 };
    await storage.write({ k3: { n: 2 } });
    await expect(storage.write({ k4: { n: 1 }, k3: { ...stale, n: 9 } })).rejects.toThrow(/eTag conflict/);
    expect(await storage.read(['k4'])).toEqual({});
    expect((await storage.read(['k3'])).k3.n).toBe(2);
  });

  it('of two concurrent writers with the same eTag exactly one wins (50 rounds)', async () => {
    const other = new PostgresStorage(db.pool);
    for (let round = 0; round < 50; round++) {
      const key = `race-${round}`;
      await storage.write({ [key]: { writer: 'none' } });
      const item = (await storage.read([key]))[key];
      const results = await Promise.allSettled([
        storage.write({ [key]: { ...item, writer: 'A' } }),
        other.write({ [key]: { ...item, writer: 'B' } }),
      ]);
      const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i === 0 ? 'A' : 'B'] : []));
      expect(won).toHaveLength(1);
      const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(String(lost.reason)).toMatch(/eTag conflict/);
      expect((await storage.read([key]))[key].writer).toBe(won[0]);
    }
  });

  it("keeps botbuilder's ConversationState", async () => {
    const state = new ConversationState(storage);
    const counter = state.createProperty<number>('turns');
    const turn = () =>
      new TurnContext({} as never, {
        type: 'message',
        channelId: 'directline',
        conversation: { id: 'conv-1', isGroup: false, conversationType: 'personal', name: '' },
      });
    for (let i = 1; i <= 3; i++) {
      const context = turn();
      await state.load(context);
      await counter.set(context, (await counter.get(context, 0)) + 1);
      await state.saveChanges(context);
    }
    // ConversationState keys end with its namespace ('' → a trailing slash).
    const stored = await storage.read(['directline/conversations/conv-1/']);
    expect(stored['directline/conversations/conv-1/']).toMatchObject({ turns: 3, eTag: expect.any(String) });

    // botbuilder 4.23's BotState.saveChanges always writes with eTag '*' (last writer wins): the eTag
    // check guards direct Storage users, not ConversationState.
    const a = turn();
    const b = turn();
    await state.load(a);
    await state.load(b);
    await counter.set(a, 10);
    await counter.set(b, 20);
    await state.saveChanges(a);
    await state.saveChanges(b);
    expect(
      (await storage.read(['directline/conversations/conv-1/']))['directline/conversations/conv-1/'],
    ).toMatchObject({
      turns: 20,
    });
  });
});
