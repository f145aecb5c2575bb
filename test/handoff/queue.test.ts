/**
 * HandoffQueue against a real PostgreSQL: enqueue (position, idempotence, masking), priority and age
 * order, claim / transfer / close with the conversation's state, typed failures, the audit log, the wait
 * estimate and the console list.
 */
import { HandoffError } from '../../src/handoff/handoff';
import { DEFAULT_WAIT_SECONDS, HandoffQueue } from '../../src/handoff/queue';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { addOfficers } from './officers';

let db: TestDatabase;
let queue: HandoffQueue;
let lan: number;
let minh: number;
let hoa: number;

beforeAll(async () => {
  db = await createTestDatabase();
  queue = new HandoffQueue(db.pool);
  [lan, minh, hoa] = (await addOfficers(db.pool, 'can-bo', 3)) as [number, number, number];
});

afterAll(async () => {
  await db?.drop();
});

beforeEach(async () => {
  await db.pool.query('TRUNCATE handoffs, conversations, audit_log CASCADE');
});

const conversationState = async (id: string) =>
  (await db.pool.query<{ state: string }>('SELECT state FROM conversations WHERE id = $1', [id])).rows[0]
    ?.state;

const expectError = async (p: Promise<unknown>, code: string) => {
  await expect(p).rejects.toBeInstanceOf(HandoffError);
  await expect(p).rejects.toMatchObject({ code });
};

describe('enqueue', () => {
  it('creates the conversation, queues it with a position and the default wait', async () => {
    const first = await queue.enqueue({
      conversationId: 'webchat:a',
      channel: 'webchat',
      reason: 'asked',
      userRef: 'user 0912345678',
    });
    expect(first.created).toBe(true);
    expect(first.handoff).toMatchObject({
      conversationId: 'webchat:a',
      channel: 'webchat',
      status: 'queued',
      priority: 0,
      assignedTo: null,
    });
    expect(first.position).toBe(1);
    expect(first.estimatedWaitSeconds).toBe(DEFAULT_WAIT_SECONDS);
    expect(await conversationState('webchat:a')).toBe('queued');
    const { rows } = await db.pool.query(`SELECT user_ref FROM conversations WHERE id = 'webchat:a'`);
    expect(rows[0].user_ref).not.toContain('0912345678');

    const second = await queue.enqueue({ conversationId: 'zalo:b', channel: 'zalo', reason: 'failed_turns' });
    expect(second.position).toBe(2);
    expect(await queue.position(second.handoff.id)).toEqual({
      position: 2,
      estimatedWaitSeconds: DEFAULT_WAIT_SECONDS,
    });
  });

  it('is idempotent while a handoff is open, also under concurrent calls', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        queue.enqueue({ conversationId: 'zalo:x', channel: 'zalo', reason: 'asked' }),
      ),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.handoff.id)).size).toBe(1);
    const again = await queue.enqueue({ conversationId: 'zalo:x', channel: 'zalo', reason: 'complaint' });
    expect(again).toMatchObject({ created: false, position: 1 });
    expect(again.handoff.reason).toBe('asked');

    // once claimed: still the same handoff, no position, conversation stays with the officer
    await queue.claim(again.handoff.id, lan);
    const held = await queue.enqueue({ conversationId: 'zalo:x', channel: 'zalo', reason: 'asked' });
    expect(held).toMatchObject({ created: false, position: null });
    expect(held.handoff.status).toBe('assigned');
    expect(await conversationState('zalo:x')).toBe('agent');

    // once closed: a new one
    await queue.close(again.handoff.id, lan, 'resolved');
    const next = await queue.enqueue({ conversationId: 'zalo:x', channel: 'zalo', reason: 'asked' });
    expect(next.created).toBe(true);
    expect(next.handoff.id).not.toBe(again.handoff.id);
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'handoff.enqueue'`,
    );
    expect(rows[0].n).toBe(2);
  });
});

describe('order', () => {
  it('serves the highest priority first, then the oldest; positions follow; channels filter', async () => {
    const a = await queue.enqueue({ conversationId: 'c:a', channel: 'webchat', reason: 'asked' });
    const b = await queue.enqueue({ conversationId: 'c:b', channel: 'sms', reason: 'asked' });
    const c = await queue.enqueue({
      conversationId: 'c:c',
      channel: 'zalo',
      priority: 2,
      reason: 'complaint',
    });
    const d = await queue.enqueue({
      conversationId: 'c:d',
      channel: 'webchat',
      priority: 1,
      reason: 'own_file',
    });
    expect(c.position).toBe(1);
    expect(d.position).toBe(2);
    expect((await queue.position(a.handoff.id)).position).toBe(3);
    expect((await queue.position(b.handoff.id)).position).toBe(4);

    const listed = await queue.list({ status: 'queued' });
    expect(listed.map((h) => [h.conversationId, h.position])).toEqual([
      ['c:c', 1],
      ['c:d', 2],
      ['c:a', 3],
      ['c:b', 4],
    ]);

    expect((await queue.claimNext(lan, { channels: ['sms'] }))?.id).toBe(b.handoff.id);
    expect((await queue.claimNext(lan))?.id).toBe(c.handoff.id);
    expect((await queue.position(a.handoff.id)).position).toBe(2);
    expect((await queue.claimNext(minh))?.id).toBe(d.handoff.id);
    expect((await queue.claimNext(minh))?.id).toBe(a.handoff.id);
    expect(await queue.claimNext(hoa)).toBeNull();
    expect((await queue.position(a.handoff.id)).position).toBeNull();
  });
});

describe('claim, transfer, close', () => {
  it('moves the conversation queued → agent → bot, with the audit log', async () => {
    const { handoff } = await queue.enqueue({
      conversationId: 'webchat:k',
      channel: 'webchat',
      reason: 'asked',
    });
    expect(await queue.isHeldByAgent('webchat:k')).toBe(false);

    const claimed = await queue.claim(handoff.id, lan);
    expect(claimed).toMatchObject({ status: 'assigned', assignedTo: lan });
    expect(claimed.assignedAt).toBeInstanceOf(Date);
    expect(await conversationState('webchat:k')).toBe('agent');
    expect(await queue.isHeldByAgent('webchat:k')).toBe(true);
    const assigned = await queue.list({ status: 'assigned' });
    expect(assigned).toEqual([
      expect.objectContaining({ id: handoff.id, assignedToUsername: 'can-bo-1', position: null }),
    ]);

    await expectError(queue.claim(handoff.id, minh), 'taken');
    await expectError(queue.transfer(handoff.id, minh, hoa), 'not_holder');
    await expectError(queue.close(handoff.id, minh, 'x'), 'not_holder');
    await expectError(queue.transfer(handoff.id, lan, 999999), 'unknown_agent');

    const moved = await queue.transfer(handoff.id, lan, minh);
    expect(moved).toMatchObject({ status: 'assigned', assignedTo: minh });
    expect(await conversationState('webchat:k')).toBe('agent');
    await expectError(queue.close(handoff.id, lan, 'x'), 'not_holder');

    const closed = await queue.close(handoff.id, minh, 'đã giải đáp');
    expect(closed).toMatchObject({ status: 'closed', closeReason: 'đã giải đáp' });
    expect(closed.closedAt).toBeInstanceOf(Date);
    expect(await conversationState('webchat:k')).toBe('bot');
    expect(await queue.isHeldByAgent('webchat:k')).toBe(false);
    await expectError(queue.claim(handoff.id, hoa), 'closed');
    await expectError(queue.close(handoff.id, minh, 'again'), 'closed');
    await expectError(queue.claim(424242, hoa), 'not_found');
    await expectError(queue.position(424242), 'not_found');

    const { rows } = await db.pool.query(`SELECT actor, action, subject, details FROM audit_log ORDER BY id`);
    expect(rows.map((r) => [r.actor, r.action])).toEqual([
      ['system', 'handoff.enqueue'],
      ['can-bo-1', 'handoff.claim'],
      ['can-bo-1', 'handoff.transfer'],
      ['can-bo-2', 'handoff.close'],
    ]);
    expect(rows.every((r) => r.subject === `handoff:${handoff.id}`)).toBe(true);
    expect(rows[2].details).toEqual({ conversationId: 'webchat:k', from: lan, to: minh });
    expect(rows[3].details).toEqual({ conversationId: 'webchat:k', reason: 'đã giải đáp' });
  });

  it('lets any officer close a still-queued handoff', async () => {
    const { handoff } = await queue.enqueue({ conversationId: 'sms:q', channel: 'sms', reason: 'asked' });
    await expect(queue.close(handoff.id, hoa, 'citizen left')).resolves.toMatchObject({ status: 'closed' });
    expect(await conversationState('sms:q')).toBe('bot');
  });

  it('estimates the wait as the median of recent waits', async () => {
    for (const [i, minutes] of [1, 2, 10].entries()) {
      const { handoff } = await queue.enqueue({
        conversationId: `w:${i}`,
        channel: 'webchat',
        reason: 'asked',
      });
      await db.pool.query(
        `UPDATE handoffs SET requested_at = now() - make_interval(mins => $2) WHERE id = $1`,
        [handoff.id, minutes],
      );
      await queue.claim(handoff.id, lan);
    }
    expect(await queue.estimateWaitSeconds()).toBe(120);
    const waiting = await queue.enqueue({ conversationId: 'w:new', channel: 'webchat', reason: 'asked' });
    expect(waiting.estimatedWaitSeconds).toBe(120);
  });
});
