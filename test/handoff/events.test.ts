/**
 * LISTEN/NOTIFY across connections: a listener on its own connection receives the events of changes made
 * through another pool (as another app process would), only once committed, and keeps receiving after
 * its connection is killed (reconnects, then calls onReconnect).
 */
import { Pool } from 'pg';
import {
  HandoffEventListener,
  parseHandoffEvent,
  publishHandoffEvent,
  type HandoffEvent,
} from '../../src/handoff/events';
import { HandoffQueue } from '../../src/handoff/queue';
import { inTransaction } from '../../src/handoff/transaction';
import { createTestDatabase, dbTestLogger, type TestDatabase } from '../support/database';
import { addOfficers } from './officers';

let db: TestDatabase;
let otherPool: Pool;
let listener: HandoffEventListener;
const events: HandoffEvent[] = [];

const waitFor = async (check: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

beforeAll(async () => {
  db = await createTestDatabase();
  otherPool = new Pool({ connectionString: db.connectionString, max: 5 });
  otherPool.on('error', () => undefined); // idle clients ended by the server at teardown
  listener = new HandoffEventListener({
    connectionString: db.connectionString,
    log: dbTestLogger(),
    minDelayMs: 50,
  });
  await listener.start();
  listener.subscribe((e) => events.push(e));
});

afterAll(async () => {
  await listener?.close();
  await otherPool?.end();
  await db?.drop();
});

it('receives the events of changes made through another pool', async () => {
  const [officer] = (await addOfficers(db.pool, 'agent', 1)) as [number];
  const process2 = new HandoffQueue(otherPool);
  const process1 = new HandoffQueue(db.pool);
  const { handoff } = await process2.enqueue({
    conversationId: 'webchat:e',
    channel: 'webchat',
    reason: 'asked',
  });
  await process1.claim(handoff.id, officer);
  await process2.close(handoff.id, officer, 'done');
  await waitFor(() => events.length >= 3);
  expect(events).toEqual([
    { type: 'enqueued', handoffId: handoff.id, conversationId: 'webchat:e' },
    { type: 'claimed', handoffId: handoff.id, conversationId: 'webchat:e' },
    { type: 'closed', handoffId: handoff.id, conversationId: 'webchat:e' },
  ]);
  // a failed change (already closed) notifies nothing
  await expect(process1.claim(handoff.id, officer)).rejects.toMatchObject({ code: 'closed' });
  await new Promise((r) => setTimeout(r, 200));
  expect(events).toHaveLength(3);
});

it('delivers on commit only', async () => {
  events.length = 0;
  const event: HandoffEvent = { type: 'enqueued', handoffId: 1, conversationId: 'x' };
  await expect(
    inTransaction(otherPool, async (client) => {
      await publishHandoffEvent(client, event);
      throw new Error('rolled back');
    }),
  ).rejects.toThrow('rolled back');
  await inTransaction(otherPool, async (client) => {
    await publishHandoffEvent(client, { ...event, handoffId: 2 });
    await new Promise((r) => setTimeout(r, 100));
    expect(events).toHaveLength(0); // not before COMMIT
  });
  await waitFor(() => events.length >= 1);
  await new Promise((r) => setTimeout(r, 100));
  expect(events).toEqual([{ ...event, handoffId: 2 }]);
});

it('reconnects after its connection is killed', async () => {
  events.length = 0;
  let reconnects = 0;
  listener.onReconnect(() => reconnects++);
  const { rowCount } = await db.pool.query(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
     WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()`,
  );
  expect(rowCount).toBe(1);
  await waitFor(() => reconnects === 1 && listener.connected);
  await inTransaction(otherPool, (client) =>
    publishHandoffEvent(client, { type: 'transferred', handoffId: 7, conversationId: 'zalo:r' }),
  );
  await waitFor(() => events.length >= 1);
  expect(events).toEqual([{ type: 'transferred', handoffId: 7, conversationId: 'zalo:r' }]);
});

it('ignores payloads that are not events', () => {
  expect(parseHandoffEvent('nope')).toBeUndefined();
  expect(parseHandoffEvent('{"type":"other","handoffId":1,"conversationId":"x"}')).toBeUndefined();
  expect(parseHandoffEvent(undefined)).toBeUndefined();
});
