/**
 * Subscribers for one NOTIFY channel over a PgListener (pg-listener.ts: one dedicated connection,
 * reconnecting with backoff). `start()` resolves once the first LISTEN holds (and rejects if it does
 * not within `startTimeoutMs`); `onReconnect` callbacks run after every later reconnection, since
 * notifications sent meanwhile were lost and consumers must reload their state from the tables.
 * Used by the handoff events (src/handoff/events.ts) and the knowledge releases (src/knowledge-store).
 */
import type { Logger } from '../log';
import { PgListener } from './pg-listener';

export interface ListenerOptions {
  /** The NOTIFY channel (an SQL identifier: lower-case letters, digits, _). */
  channel: string;
  connectionString: string;
  log: Logger;
  /** First reconnection delay (ms, default 250), doubled up to maxDelayMs (default 15 000). */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** How long start() waits for the first LISTEN (default 10 s). */
  startTimeoutMs?: number;
}

export class NotificationListener {
  private readonly handlers = new Set<(payload: string) => void>();
  private readonly reconnectHandlers = new Set<() => void>();
  private readonly listener: PgListener;
  private listenings = 0;
  private firstListen: (() => void) | undefined;

  constructor(private readonly options: ListenerOptions) {
    this.listener = new PgListener({
      channel: options.channel,
      connectionString: options.connectionString,
      log: options.log,
      applicationName: `tltp-${options.channel}`,
      ...(options.minDelayMs !== undefined && { minDelayMs: options.minDelayMs }),
      ...(options.maxDelayMs !== undefined && { maxDelayMs: options.maxDelayMs }),
      onNotification: (payload) => {
        for (const fn of this.handlers) this.safely(() => fn(payload));
      },
      onListening: () => {
        this.listenings++;
        if (this.listenings === 1) this.firstListen?.();
        else {
          this.options.log.info(`${options.channel} listener reconnected`);
          for (const fn of this.reconnectHandlers) this.safely(() => fn());
        }
      },
    });
  }

  /** Connects and LISTENs; rejects if that does not happen in time (later drops are retried). */
  async start(): Promise<void> {
    const listening = new Promise<void>((resolve) => (this.firstListen = resolve));
    this.listener.start();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`could not LISTEN on ${this.options.channel}`)),
        this.options.startTimeoutMs ?? 10_000,
      );
    });
    try {
      await Promise.race([listening, timeout]);
    } catch (error) {
      await this.listener.close();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Calls fn with each notification's payload; returns the function that unsubscribes. */
  subscribe(fn: (payload: string) => void): () => void {
    this.handlers.add(fn);
    return () => this.handlers.delete(fn);
  }

  /** Calls fn after each reconnection (notifications may have been missed meanwhile). */
  onReconnect(fn: () => void): () => void {
    this.reconnectHandlers.add(fn);
    return () => this.reconnectHandlers.delete(fn);
  }

  get connected(): boolean {
    return this.listener.listening;
  }

  close(): Promise<void> {
    return this.listener.close();
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.options.log.error(`${this.options.channel} handler failed`, { error: err });
    }
  }
}
