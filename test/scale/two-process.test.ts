/**
 * Two real app processes (`tsx src/main.ts`, as `npm start` runs it) on one PostgreSQL, no
 * DIRECTLINE_SECRET. A citizen holds a Direct Line WebSocket on process 1 and asks for an officer; an
 * officer logs in on process 2's console, claims the handoff and replies: each reply reaches the
 * socket on process 1 once, in order (LISTEN/NOTIFY), and both processes serve the same history by
 * watermark with the citizen's token (the token key is shared through the database). Then 20
 * concurrent claims of one handoff, spread over both processes: exactly one wins.
 * Prints the median delay from an officer's reply POST on process 2 to its frame on process 1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { createUser } from '../../src/auth/users';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { freePort } from '../support/free-port';
import { OfficerSession, type Json } from '../support/officer-session';
import { until } from '../support/until';

const ROOT = path.resolve(__dirname, '..', '..');
const PASSWORD = 'mat-khau-rat-dai';

interface App {
  url: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

async function startApp(databaseUrl: string): Promise<App> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'two-process-')),
    LOG_LEVEL: 'warn',
    // The real clock runs here: officers are on duty at any hour, so the handoff is queued.
    OPENING_HOURS: 'Mon-Sun 00:00-24:00',
  };
  for (const name of ['NODE_OPTIONS', 'DIRECTLINE_SECRET', 'EMBEDDING_MODEL_DIR', 'PUBLIC_BASE_URL'])
    delete env[name];
  const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['src/main.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  return { url, child, output: () => output, exited };
}

async function ready(app: App): Promise<void> {
  await until(async () => {
    if (app.child.exitCode !== null) throw new Error(`exited early:\n${app.output()}`);
    const res = await fetch(`${app.url}/healthz`);
    return res.ok ? true : undefined;
  }, 90000);
}

async function stop(app: App | undefined): Promise<number | string | null> {
  if (!app || app.child.exitCode !== null) return app?.child.exitCode ?? null;
  app.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([
    app.exited,
    new Promise<string>((r) => (timer = setTimeout(() => r('still running'), 20000))),
  ]);
  clearTimeout(timer);
  if (code === 'still running') app.child.kill('SIGKILL');
  return code;
}

/** A citizen on Direct Line: REST calls to any process, one WebSocket on the process it started on. */
class Citizen {
  readonly frames: { activities: Json[]; watermark?: string }[] = [];
  /** When each message text first arrived on the socket. */
  readonly arrivals = new Map<string, number>();
  private ws: WebSocket | undefined;

  private constructor(
    readonly token: string,
    readonly conversationId: string,
  ) {}

  static async start(app: App): Promise<Citizen> {
    const generated: Json = await (
      await fetch(`${app.url}/v3/directline/tokens/generate`, { method: 'POST' })
    ).json();
    const res = await fetch(`${app.url}/v3/directline/conversations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${generated.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(201);
    const started: Json = await res.json();
    const citizen = new Citizen(started.token, started.conversationId);
    await citizen.connect(started.streamUrl);
    return citizen;
  }

  get botId(): string {
    return `directline:${this.conversationId}`;
  }

  /** Activities received on the socket (typing excluded), in order. */
  get received(): Json[] {
    return this.frames.filter((f) => f.watermark !== undefined).flatMap((f) => f.activities);
  }

  texts(): string[] {
    return this.received.filter((a) => a.type === 'message').map((a) => a.text);
  }

  private connect(streamUrl: string): Promise<void> {
    const ws = new WebSocket(streamUrl);
    this.ws = ws;
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      if (!text) return; // keep-alive
      const frame = JSON.parse(text) as { activities: Json[]; watermark?: string };
      this.frames.push(frame);
      const now = performance.now();
      for (const a of frame.activities)
        if (a.type === 'message' && !this.arrivals.has(a.text)) this.arrivals.set(a.text, now);
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
  }

  async say(app: App, text: string): Promise<void> {
    const res = await fetch(`${app.url}/v3/directline/conversations/${this.conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text, from: { id: 'dl_citizen' }, locale: 'vi-VN' }),
    });
    expect(res.status).toBe(200);
  }

  async history(app: App): Promise<Json> {
    const res = await fetch(
      `${app.url}/v3/directline/conversations/${this.conversationId}/activities?watermark=0`,
      { headers: { authorization: `Bearer ${this.token}` } },
    );
    expect(res.status).toBe(200);
    return res.json();
  }

  waitForText(match: (text: string) => boolean): Promise<string> {
    return until(async () => this.texts().find(match));
  }

  close(): void {
    this.ws?.close();
  }
}

/** An officer's console API (/agent/api/) on `app`: the session, in PostgreSQL, works on either process. */
const consoleOn = (officer: OfficerSession, app: App) => officer.at(`${app.url}/agent/api/`);

/** The id of the conversation's queued handoff, once the console lists it. */
function queued(api: OfficerSession, conversationId: string): Promise<number> {
  return until(async () => {
    const res = await api.request('GET', 'queue');
    const { items } = (await res.json()) as { items: Json[] };
    return items.find((h) => h.conversationId === conversationId && h.status === 'queued')?.id as
      number | undefined;
  });
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

let db: TestDatabase;
let one: App | undefined;
let two: App | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
  // One at a time: the second starts while the first is up, as in a rolling deployment.
  one = await startApp(db.connectionString);
  await ready(one);
  two = await startApp(db.connectionString);
  await ready(two);
}, 200000);

afterAll(async () => {
  const codes = await Promise.all([stop(one), stop(two)]);
  await db?.drop();
  expect(codes).toEqual([0, 0]);
  const errors = [one, two].flatMap((app) =>
    (app?.output() ?? '').split('\n').filter((l) => /"level":"error"|uncaught|unhandled/i.test(l)),
  );
  expect(errors).toEqual([]);
}, 60000);

describe('two app processes on one PostgreSQL', () => {
  let citizen: Citizen;

  afterAll(() => citizen?.close());

  it("delivers an officer's replies sent on process 2 to the citizen's socket on process 1, once each, in order", async () => {
    const [p1, p2] = [one!, two!];
    await createUser(db.pool, { username: 'canbo_p2', password: PASSWORD, roles: ['agent'] });
    citizen = await Citizen.start(p1);
    await citizen.waitForText(() => true); // the welcome
    await citizen.say(p1, 'làm giấy khai sinh cần giấy tờ gì');
    await citizen.say(p1, 'cho tôi gặp cán bộ');
    await citizen.waitForText((t) => t.startsWith('Anh/chị đang ở vị trí số 1'));

    const officer = consoleOn(await OfficerSession.login(p2.url, 'canbo_p2', PASSWORD), p2);
    const handoffId = await queued(officer, citizen.botId);
    expect((await officer.request('POST', `handoffs/${handoffId}/claim`, {})).status).toBe(200);

    const replies = Array.from({ length: 20 }, (_, i) => `Cán bộ trả lời lần ${i + 1}: anh/chị mang CCCD.`);
    const delays: number[] = [];
    const posts: number[] = [];
    for (const text of replies) {
      const sent = performance.now();
      const res = await officer.request('POST', `conversations/${encodeURIComponent(citizen.botId)}/reply`, {
        text,
      });
      posts.push(performance.now() - sent);
      expect({ status: res.status, body: await res.json() }).toEqual({ status: 200, body: { sent: true } });
      await citizen.waitForText((t) => t === text);
      delays.push(citizen.arrivals.get(text)! - sent);
    }
    // A burst without waiting in between: still each once, in the order sent.
    const burst = ['Thêm 1', 'Thêm 2', 'Thêm 3', 'Thêm 4', 'Thêm 5'];
    for (const text of burst)
      await officer.request('POST', `conversations/${encodeURIComponent(citizen.botId)}/reply`, {
        text,
      });
    await citizen.waitForText((t) => t === 'Thêm 5');
    process.stdout.write(
      `two-process: officer reply POST on process 2 → frame on process 1's socket: median ${median(
        delays,
      ).toFixed(1)} ms, max ${Math.max(...delays).toFixed(1)} ms over ${delays.length} replies ` +
        `(the POST itself: median ${median(posts).toFixed(1)} ms)\n`,
    );

    const fromOfficer = citizen.texts().filter((t) => t.startsWith('Cán bộ trả lời') || t.startsWith('Thêm'));
    expect(fromOfficer).toEqual([...replies, ...burst]);
    const received = citizen.received;
    const ids = received.map((a) => a.id as string);
    expect(new Set(ids).size).toBe(ids.length); // nothing doubled
    const marks = citizen.frames.filter((f) => f.watermark !== undefined).map((f) => Number(f.watermark));
    expect(marks.every((m, i) => i === 0 || m > marks[i - 1]!)).toBe(true);
    const officerReply = received.find((a) => a.text === replies[0]);
    expect(officerReply).toMatchObject({
      from: { name: 'Cán bộ tư pháp', role: 'bot' },
      channelData: { trolytuphap: { speaker: 'officer' } },
    });

    // Both processes serve the same history by watermark, with the token process 1 issued.
    const [h1, h2] = [await citizen.history(p1), await citizen.history(p2)];
    expect(h2).toEqual(h1);
    expect(h2.watermark).toBe(String(marks.at(-1)));
    expect(h2.activities.map((a: Json) => a.id)).toEqual(ids);
  }, 120000);

  it('gives a handoff to exactly one of 20 concurrent claims spread over both processes', async () => {
    const [p1, p2] = [one!, two!];
    const other = await Citizen.start(p2);
    try {
      await other.waitForText(() => true);
      await other.say(p2, 'đăng ký kết hôn ở đâu');
      await other.say(p1, 'cho tôi gặp cán bộ'); // a POST on the other process: same conversation
      await other.waitForText((t) => t.startsWith('Anh/chị đang ở vị trí số'));
      const names = ['canbo_a', 'canbo_b', 'canbo_c', 'canbo_d'];
      const ids = new Map<string, number>();
      for (const username of names)
        ids.set(
          username,
          Number((await createUser(db.pool, { username, password: PASSWORD, roles: ['agent'] })).id),
        );
      const apps = [p1, p2];
      const officers = await Promise.all(
        names.map((n, i) => OfficerSession.login(apps[i % 2]!.url, n, PASSWORD)),
      );
      const handoffId = await queued(consoleOn(officers[0]!, p1), other.botId);

      const attempts = Array.from({ length: 20 }, (_, i) => ({
        officer: i % officers.length,
        app: apps[Math.floor(i / officers.length) % 2]!,
      }));
      const results = await Promise.all(
        attempts.map(async ({ officer, app }) => {
          const res = await consoleOn(officers[officer]!, app).request(
            'POST',
            `handoffs/${handoffId}/claim`,
            {},
          );
          return { officer, status: res.status, body: (await res.json()) as Json };
        }),
      );
      const won = results.filter((r) => r.status === 200);
      expect(won).toHaveLength(1);
      expect(results.filter((r) => r.status === 409)).toHaveLength(19);
      const winner = names[won[0]!.officer]!;
      expect(won[0]!.body).toMatchObject({ id: handoffId, status: 'assigned', assignedTo: ids.get(winner) });

      const { rows } = await db.pool.query<{ assigned_to: string; status: string }>(
        'SELECT assigned_to, status FROM handoffs WHERE id = $1',
        [handoffId],
      );
      expect(rows).toEqual([{ assigned_to: String(ids.get(winner)), status: 'assigned' }]);
      const audit = await db.pool.query<{ actor: string }>(
        `SELECT actor FROM audit_log WHERE action = 'handoff.claim' AND subject = $1`,
        [`handoff:${handoffId}`],
      );
      expect(audit.rows).toEqual([{ actor: winner }]);
    } finally {
      other.close();
    }
  }, 120000);
});
