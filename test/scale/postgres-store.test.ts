/**
 * The PostgreSQL Direct Line store as two app processes see it: two store instances on two pools of one
 * real database. Appends from both share one dense watermark sequence; a subscriber on one store gets
 * the other's appends (LISTEN/NOTIFY) and its own, each once, in order; typing crosses over without
 * being doubled; a killed LISTEN connection reconnects and re-reads what was appended meanwhile;
 * expired conversations are gone and swept; each conversation keeps its last N activities; the
 * token key is shared through the database.
 */
import { Pool } from 'pg';
import { PostgresDirectLineStore } from '../../channels/directline/postgres-store';
import { loadSharedTokenKey } from '../../channels/directline/shared-key';
import type { ConversationListener, DirectLineActivity, NewActivity } from '../../channels/directline/store';
import { TokenService } from '../../channels/directline/tokens';
import { createTestDatabase, dbTestLogger, type TestDatabase } from '../support/database';
import { until } from '../support/until';

let db: TestDatabase;
let pool2: Pool;
let one: PostgresDirectLineStore;
let two: PostgresDirectLineStore;
let counter = 0;

const message = (text: string): NewActivity => ({
  type: 'message',
  text,
  timestamp: new Date().toISOString(),
  from: { id: 'dl_test', role: 'user' },
});

/** A fresh conversation id (ids match the token pattern: 8–64 of [A-Za-z0-9_-]). */
const newId = () => `conv_${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 8)}`;

/** Records what a subscription gets, as the store hands it out (no dedupe of its own). */
class Recorder implements ConversationListener {
  readonly marks: number[] = [];
  readonly texts: string[] = [];
  readonly typing: DirectLineActivity[] = [];
  ends = 0;
  activity(activity: DirectLineActivity, watermark: number | undefined): void {
    if (watermark === undefined) this.typing.push(activity);
    else {
      this.marks.push(watermark);
      this.texts.push(String(activity.text));
    }
  }
  ended(): void {
    this.ends++;
  }
}

const increasing = (xs: number[]) => xs.every((x, i) => i === 0 || x > xs[i - 1]!);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

beforeAll(async () => {
  db = await createTestDatabase();
  pool2 = new Pool({ connectionString: db.connectionString, max: 5 });
  pool2.on('error', () => undefined);
  const log = dbTestLogger();
  one = new PostgresDirectLineStore(db, log, { listenerMinDelayMs: 50 });
  two = new PostgresDirectLineStore({ pool: pool2, connectionString: db.connectionString }, log, {
    listenerMinDelayMs: 50,
  });
  await until(async () => (one.listening && two.listening) || undefined);
});

afterAll(async () => {
  await one?.close();
  await two?.close();
  await pool2?.end();
  await db?.drop();
});

describe('PostgresDirectLineStore across two processes', () => {
  it('shares conversations and one dense watermark sequence', async () => {
    const id = newId();
    expect(await one.open(id, 'dl_a')).toBe(true);
    expect(await two.open(id, 'dl_a')).toBe(false);
    expect(await two.get(id)).toMatchObject({ id, userId: 'dl_a' });
    const appended = await Promise.all([
      one.append(id, message('a1')),
      two.append(id, message('b1')),
      one.append(id, message('a2')),
      two.append(id, message('b2')),
    ]);
    expect(appended.map((a) => a!.watermark).sort()).toEqual([1, 2, 3, 4]);
    expect(appended[0]!.activity.id).toBe(`${id}|${String(appended[0]!.watermark).padStart(7, '0')}`);
    const fromOne = await one.since(id, undefined);
    const fromTwo = await two.since(id, undefined);
    expect(fromTwo).toEqual(fromOne);
    expect(fromOne!.watermark).toBe(4);
    expect(fromOne!.activities.map((a) => a.id)).toEqual(range(1, 4).map((n) => `${id}|000000${n}`));
    expect((await one.since(id, 2))!.activities).toHaveLength(2);
    expect(await one.get('conv_unknown_x')).toBeUndefined();
    expect(await two.append('conv_unknown_x', message('x'))).toBeUndefined();
    expect(await one.since('conv_unknown_x', 0)).toBeUndefined();
  });

  it("delivers both processes' appends to a subscriber once each, in watermark order", async () => {
    const id = newId();
    await one.open(id, 'dl_a');
    await one.append(id, message('before'));
    // As the stream does: subscribe, then read the backlog.
    const seen = new Recorder();
    const stop = one.subscribe(id, seen);
    const backlog = await one.since(id, undefined);
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 25; i++) {
      writes.push(one.append(id, message(`one-${i}`)));
      writes.push(two.append(id, message(`two-${i}`)));
    }
    await Promise.all(writes);
    const total = 51;
    await until(async () => (seen.marks.at(-1) === total ? true : undefined));
    stop();
    expect(increasing(seen.marks)).toBe(true); // never a watermark twice, never backwards
    const all = new Set([...backlog!.activities.map((a) => Number(a.id.split('|')[1])), ...seen.marks]);
    expect([...all].sort((a, b) => a - b)).toEqual(range(1, total));
    // The same activities in the same order as the stored history.
    const history = (await two.since(id, seen.marks[0]! - 1))!.activities.map((a) => a.text);
    expect(seen.texts).toEqual(history);
    expect(seen.texts.filter((t) => t.startsWith('one-'))).toHaveLength(25);
    expect(seen.texts.filter((t) => t.startsWith('two-'))).toHaveLength(25);
    // A second subscriber on the other store sees the same order.
    const other = new Recorder();
    const stopOther = two.subscribe(id, other);
    await one.append(id, message('after'));
    await until(async () => (other.marks.length > 0 ? true : undefined));
    expect(other.marks).toEqual([total + 1]);
    stopOther();
  });

  it("hands process 2's sequential appends to process 1's subscriber one by one (and prints the delay)", async () => {
    const id = newId();
    await one.open(id, 'dl_a');
    const seen = new Recorder();
    const arrived: number[] = [];
    const stop = one.subscribe(id, {
      activity: (a, w) => {
        arrived.push(performance.now());
        seen.activity(a, w);
      },
      ended: () => seen.ended(),
    });
    const delays: number[] = [];
    for (let i = 1; i <= 20; i++) {
      const start = performance.now();
      await two.append(id, message(`m${i}`));
      await until(async () => (seen.marks.length === i ? true : undefined), 10000, 1);
      delays.push(arrived[i - 1]! - start);
    }
    stop();
    expect(seen.marks).toEqual(range(1, 20));
    const sorted = [...delays].sort((a, b) => a - b);
    process.stdout.write(
      `postgres-store: append on store 2 → delivery on store 1: median ${sorted[10]!.toFixed(1)} ms\n`,
    );
  });

  it('sends typing to the other process once, and locally once', async () => {
    const id = newId();
    await one.open(id, 'dl_a');
    const here = new Recorder();
    const there = new Recorder();
    const stops = [one.subscribe(id, here), two.subscribe(id, there)];
    const typing = { type: 'typing', id: `${id}|typing-1`, timestamp: new Date().toISOString() };
    await one.publish(id, typing);
    await until(async () => (there.typing.length > 0 ? true : undefined));
    // A message after the typing, through the same NOTIFY queue, proves the typing was not doubled.
    await one.append(id, message('after typing'));
    await until(async () => (here.marks.length > 0 && there.marks.length > 0 ? true : undefined));
    expect(here.typing).toEqual([typing]);
    expect(there.typing).toEqual([typing]);
    // Too large for a NOTIFY payload: delivered where it was published only.
    const big = { ...typing, id: `${id}|typing-2`, text: 'x'.repeat(9000) };
    await two.publish(id, big);
    await one.append(id, message('after big typing'));
    await until(async () => (here.marks.length > 1 && there.marks.length > 1 ? true : undefined));
    expect(here.typing).toHaveLength(1);
    expect(there.typing.map((a) => a.id)).toEqual([typing.id, big.id]);
    stops.forEach((stop) => stop());
  });

  it('re-reads after its LISTEN connection is killed, losing nothing', async () => {
    const id = newId();
    const cold = newId(); // a subscriber with no notification yet when the connection drops
    await one.open(id, 'dl_a');
    await one.open(cold, 'dl_b');
    await two.append(cold, message('cold-0'));
    const seen = new Recorder();
    const coldSeen = new Recorder();
    const stops = [one.subscribe(id, seen), one.subscribe(cold, coldSeen)];
    await two.append(id, message('first'));
    await until(async () => (seen.marks.length === 1 ? true : undefined));

    // A store that reconnects slowly, so the appends below happen while it is not listening.
    const slow = new PostgresDirectLineStore(db, dbTestLogger(), { listenerMinDelayMs: 1500 });
    const slowSeen = new Recorder();
    await until(async () => slow.listening || undefined);
    const stopSlow = slow.subscribe(id, slowSeen);
    await two.append(id, message('second'));
    await until(async () => (slowSeen.marks.length === 1 ? true : undefined));
    const { rowCount } = await pool2.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
      [`tltp-directline-${slow.instanceId}`],
    );
    expect(rowCount).toBe(1);
    await until(async () => (!slow.listening ? true : undefined));
    for (const text of ['third', 'fourth', 'fifth']) await two.append(id, message(text));
    expect(slowSeen.texts).toEqual(['second']); // nothing came while it was not listening
    await until(async () => (slowSeen.marks.length === 4 ? true : undefined));
    expect(slowSeen.texts).toEqual(['second', 'third', 'fourth', 'fifth']);
    expect(slowSeen.marks).toEqual([2, 3, 4, 5]);
    stopSlow();
    await slow.close();

    // The shared stores: kill store one's connection too (it reconnects within 50 ms).
    await pool2.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [
      `tltp-directline-${one.instanceId}`,
    ]);
    await until(async () => (!one.listening ? true : undefined)).catch(() => undefined);
    await two.append(cold, message('cold-1'));
    await two.append(id, message('sixth'));
    await until(async () => (one.listening ? true : undefined));
    await until(async () => (seen.marks.at(-1) === 6 ? true : undefined));
    expect(seen.marks).toEqual(range(1, 6)); // 'first' … 'sixth', each once
    await until(async () => (coldSeen.texts.includes('cold-1') ? true : undefined));
    // Without a mark it restarts from what this store knew (nothing): the backlog may come again,
    // in order, never doubled.
    expect(increasing(coldSeen.marks)).toBe(true);
    expect(coldSeen.texts.at(-1)).toBe('cold-1');
    stops.forEach((stop) => stop());
  });

  it('treats idle conversations as gone, sweeps them, and ends their subscribers', async () => {
    const id = newId();
    const alive = newId();
    await two.open(id, 'dl_a');
    await two.open(alive, 'dl_a');
    const seen = new Recorder();
    one.subscribe(id, seen);
    await two.append(id, message('old'));
    // Store one has read 'old' (its NOTIFY handled): no read of it is still on the way.
    await until(async () => (seen.marks.includes(1) ? true : undefined));
    await db.pool.query(
      `UPDATE directline_conversations SET last_active = now() - interval '2 hours' WHERE id = $1`,
      [id],
    );
    expect(await one.get(id)).toBeUndefined();
    expect(await two.append(id, message('late'))).toBeUndefined();
    expect(await two.since(id, 0)).toBeUndefined();
    expect(await two.sweep()).toBeGreaterThanOrEqual(1);
    const { rows } = await db.pool.query(
      'SELECT count(*)::int AS n FROM directline_activities WHERE conversation_id = $1',
      [id],
    );
    expect(rows[0].n).toBe(0);
    expect(await two.get(alive)).toMatchObject({ id: alive, userId: 'dl_a' });
    // Store one holds a subscription to it: its own sweep finds the row gone and ends it.
    expect(seen.ends).toBe(0);
    await one.sweep();
    expect(seen.ends).toBe(1);
    expect(await one.open(id, 'dl_a')).toBe(true); // a new conversation under the same id
  });

  it("keeps a subscribed conversation alive in its process's sweep", async () => {
    const id = newId();
    await one.open(id, 'dl_a');
    const seen = new Recorder();
    const stop = one.subscribe(id, seen);
    await db.pool.query(
      `UPDATE directline_conversations SET last_active = now() - interval '50 minutes' WHERE id = $1`,
      [id],
    );
    await one.sweep();
    const { rows } = await db.pool.query<{ idle: number }>(
      `SELECT extract(epoch FROM now() - last_active)::float8 AS idle FROM directline_conversations
       WHERE id = $1`,
      [id],
    );
    expect(rows[0]!.idle).toBeLessThan(60);
    expect(seen.ends).toBe(0);
    stop();
  });

  it('keeps the last N activities of a conversation and stores text as sent', async () => {
    const small = new PostgresDirectLineStore(db, dbTestLogger(), { maxActivities: 5 });
    try {
      const id = newId();
      await small.open(id, 'dl_a');
      for (let i = 1; i <= 8; i++) await small.append(id, message(`m${i}`));
      const page = await small.since(id, undefined);
      expect(page!.watermark).toBe(8);
      expect(page!.activities.map((a) => a.text)).toEqual(['m4', 'm5', 'm6', 'm7', 'm8']);
      const odd = 'nul \u0000 and emoji 🇻🇳 and "quotes" \\ backslash';
      const appended = await small.append(id, message(odd));
      expect((await two.since(id, appended!.watermark - 1))!.activities[0]!.text).toBe(odd);
    } finally {
      await small.close();
    }
  });
});

describe('shared Direct Line token key', () => {
  it('is created once and makes tokens of one process valid in another', async () => {
    const [a, b] = await Promise.all([loadSharedTokenKey(db.pool), loadSharedTokenKey(pool2)]);
    expect(a.equals(b)).toBe(true);
    const p1 = new TokenService(undefined);
    const p2 = new TokenService(undefined);
    p1.useSharedKey(a);
    p2.useSharedKey(b);
    const { token } = p1.issue('conv_shared_key', 'dl_user');
    expect(p2.authenticate(token)).toMatchObject({ kind: 'token', claims: { conv: 'conv_shared_key' } });
    expect(new TokenService(undefined).authenticate(token)).toBe('invalid');
    // With DIRECTLINE_SECRET the secret's key wins.
    const withSecret = new TokenService('a-secret-of-16-characters');
    withSecret.useSharedKey(a);
    expect(withSecret.authenticate(token)).toBe('invalid');
  });
});
