import { formatPeerAddress, type PeerAddress } from '@gossip5/protocol';
import { randomInt } from '../random.js';
import type { Clock, RandomBytes } from '../types.js';

/** A refused address cools down for at most 2^3 = 8 times `retryMs`. */
const MAX_REFUSAL_DOUBLINGS = 3;

interface Entry {
  address: PeerAddress;
  /** Network group of the neighbour that told us (or of the peer itself, once linked). */
  source: string;
  failures: number;
  refusals: number;
  /** Not offered as a dial candidate before this clock time. */
  retryAt: number;
  /** A link to it was established once: it answered at this address (see `sample`'s `verifiedOnly`). */
  verified: boolean;
}

export interface KnownPeersOptions {
  clock: Clock;
  random: RandomBytes;
  /** Most addresses held; past it the list keeps a uniform sample of what it was offered (see `add`). */
  limit: number;
  /** Most addresses one source may hold; more from it replace its own oldest. */
  perSource: number;
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
 *
 * Addresses are bucketed by their source, the network group of the neighbour
 * that told us (after Bitcoin Core's address manager): a source holds at most
 * `perSource` of them, a full list forgets from the largest bucket, and `sample`
 * draws a bucket first, then an address in it. However many addresses one
 * source sends, it holds one bucket, and gets one bucket's share of the dials.
 *
 * A full list is a reservoir (Vitter's algorithm R): the k-th address offered
 * while full is kept with chance limit / (limit + k), in place of a random one
 * of the largest bucket, so the list stays a uniform sample of every address
 * it was told of, not the latest ones. A bootstrapper's list is then a sample
 * of all joiners, which it hands to the next joiner (Membership): keeping the
 * latest made every joiner link to the previous ones, a long chain-like overlay.
 */
export class KnownPeers {
  private readonly entries = new Map<string, Entry>();
  /**
   * Keys held per source, oldest first (entries only: bounded by `limit`). Arrays, not Sets: a
   * bucket holds a few keys (at most `perSource`), and an array of them is a fraction of a Set's
   * smallest table (this list is per node: 10 000 of them in a simulation).
   */
  private readonly perSource = new Map<string, string[]>();
  /** New addresses offered while the list was full (the reservoir's count). */
  private offeredWhileFull = 0;

  constructor(private readonly opts: KnownPeersOptions) {}

  get size(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /**
   * Remember an address told by `source` (no-op if known). Returns true if it was kept. A full
   * list keeps it by the reservoir's chance (the class comment); one it does not keep goes to
   * `onEvict` like an address forgotten for it.
   */
  add(address: PeerAddress, source: string): boolean {
    const key = formatPeerAddress(address);
    if (this.entries.has(key)) return false;
    const { limit } = this.opts;
    if (limit <= 0) return false;
    if ((this.perSource.get(source)?.length ?? 0) >= this.opts.perSource) {
      this.forget(this.oldestOf(source)!, false);
    } else if (this.entries.size >= limit) {
      this.offeredWhileFull++;
      if (randomInt(this.opts.random, limit + this.offeredWhileFull) >= limit) {
        this.opts.onEvict?.(address);
        return false;
      }
      this.forget(this.randomOfLargest(), true);
    }
    this.entries.set(key, { address, source, failures: 0, refusals: 0, retryAt: 0, verified: false });
    let keys = this.perSource.get(source);
    if (!keys) this.perSource.set(source, (keys = []));
    keys.push(key);
    return true;
  }

  remove(key: string): void {
    const e = this.entries.get(key);
    if (e) this.forget(key, false);
  }

  /** Sources holding addresses now. */
  get sources(): number {
    return this.perSource.size;
  }

  private forget(key: string, full: boolean): void {
    const e = this.entries.get(key)!;
    this.entries.delete(key);
    const keys = this.perSource.get(e.source);
    if (keys) {
      keys.splice(keys.indexOf(key), 1);
      if (keys.length === 0) this.perSource.delete(e.source);
    }
    if (full) this.opts.onEvict?.(e.address);
  }

  private oldestOf(source: string): string | undefined {
    return this.perSource.get(source)?.[0];
  }

  /** A random address of the largest source buckets (uniform over the addresses they hold). */
  private randomOfLargest(): string {
    let most = 0;
    let held = 0;
    for (const keys of this.perSource.values()) {
      if (keys.length > most) [most, held] = [keys.length, 0];
      if (keys.length === most) held += most;
    }
    let at = randomInt(this.opts.random, held);
    for (const keys of this.perSource.values()) {
      if (keys.length !== most) continue;
      if (at >= most) {
        at -= most;
        continue;
      }
      return keys[at]!;
    }
    throw new Error('unreachable: the list is full, so a largest bucket exists');
  }

  /** A dial to `key` failed: cool it down, or forget it after too many failures. */
  markFailed(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    e.failures++;
    if (e.failures >= this.opts.maxFailures) {
      this.forget(key, false);
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
      e.verified = true;
    }
  }

  /** Failed dials in a row of `key` (0 if unknown or never failed). */
  failures(key: string): number {
    return this.entries.get(key)?.failures ?? 0;
  }

  /** True if `key` is known and not cooling down. */
  isAvailable(key: string): boolean {
    const e = this.entries.get(key);
    return e !== undefined && e.retryAt <= this.opts.clock.now();
  }

  /**
   * Up to `n` random addresses not cooling down and accepted by `filter`: each draw picks a
   * random source bucket, then a random address in it. `verifiedOnly`: only addresses a link was
   * established with (never one a peer merely named).
   */
  sample(n: number, filter: (key: string) => boolean = () => true, verifiedOnly = false): PeerAddress[] {
    const now = this.opts.clock.now();
    const buckets = new Map<string, PeerAddress[]>();
    for (const [key, e] of this.entries) {
      if (e.retryAt > now || (verifiedOnly && !e.verified) || !filter(key)) continue;
      let b = buckets.get(e.source);
      if (!b) buckets.set(e.source, (b = []));
      b.push(e.address);
    }
    const pools = [...buckets.values()];
    const out: PeerAddress[] = [];
    while (out.length < n && pools.length > 0) {
      const i = randomInt(this.opts.random, pools.length);
      const pool = pools[i]!;
      const j = randomInt(this.opts.random, pool.length);
      out.push(pool[j]!);
      pool[j] = pool[pool.length - 1]!;
      pool.pop();
      if (pool.length === 0) {
        pools[i] = pools[pools.length - 1]!;
        pools.pop();
      }
    }
    return out;
  }

  /** Every address, oldest first. */
  list(): PeerAddress[] {
    return [...this.entries.values()].map((e) => e.address);
  }
}
