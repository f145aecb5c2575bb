/**
 * A bounded set of recently seen keys (insertion-ordered Map: the oldest go first when it is full,
 * and a key older than the TTL counts as unseen). Dedupes Zalo's retried deliveries on msg_id.
 */

export class RecentKeys {
  private readonly seenAt = new Map<string, number>();

  constructor(
    private readonly max = 50_000,
    private readonly ttlMs = 24 * 60 * 60 * 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records `key`; false when it was already seen within the TTL. */
  add(key: string): boolean {
    const now = this.now();
    const at = this.seenAt.get(key);
    if (at !== undefined && now - at < this.ttlMs) return false;
    this.seenAt.delete(key);
    this.seenAt.set(key, now);
    for (const [oldest, when] of this.seenAt) {
      if (this.seenAt.size <= this.max && now - when < this.ttlMs) break;
      this.seenAt.delete(oldest);
    }
    return true;
  }

  /** Forgets `key` (work for it could not be accepted, so a retry must not be dropped). */
  delete(key: string): void {
    this.seenAt.delete(key);
  }

  get size(): number {
    return this.seenAt.size;
  }
}
