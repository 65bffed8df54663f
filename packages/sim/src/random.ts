import { seededRandom } from '@gossip5/p2p/testing';

/** Uniform floats in [0, 1) from a seed: the simulator's own draws (origins, crash victims, churn times). */
export function seededFloats(seed: number): () => number {
  const bytes = seededRandom(seed);
  return () => {
    const b = bytes(4);
    return ((b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0) / 0x1_0000_0000;
  };
}

/** A 32-bit mix of a few integers (murmur3's finaliser over a running state): stateless, seeded draws. */
export function mix32(...words: number[]): number {
  let h = 0x811c9dc5;
  for (const w of words) {
    h = Math.imul(h ^ (w >>> 0), 0x01000193) >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** Seed of node `i`'s random bytes in a run with `seed`. */
export function nodeSeed(seed: number, i: number): number {
  return mix32(seed, i, 0x6e6f6465);
}

/** `k` distinct indices of `0..n-1` drawn with `rand` (partial Fisher-Yates). */
export function pick(rand: () => number, pool: readonly number[], k: number): number[] {
  const a = pool.slice();
  const take = Math.min(k, a.length);
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(rand() * (a.length - i));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a.slice(0, take);
}
