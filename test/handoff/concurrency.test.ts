/**
 * Claims under contention, on a real PostgreSQL: 50 officers, each on its own connection, claim at once
 * from 20 queued handoffs; every handoff goes to exactly one officer and 30 get nothing. Racing claims of
 * one given handoff: one wins, the others fail with 'taken'.
 */
import { Pool } from 'pg';
import { HandoffError } from '../../src/handoff/handoff';
import { HandoffQueue } from '../../src/handoff/queue';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { addOfficers } from './officers';

let db: TestDatabase;
let pool: Pool;
let queue: HandoffQueue;
let officers: number[];

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new Pool({ connectionString: db.connectionString, max: 50 });
  pool.on('error', () => undefined); // idle clients ended by the server at teardown
  queue = new HandoffQueue(pool);
  officers = await addOfficers(db.pool, 'officer', 50);
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

it('gives each of 20 handoffs to exactly one of 50 concurrent officers', async () => {
  for (let i = 0; i < 20; i++) {
    await queue.enqueue({
      conversationId: `webchat:${i}`,
      channel: 'webchat',
      priority: i % 3,
      reason: 'asked',
    });
  }
  // all 50 connections open first, so the claims really run at the same time
  await Promise.all(Array.from({ length: 50 }, () => pool.connect())).then((cs) =>
    cs.forEach((c) => c.release()),
  );

  const results = await Promise.all(officers.map((id) => queue.claimNext(id)));
  const claimed = results.filter((r) => r !== null);
  expect(claimed).toHaveLength(20);
  expect(results.filter((r) => r === null)).toHaveLength(30);
  expect(new Set(claimed.map((h) => h.id)).size).toBe(20);
  expect(new Set(claimed.map((h) => h.conversationId)).size).toBe(20);
  expect(new Set(claimed.map((h) => h.assignedTo)).size).toBe(20);

  const { rows } = await db.pool.query(
    `SELECT (SELECT count(*)::int FROM handoffs WHERE status = 'assigned') AS assigned,
            (SELECT count(*)::int FROM conversations WHERE state = 'agent') AS agent,
            (SELECT count(*)::int FROM audit_log WHERE action = 'handoff.claim') AS audited`,
  );
  expect(rows[0]).toEqual({ assigned: 20, agent: 20, audited: 20 });
});

it('lets one of many officers racing for the same handoff win; the others get "taken"', async () => {
  const { handoff } = await queue.enqueue({ conversationId: 'zalo:race', channel: 'zalo', reason: 'asked' });
  const outcomes = await Promise.allSettled(officers.map((id) => queue.claim(handoff.id, id)));
  const won = outcomes.filter((o) => o.status === 'fulfilled');
  const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
  expect(won).toHaveLength(1);
  expect(lost).toHaveLength(49);
  for (const o of lost) {
    expect(o.reason).toBeInstanceOf(HandoffError);
    expect((o.reason as HandoffError).code).toBe('taken');
  }
});
