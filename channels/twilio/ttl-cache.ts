/**
 * A small in-memory map whose entries expire after a fixed time and whose size is capped (oldest
 * first out). Holds the channel's short-lived state: TwiML already produced for a (CallSid, step), and
 * per-call memory (last answer, clarify candidates). One process only: behind several instances, route
 * a call's webhooks to one instance or move this to shared storage.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expires: this.now() + this.ttlMs });
    this.prune();
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Entries are in insertion order and share one TTL: expired ones are at the front. */
  private prune(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && entry.expires > now) break;
      this.entries.delete(key);
    }
  }
}

/**
 * Runs a webhook's work once per key: a retry of the same (CallSid, step) or MessageSid gets the same
 * response, also while the first one is still being produced. A failed run is forgotten so a retry
 * can try again.
 */
export class ReplayCache {
  private readonly cache: TtlCache<Promise<string>>;

  constructor(ttlMs = 15 * 60_000, maxEntries = 20_000) {
    this.cache = new TtlCache(ttlMs, maxEntries);
  }

  once(key: string, produce: () => Promise<string>): Promise<string> {
    const known = this.cache.get(key);
    if (known) return known;
    const running = produce();
    this.cache.set(key, running);
    running.catch(() => this.cache.delete(key));
    return running;
  }
}
