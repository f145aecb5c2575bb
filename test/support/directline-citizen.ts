/**
 * A citizen talking to the server over Direct Line's REST API, the way a polling client does: start a
 * conversation with a generated token, post messages, read the bot's activities by watermark.
 */
import { until } from './until';

/** Direct Line activities as parsed JSON; tests look at a few fields. */
export type Json = ReturnType<typeof JSON.parse>;

export class DirectLineCitizen {
  private watermark: string | undefined;

  private constructor(
    private readonly base: string,
    readonly token: string,
    readonly conversationId: string,
  ) {}

  /** Starts a conversation on the server at `serverUrl` and reads the bot's welcome. */
  static async start(serverUrl: string): Promise<DirectLineCitizen> {
    const base = `${serverUrl}/v3/directline`;
    const generated: Json = await (await fetch(`${base}/tokens/generate`, { method: 'POST' })).json();
    const started = await call(base, 'POST', '/conversations', generated.token, {});
    const citizen = new DirectLineCitizen(base, started.token ?? generated.token, started.conversationId);
    await citizen.fromBot(); // the welcome
    return citizen;
  }

  /** The conversation's id on the bot's side. */
  get botId(): string {
    return `directline:${this.conversationId}`;
  }

  async say(text: string): Promise<void> {
    await call(this.base, 'POST', `/conversations/${this.conversationId}/activities`, this.token, {
      type: 'message',
      text,
      from: { id: 'dl_citizen', role: 'user' },
      locale: 'vi-VN',
    });
  }

  /** The bot's activities since the last call. */
  async fromBot(): Promise<Json[]> {
    const q = this.watermark ? `?watermark=${this.watermark}` : '';
    const page = await call(
      this.base,
      'GET',
      `/conversations/${this.conversationId}/activities${q}`,
      this.token,
    );
    this.watermark = page.watermark;
    return (page.activities as Json[]).filter((a) => a.from?.role === 'bot');
  }

  /** Reads until an activity of the bot matches; returns everything read meanwhile. */
  async waitFor(predicate: (a: Json) => boolean): Promise<Json[]> {
    const seen: Json[] = [];
    return until(async () => {
      seen.push(...(await this.fromBot()));
      return seen.some(predicate) ? seen : undefined;
    });
  }

  /** Reads until the bot sends a message with exactly this text. */
  async waitForText(text: string): Promise<void> {
    await this.waitFor((a) => a.type === 'message' && a.text === text);
  }
}

async function call(
  base: string,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<Json> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status).toBeLessThan(300);
  const text = await res.text();
  return text ? JSON.parse(text) : {};
}
