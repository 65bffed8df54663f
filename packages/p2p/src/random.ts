import type { RandomBytes } from './types.js';

/** A uniform-enough integer in [0, n) from 4 random bytes (n is small here, the bias negligible). */
export function randomInt(random: RandomBytes, n: number): number {
  if (n <= 1) return 0;
  const b = random(4);
  const v = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  return v % n;
}

/** Up to `k` distinct elements of `items` in random order (partial Fisher-Yates on a copy). */
export function sample<T>(random: RandomBytes, items: readonly T[], k: number): T[] {
  const pool = items.slice();
  const take = Math.min(k, pool.length);
  for (let i = 0; i < take; i++) {
    const j = i + randomInt(random, pool.length - i);
    const t = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = t;
  }
  return pool.slice(0, take);
}

/** A random unsigned 64-bit integer. */
export function randomU64(random: RandomBytes): bigint {
  const b = random(8);
  let v = 0n;
  for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(b[i]!);
  return v;
}

/** A random unsigned 32-bit integer. */
export function randomU32(random: RandomBytes): number {
  const b = random(4);
  return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
}
