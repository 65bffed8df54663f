import type { Clock } from '../types.js';

export interface SeenIdsOptions {
  clock: Clock;
  /** Each id is remembered at least this long (the daemon's -s). */
  ttlMs: number;
  /** Most ids held at once (`seenLimit`); past it the oldest generation is forgotten early. */
  limit: number;
  /** Two 32-bit words that key the slot hash, so a peer cannot choose ids that collide. */
  seed: readonly [number, number];
}

/** Generations the -s window is cut into: an id lives at most ttl x (1 + 1/GENERATIONS). */
export const SEEN_GENERATIONS = 8;

/** Smallest table of one generation (slots, a power of two). */
const MIN_SLOTS = 64;

/**
 * One generation: an open-addressing set of u64 ids kept as two u32 words (high, low) per slot of
 * a Uint32Array, (0, 0) marking a free slot. Words, not a BigUint64Array: reading a BigUint64Array
 * element allocates a BigInt, and a probe reads several.
 */
class Generation {
  slots: Uint32Array;
  count = 0;
  hasZero = false;

  constructor(
    /** Clock time until which ids may be added here. */
    readonly openUntil: number,
  ) {
    this.slots = new Uint32Array(2 * MIN_SLOTS);
  }

  get size(): number {
    return this.count + (this.hasZero ? 1 : 0);
  }

  has(hi: number, lo: number, hash: number): boolean {
    if (hi === 0 && lo === 0) return this.hasZero;
    const slots = this.slots;
    const mask = (slots.length >>> 1) - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const h = slots[2 * i]!;
      const l = slots[2 * i + 1]!;
      if (h === hi && l === lo) return true;
      if (h === 0 && l === 0) return false;
    }
  }

  /** Adds an id known to be absent. */
  insert(hi: number, lo: number, hash: number, rehash: (hi: number, lo: number) => number): void {
    if (hi === 0 && lo === 0) {
      this.hasZero = true;
      return;
    }
    if ((this.count + 1) * 2 > this.slots.length >>> 1) this.grow(rehash);
    const slots = this.slots;
    const mask = (slots.length >>> 1) - 1;
    let i = hash & mask;
    while (slots[2 * i] !== 0 || slots[2 * i + 1] !== 0) i = (i + 1) & mask;
    slots[2 * i] = hi;
    slots[2 * i + 1] = lo;
    this.count++;
  }

  private grow(rehash: (hi: number, lo: number) => number): void {
    const old = this.slots;
    const slots = new Uint32Array(old.length * 2);
    const mask = (slots.length >>> 1) - 1;
    for (let j = 0; j < old.length; j += 2) {
      const h = old[j]!;
      const l = old[j + 1]!;
      if (h === 0 && l === 0) continue;
      let i = rehash(h, l) & mask;
      while (slots[2 * i] !== 0 || slots[2 * i + 1] !== 0) i = (i + 1) & mask;
      slots[2 * i] = h;
      slots[2 * i + 1] = l;
    }
    this.slots = slots;
  }
}

/** Splits a u64 bigint into its words without intermediate BigInts. */
const split = new DataView(new ArrayBuffer(8));

/**
 * The seen message ids, compact (8 bytes a slot at most half full: 16-32 bytes an id, against about
 * 100 for a Map entry) and time-bucketed: the window of ttlMs is cut into SEEN_GENERATIONS
 * generations; ids go into the newest, and a whole generation is dropped once its youngest id is
 * older than ttlMs, so expiry costs nothing per id. Every id is kept at least ttlMs while fewer than
 * `limit` are held; past that the oldest generation is forgotten early and the number of ids it held
 * is returned, for the caller to count and warn about.
 */
export class SeenIds {
  private readonly generations: Generation[] = [];
  private readonly span: number;
  private held = 0;
  private lastId: bigint | undefined;
  private lastHash = 0;
  private lastHi = 0;
  private lastLo = 0;

  constructor(private readonly opts: SeenIdsOptions) {
    this.span = Math.max(1, Math.ceil(opts.ttlMs / SEEN_GENERATIONS));
  }

  /** Ids held (some may be past ttlMs but not yet dropped with their generation). */
  get size(): number {
    this.expire();
    return this.held;
  }

  /** Bytes of the tables. */
  get bytes(): number {
    let n = 0;
    for (const g of this.generations) n += g.slots.byteLength;
    return n;
  }

  has(id: bigint): boolean {
    this.expire();
    const hash = this.hashOf(id);
    const { lastHi: hi, lastLo: lo } = this;
    for (let i = this.generations.length - 1; i >= 0; i--) if (this.generations[i]!.has(hi, lo, hash)) return true;
    return false;
  }

  /**
   * Remember `id`, which the caller has just found not held (`has`), for at least ttlMs from now.
   * Returns the number of ids forgotten early to make room (0 unless `limit` ids were held).
   */
  addNew(id: bigint): number {
    let forgotten = 0;
    while (this.held >= this.opts.limit && this.generations.length > 0) {
      const oldest = this.generations.shift()!;
      forgotten += oldest.size;
      this.held -= oldest.size;
    }
    const now = this.opts.clock.now();
    let current = this.generations[this.generations.length - 1];
    if (current === undefined || now >= current.openUntil) {
      current = new Generation(now + this.span);
      this.generations.push(current);
    }
    const hash = this.hashOf(id);
    current.insert(this.lastHi, this.lastLo, hash, this.rehash);
    this.held++;
    return forgotten;
  }

  /** Drop every generation whose youngest possible id is older than ttlMs. */
  private expire(): void {
    const now = this.opts.clock.now();
    while (this.generations.length > 0 && this.generations[0]!.openUntil + this.opts.ttlMs <= now) {
      this.held -= this.generations.shift()!.size;
    }
  }

  /** hash(id) and its words, remembered for the last id: `has` then `addNew` of one id split and hash it once. */
  private hashOf(id: bigint): number {
    if (id !== this.lastId) {
      this.lastId = id;
      split.setBigUint64(0, id);
      this.lastHi = split.getUint32(0);
      this.lastLo = split.getUint32(4);
      this.lastHash = this.hash(this.lastHi, this.lastLo);
    }
    return this.lastHash;
  }

  private readonly rehash = (hi: number, lo: number): number => this.hash(hi, lo);

  /** A keyed mix of both halves of the id (murmur3 finaliser). */
  private hash(idHi: number, idLo: number): number {
    const lo = idLo ^ this.opts.seed[0];
    const hi = idHi ^ this.opts.seed[1];
    let h = Math.imul(lo, 0xcc9e2d51) ^ Math.imul(hi ^ (lo >>> 13), 0x1b873593);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h >>> 0;
  }
}
