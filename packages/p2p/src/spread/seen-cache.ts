import type { Clock } from '../types.js';

export interface SeenCacheOptions {
  clock: Clock;
  /** Each id is remembered at least this long. */
  ttlMs: number;
  /** Most ids held at once. */
  limit: number;
}

/**
 * Ids seen recently, each kept at least `ttlMs` and in bounded memory. The
 * map is in insertion order, which is expiry order, so expired ids are purged
 * from the front in O(1) each. When `limit` unexpired ids are held, `add`
 * refuses rather than forgetting an id early.
 */
export class SeenCache<K> {
  private readonly expiries = new Map<K, number>();

  constructor(private readonly opts: SeenCacheOptions) {}

  get size(): number {
    this.purge();
    return this.expiries.size;
  }

  has(key: K): boolean {
    const at = this.expiries.get(key);
    if (at === undefined) return false;
    if (at <= this.opts.clock.now()) {
      this.purge();
      return false;
    }
    return true;
  }

  /**
   * Remember `key` for ttlMs from now (refreshing it if present). Returns false,
   * and remembers nothing, when `limit` unexpired ids are held.
   */
  add(key: K): boolean {
    this.purge();
    if (this.expiries.has(key)) this.expiries.delete(key);
    else if (this.expiries.size >= this.opts.limit) return false;
    this.expiries.set(key, this.opts.clock.now() + this.opts.ttlMs);
    return true;
  }

  /**
   * Remember `key` for ttlMs from now, forgetting the oldest id first when `limit` are held, so
   * a flood of distinct keys cannot stop new ones from being remembered. Returns true when an id
   * was forgotten early (for the caller to count).
   */
  addEvicting(key: K): boolean {
    this.purge();
    let forgot = false;
    if (this.expiries.has(key)) this.expiries.delete(key);
    else if (this.expiries.size >= this.opts.limit) {
      this.expiries.delete(this.expiries.keys().next().value as K);
      forgot = true;
    }
    this.expiries.set(key, this.opts.clock.now() + this.opts.ttlMs);
    return forgot;
  }

  /** Forget every expired id. */
  purge(): void {
    const now = this.opts.clock.now();
    for (const [key, at] of this.expiries) {
      if (at > now) break;
      this.expiries.delete(key);
    }
  }
}
