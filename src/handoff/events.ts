/**
 * Cross-process handoff notifications with PostgreSQL LISTEN/NOTIFY on the channel `handoff_events`,
 * payload JSON `{ type, handoffId, conversationId }`.
 * - `publishHandoffEvent(client, event)` sends it on the client of the transaction that made the change,
 *   so it is delivered on COMMIT and never for a change that rolled back.
 * - `HandoffEventListener` holds one dedicated connection (not from the pool: a pooled client would be
 *   handed to others), LISTENs, and reconnects with backoff (0.25 s doubling to 15 s) when the connection
 *   drops. Notifications sent while it was disconnected are lost: `onReconnect` callbacks run after each
 *   reconnection so a consumer (the console's live queue) reloads its state from the tables.
 */
import { Client, type ClientBase, type Notification } from 'pg';
import type { Logger } from '../log';

export const HANDOFF_EVENTS_CHANNEL = 'handoff_events';

export type HandoffEventType = 'enqueued' | 'claimed' | 'transferred' | 'closed';

export interface HandoffEvent {
  type: HandoffEventType;
  handoffId: number;
  conversationId: string;
}

const TYPES: readonly HandoffEventType[] = ['enqueued', 'claimed', 'transferred', 'closed'];

export async function publishHandoffEvent(client: ClientBase, event: HandoffEvent): Promise<void> {
  const payload = JSON.stringify({
    type: event.type,
    handoffId: event.handoffId,
    conversationId: event.conversationId,
  });
  await client.query('SELECT pg_notify($1, $2)', [HANDOFF_EVENTS_CHANNEL, payload]);
}

/** The event of a NOTIFY payload, or undefined when it is not one. */
export function parseHandoffEvent(payload: string | undefined): HandoffEvent | undefined {
  if (!payload) return undefined;
  try {
    const v = JSON.parse(payload) as Partial<Record<keyof HandoffEvent, unknown>>;
    if (
      typeof v.type === 'string' &&
      (TYPES as readonly string[]).includes(v.type) &&
      typeof v.handoffId === 'number' &&
      typeof v.conversationId === 'string'
    ) {
      return { type: v.type as HandoffEventType, handoffId: v.handoffId, conversationId: v.conversationId };
    }
  } catch {
    // not JSON: ignored below
  }
  return undefined;
}

export interface ListenerOptions {
  connectionString: string;
  log: Logger;
  /** First reconnection delay (ms, default 250), doubled up to maxDelayMs (default 15 000). */
  minDelayMs?: number;
  maxDelayMs?: number;
}

export class HandoffEventListener {
  private client: Client | undefined;
  private readonly handlers = new Set<(event: HandoffEvent) => void>();
  private readonly reconnectHandlers = new Set<() => void>();
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private delay: number;
  private everConnected = false;

  constructor(private readonly options: ListenerOptions) {
    this.delay = options.minDelayMs ?? 250;
  }

  /** Connects and LISTENs; rejects if the first connection fails (later drops are retried). */
  async start(): Promise<void> {
    await this.connect();
  }

  /** Calls fn for each event; returns the function that unsubscribes. */
  subscribe(fn: (event: HandoffEvent) => void): () => void {
    this.handlers.add(fn);
    return () => this.handlers.delete(fn);
  }

  /** Calls fn after each reconnection (events may have been missed meanwhile). */
  onReconnect(fn: () => void): () => void {
    this.reconnectHandlers.add(fn);
    return () => this.reconnectHandlers.delete(fn);
  }

  get connected(): boolean {
    return this.client !== undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const { log } = this.options;
    const client = new Client({ connectionString: this.options.connectionString, keepAlive: true });
    let ready = false; // until LISTEN succeeded, failures reject connect() instead
    let dropped = false;
    const drop = (err?: Error) => {
      if (!ready || dropped) return;
      dropped = true;
      if (this.client === client) this.client = undefined;
      client.end().catch(() => undefined);
      if (this.closed) return;
      log.warn('handoff event listener disconnected; reconnecting', { error: err, delayMs: this.delay });
      this.scheduleReconnect();
    };
    client.on('error', drop);
    client.on('end', () => drop());
    client.on('notification', (msg: Notification) => this.dispatch(msg));
    try {
      await client.connect();
      await client.query(`LISTEN ${HANDOFF_EVENTS_CHANNEL}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    ready = true;
    this.client = client;
    this.delay = this.options.minDelayMs ?? 250;
    if (this.everConnected) {
      log.info('handoff event listener reconnected');
      for (const fn of this.reconnectHandlers) this.safely(() => fn());
    }
    this.everConnected = true;
  }

  private scheduleReconnect(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connect().catch((err: unknown) => {
        this.delay = Math.min(this.delay * 2, this.options.maxDelayMs ?? 15000);
        this.options.log.warn('handoff event listener: reconnecting failed', {
          error: err,
          delayMs: this.delay,
        });
        this.scheduleReconnect();
      });
    }, this.delay);
    this.timer.unref();
  }

  private dispatch(msg: Notification): void {
    if (msg.channel !== HANDOFF_EVENTS_CHANNEL) return;
    const event = parseHandoffEvent(msg.payload);
    if (!event) {
      this.options.log.warn('handoff event listener: unexpected payload', { payload: msg.payload });
      return;
    }
    for (const fn of this.handlers) this.safely(() => fn(event));
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.options.log.error('handoff event handler failed', { error: err });
    }
  }
}
