/**
 * A small in-memory fixed-window rate limiter, keyed by e.g. the client's IP. One process only: enough to
 * slow down password guessing at the login form (the per-account lockout is in users.ts).
 */
export interface RateLimiter {
  /** Counts one hit; returns 0 when allowed, else the milliseconds until the window reopens. */
  hit(key: string): number;
}

export function createRateLimiter(
  limit: number,
  windowMs: number,
  now: () => Date = () => new Date(),
): RateLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  return {
    hit(key) {
      const t = now().getTime();
      if (windows.size > 10_000) {
        for (const [k, w] of windows) if (w.resetAt <= t) windows.delete(k);
      }
      let w = windows.get(key);
      if (!w || w.resetAt <= t) {
        w = { count: 0, resetAt: t + windowMs };
        windows.set(key, w);
      }
      w.count += 1;
      return w.count > limit ? w.resetAt - t : 0;
    },
  };
}
