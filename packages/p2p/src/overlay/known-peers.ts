import { formatPeerAddress, type PeerAddress } from '@gossip5/protocol';
import { sample } from '../random.js';
import type { Clock, RandomBytes } from '../types.js';

/** A refused address cools down for at most 2^3 = 8 times `retryMs`. */
const MAX_REFUSAL_DOUBLINGS = 3;

interface Entry {
  address: PeerAddress;
  failures: number;
  refusals: number;
  /** Not offered as a dial candidate before this clock time. */
  retryAt: number;
}

export interface KnownPeersOptions {
  clock: Clock;
  random: RandomBytes;
  /** Most addresses held; adding one more forgets the oldest. */
  limit: number;
  /** Cooldown after the first failed dial; doubles per further failure. */
  retryMs: number;
  /** Forget an address after this many failures in a row. */
  maxFailures: number;
  /** Told about every address forgotten because the list was full. */
  onEvict?: (address: PeerAddress) => void;
}

/**
 * Bounded list of addresses learnt from PEER RESPONSE, PUSH and past links,
 * from which the view draws replacements. A failed dial puts an address on a
 * doubling cooldown and repeated failures forget it; a refusal (a live node
 * with a full view) only cools it down.
 */
export class KnownPeers {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly opts: KnownPeersOptions) {}

  get size(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Remember an address (no-op if known). Returns true if it was new. */
  add(address: PeerAddress): boolean {
    const key = formatPeerAddress(address);
    if (this.entries.has(key)) return false;
    if (this.opts.limit <= 0) return false;
    if (this.entries.size >= this.opts.limit) {
      const oldest = this.entries.keys().next().value as string;
      const evicted = this.entries.get(oldest)!;
      this.entries.delete(oldest);
      this.opts.onEvict?.(evicted.address);
    }
    this.entries.set(key, { address, failures: 0, refusals: 0, retryAt: 0 });
    return true;
  }

  remove(key: string): void {
    this.entries.delete(key);
  }

  /** A dial to `key` failed: cool it down, or forget it after too many failures. */
  markFailed(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    e.failures++;
    if (e.failures >= this.opts.maxFailures) {
      this.entries.delete(key);
      return;
    }
    e.retryAt = this.opts.clock.now() + this.opts.retryMs * 2 ** (e.failures - 1);
  }

  /**
   * `key` is alive but refused us (its view was full): cool it down, at most
   * MAX_REFUSAL_BACKOFF times `retryMs`, but keep it. Views change, and
   * forgetting every full node would shrink the list to a neighbourhood.
   */
  markRefused(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    e.refusals++;
    e.retryAt = this.opts.clock.now() + this.opts.retryMs * 2 ** Math.min(e.refusals - 1, MAX_REFUSAL_DOUBLINGS);
  }

  /** A link to `key` was established: clear its failures. */
  markSucceeded(key: string): void {
    const e = this.entries.get(key);
    if (e) {
      e.failures = 0;
      e.refusals = 0;
      e.retryAt = 0;
    }
  }

  /** True if `key` is known and not cooling down. */
  isAvailable(key: string): boolean {
    const e = this.entries.get(key);
    return e !== undefined && e.retryAt <= this.opts.clock.now();
  }

  /** Up to `n` random addresses not cooling down and accepted by `filter`. */
  sample(n: number, filter: (key: string) => boolean = () => true): PeerAddress[] {
    const now = this.opts.clock.now();
    const candidates: PeerAddress[] = [];
    for (const [key, e] of this.entries) if (e.retryAt <= now && filter(key)) candidates.push(e.address);
    return sample(this.opts.random, candidates, n);
  }

  /** Every address, oldest first. */
  list(): PeerAddress[] {
    return [...this.entries.values()].map((e) => e.address);
  }
}
