/**
 * The live queue as Server-Sent Events: one HandoffEventListener (LISTEN handoff_events on its own
 * connection, so a change made by any process reaches every console) fans each event out to the open
 * GET /agent/api/events streams as `event: handoff`, and a `reload` event after a reconnection (events
 * may have been missed). A `: keep-alive` comment goes out every 15 s. close() ends every stream.
 */
import type { Request, Response } from 'express';
import { HandoffEventListener, type HandoffEvent } from '../handoff/events';
import type { Logger } from '../log';

export const KEEP_ALIVE_MS = 15_000;

export class LiveEvents {
  private readonly streams = new Set<Response>();
  private readonly listener: HandoffEventListener;
  private readonly timer: NodeJS.Timeout;

  constructor(connectionString: string, log: Logger) {
    this.listener = new HandoffEventListener({ connectionString, log });
    this.listener.subscribe((event) => this.broadcast('handoff', event));
    this.listener.onReconnect(() => this.broadcast('reload', {}));
    this.timer = setInterval(() => {
      for (const res of this.streams) res.write(': keep-alive\n\n');
    }, KEEP_ALIVE_MS);
    this.timer.unref();
  }

  start(): Promise<void> {
    return this.listener.start();
  }

  /** The handler of GET /agent/api/events (after requireRole). */
  handle = (req: Request, res: Response): void => {
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.write('retry: 3000\n: connected\n\n');
    this.streams.add(res);
    req.on('close', () => this.streams.delete(res));
  };

  private broadcast(name: string, data: HandoffEvent | Record<string, never>): void {
    const message = `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of this.streams) res.write(message);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    for (const res of this.streams) res.end();
    this.streams.clear();
    await this.listener.close();
  }
}
