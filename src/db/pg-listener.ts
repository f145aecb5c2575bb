/**
 * One dedicated PostgreSQL connection that LISTENs on a channel (not from the pool: a pooled client is
 * handed to others). It connects in the background, and when the connection drops (server restart,
 * pg_terminate_backend, network) it reconnects with backoff: 0.25 s doubling to 15 s. Notifications sent
 * while it was not listening are lost, so `onListening` runs after every successful LISTEN, the first
 * included: the owner then re-reads whatever it may have missed from the tables. Notifications reach
 * `onNotification` only after `onListening` has run on their connection.
 */
import { Client, type Notification } from 'pg';
import type { Logger } from '../log';

export interface PgListenerOptions {
  connectionString: string;
  /** A plain identifier: [a-z_][a-z0-9_]*. */
  channel: string;
  log: Logger;
  /** Shown in pg_stat_activity (tests find the connection by it). */
  applicationName: string;
  onNotification(payload: string): void;
  onListening(): void;
  minDelayMs?: number;
  maxDelayMs?: number;
}

export class PgListener {
  private client: Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private delay: number;
  private closed = false;
  private connecting: Promise<void> | undefined;

  constructor(private readonly options: PgListenerOptions) {
    if (!/^[a-z_][a-z0-9_]*$/.test(options.channel)) throw new Error(`bad LISTEN channel ${options.channel}`);
    this.delay = options.minDelayMs ?? 250;
  }

  /** Starts connecting; failures are logged and retried, never thrown. */
  start(): void {
    this.attempt();
  }

  /** True while the connection is up and LISTENing. */
  get listening(): boolean {
    return this.client !== undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private attempt(): void {
    if (this.closed || this.connecting) return;
    this.connecting = this.connect()
      .catch((error: unknown) => {
        if (this.closed) return;
        this.options.log.warn(`${this.options.channel} listener: connecting failed`, {
          error,
          delayMs: this.delay,
        });
        this.retryLater();
      })
      .finally(() => (this.connecting = undefined));
  }

  private retryLater(): void {
    if (this.timer || this.closed) return;
    const delay = this.delay;
    this.delay = Math.min(this.delay * 2, this.options.maxDelayMs ?? 15_000);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.attempt();
    }, delay);
    this.timer.unref();
  }

  private async connect(): Promise<void> {
    const { log } = this.options;
    const client = new Client({
      connectionString: this.options.connectionString,
      keepAlive: true,
      application_name: this.options.applicationName,
    });
    let ready = false;
    let dropped = false;
    const drop = (error?: Error) => {
      if (dropped) return;
      dropped = true;
      if (this.client === client) this.client = undefined;
      client.end().catch(() => undefined);
      if (!ready || this.closed) return; // a failing connect() is retried by attempt()
      log.warn(`${this.options.channel} listener disconnected; reconnecting`, { error, delayMs: this.delay });
      this.retryLater();
    };
    client.on('error', drop);
    client.on('end', () => drop());
    client.on('notification', (message: Notification) => {
      // Before onListening has run, the owner re-reads everything anyway: drop these, so none is
      // taken for the first one after an outage.
      if (ready && message.channel === this.options.channel && message.payload !== undefined)
        this.options.onNotification(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.options.channel}`);
    } catch (error) {
      dropped = true;
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed || dropped) {
      await client.end().catch(() => undefined);
      if (dropped && !this.closed) throw new Error('the connection dropped while starting to listen');
      return;
    }
    ready = true;
    this.client = client;
    this.delay = this.options.minDelayMs ?? 250;
    try {
      this.options.onListening();
    } catch (error) {
      log.error(`${this.options.channel} listener: resuming failed`, { error });
    }
  }
}
