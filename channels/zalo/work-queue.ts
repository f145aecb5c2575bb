/**
 * The work acknowledged but not done yet: tasks run one after another per key (one Zalo user, so a
 * conversation's turns and replies stay in order) and at most `concurrency` at a time overall, each
 * started on a later turn of the event loop, so webhook acknowledgements are not stuck behind a burst
 * of answers being computed. Bounded: push() says no when full. idle() resolves once nothing is
 * pending, which close() and tests await.
 */

export interface WorkQueueOptions {
  /** Tasks acknowledged and not finished, beyond which push() refuses. */
  capacity: number;
  /** Tasks running at once (the rest wait their turn, in order). */
  concurrency: number;
  onError: (error: unknown) => void;
}

export class WorkQueue {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly waitingForSlot: (() => void)[] = [];
  private pending = 0;
  private running = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: WorkQueueOptions) {}

  get size(): number {
    return this.pending;
  }

  /** Queues `task` behind the key's earlier tasks; false (nothing queued) when the queue is full. */
  push(key: string, task: () => Promise<void>): boolean {
    if (this.pending >= this.options.capacity) return false;
    this.pending += 1;
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run: Promise<void> = previous
      .then(() => this.acquire())
      .then(async () => {
        try {
          await task();
        } finally {
          this.release();
        }
      })
      .catch(this.options.onError)
      .finally(() => {
        this.pending -= 1;
        if (this.tails.get(key) === run) this.tails.delete(key);
        if (this.pending === 0) for (const wake of this.idleWaiters.splice(0)) wake();
      });
    this.tails.set(key, run);
    return true;
  }

  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Resolves, on a later turn of the event loop, once a running slot is this caller's. */
  private acquire(): Promise<void> {
    return new Promise((resolve) => {
      if (this.running < this.options.concurrency) {
        this.running += 1;
        setImmediate(resolve);
      } else this.waitingForSlot.push(resolve);
    });
  }

  private release(): void {
    const next = this.waitingForSlot.shift();
    if (next) setImmediate(next);
    else this.running -= 1;
  }
}
