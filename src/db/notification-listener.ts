/**
 * One dedicated PostgreSQL connection that LISTENs on a NOTIFY channel (not from the pool: a pooled
 * client would be handed to others) and hands each payload to its subscribers. When the connection
 * drops it reconnects with backoff (0.25 s doubling to 15 s); notifications sent meanwhile are lost,
 * so `onReconnect` callbacks run after each reconnection for consumers to reload their state.
 * Used by the handoff events (src/handoff/events.ts) and the knowledge releases (src/knowledge-store).
 */
import { Client, type Notification } from 'pg';
import type { Logger } from '../log';

export interface ListenerOptions {
  /** The NOTIFY channel (an SQL identifier: lower-case letters, digits, _). */
  channel: string;
  connectionString: string;
  log: Logger;
  /** First reconnection delay (ms, default 250), doubled up to maxDelayMs (default 15 000). */
  minDelayMs?: number;
  maxDelayMs?: number;
}

export class NotificationListener {
  private client: Client | undefined;
  private readonly handlers = new Set<(payload: string) => void>();
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

  /** Calls fn with each notification's payload; returns the function that unsubscribes. */
  subscribe(fn: (payload: string) => void): () => void {
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
      log.warn(`${this.options.channel} listener disconnected; reconnecting`, {
        error: err,
        delayMs: this.delay,
      });
      this.scheduleReconnect();
    };
    client.on('error', drop);
    client.on('end', () => drop());
    client.on('notification', (msg: Notification) => this.dispatch(msg));
    try {
      await client.connect();
      await client.query(`LISTEN ${this.options.channel}`);
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
      log.info(`${this.options.channel} listener reconnected`);
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
        this.options.log.warn(`${this.options.channel} listener: reconnecting failed`, {
          error: err,
          delayMs: this.delay,
        });
        this.scheduleReconnect();
      });
    }, this.delay);
    this.timer.unref();
  }

  private dispatch(msg: Notification): void {
    if (msg.channel !== this.options.channel) return;
    const payload = msg.payload ?? '';
    for (const fn of this.handlers) this.safely(() => fn(payload));
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.options.log.error(`${this.options.channel} handler failed`, { error: err });
    }
  }
}
