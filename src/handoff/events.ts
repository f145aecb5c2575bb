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
import type { ClientBase } from 'pg';
import { NotificationListener, type ListenerOptions } from '../db/notification-listener';
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

export type { ListenerOptions };

/** The handoff events of every process, parsed; see NotificationListener for reconnection. */
export class HandoffEventListener {
  private readonly listener: NotificationListener;

  constructor(options: Omit<ListenerOptions, 'channel'>) {
    this.listener = new NotificationListener({ ...options, channel: HANDOFF_EVENTS_CHANNEL });
    this.log = options.log;
  }

  private readonly log: Logger;

  start(): Promise<void> {
    return this.listener.start();
  }

  /** Calls fn for each event; returns the function that unsubscribes. */
  subscribe(fn: (event: HandoffEvent) => void): () => void {
    return this.listener.subscribe((payload) => {
      const event = parseHandoffEvent(payload);
      if (event) fn(event);
      else this.log.warn('handoff event listener: unexpected payload', { payload });
    });
  }

  onReconnect(fn: () => void): () => void {
    return this.listener.onReconnect(fn);
  }

  get connected(): boolean {
    return this.listener.connected;
  }

  close(): Promise<void> {
    return this.listener.close();
  }
}
