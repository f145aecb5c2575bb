/**
 * Seeded pseudo-random numbers for the tiny test model: mulberry32 for uniforms, FNV-1a to derive a seed
 * from a token string, and an Irwin–Hall sum for approximately normal values. Only integer arithmetic and
 * additions are used (no Math.random, no transcendental functions), so every run on every platform
 * produces bit-identical weights.
 */

/** A generator of uniform numbers in [0, 1). */
export type Uniform = () => number;

/** mulberry32: a small, fast 32-bit PRNG; identical output for identical seeds. */
export function mulberry32(seed: number): Uniform {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over the UTF-16 code units of `text`, mixed with `salt`: a stable 32-bit seed per string. */
export function hashSeed(text: string, salt: number): number {
  let h = (0x811c9dc5 ^ salt) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Approximately standard-normal value: sum of 12 uniforms minus 6 (Irwin–Hall, variance 1). */
export function gaussian(rand: Uniform): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += rand();
  return sum - 6;
}
