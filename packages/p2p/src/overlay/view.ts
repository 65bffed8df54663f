import { sample } from '../random.js';
import type { RandomBytes } from '../types.js';

/** What the view needs to know of a neighbour. */
export interface ViewMember {
  readonly key: string | undefined;
  readonly since: number;
}

/**
 * The established neighbours, at most `degree`, keyed by their formatted
 * PeerAddress (one link per peer address).
 */
export class View<T extends ViewMember> {
  private readonly members = new Map<string, T>();

  constructor(
    readonly degree: number,
    private readonly random: RandomBytes,
  ) {}

  get size(): number {
    return this.members.size;
  }

  get isFull(): boolean {
    return this.members.size >= this.degree;
  }

  /** Links still wanted. */
  get room(): number {
    return Math.max(0, this.degree - this.members.size);
  }

  has(key: string): boolean {
    return this.members.has(key);
  }

  get(key: string): T | undefined {
    return this.members.get(key);
  }

  /** Add a member; false if its key is taken, it has no key, or the view is full. */
  add(member: T): boolean {
    const key = member.key;
    if (key === undefined || this.members.has(key) || this.isFull) return false;
    this.members.set(key, member);
    return true;
  }

  /** Remove `member` if it is the one held under its key. */
  remove(member: T): boolean {
    const key = member.key;
    if (key === undefined || this.members.get(key) !== member) return false;
    this.members.delete(key);
    return true;
  }

  list(): T[] {
    return [...this.members.values()];
  }

  /** The members, without copying them into an array (for per-message checks). */
  values(): IterableIterator<T> {
    return this.members.values();
  }

  keys(): string[] {
    return [...this.members.keys()];
  }

  /** Up to `n` random members, leaving out `exceptKey`. */
  sample(n: number, exceptKey?: string): T[] {
    const pool = exceptKey === undefined ? this.list() : this.list().filter((m) => m.key !== exceptKey);
    return sample(this.random, pool, n);
  }

  /** The member established longest ago. */
  oldest(): T | undefined {
    let best: T | undefined;
    for (const m of this.members.values()) if (!best || m.since < best.since) best = m;
    return best;
  }
}
