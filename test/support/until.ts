/**
 * Polls until a probe yields a value (anything but undefined; a throwing probe counts as not yet),
 * or fails after `ms`. For asynchronous effects a test cannot await directly (queued writes, pushes).
 */
export async function until<T>(probe: () => Promise<T | undefined>, ms = 10000, everyMs = 50): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
