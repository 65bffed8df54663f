import type { Clock } from '../types.js';

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per key (a link): `perMinute` tokens refilled evenly, at most `perMinute` held.
 * Entries live in a WeakMap, so they end with their link: bounded by the links, never by input.
 */
export class RateLimiter<K extends object> {
  private readonly buckets = new WeakMap<K, Bucket>();

  constructor(
    private readonly clock: Clock,
    private readonly perMinute: number,
  ) {}

  /** Take one token for `key`; false when it has none left. */
  take(key: K): boolean {
    if (this.perMinute <= 0) return false;
    const now = this.clock.now();
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: this.perMinute, at: now };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(this.perMinute, b.tokens + ((now - b.at) * this.perMinute) / 60_000);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
