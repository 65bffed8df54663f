import { MAX_MESSAGE_ID } from './constants.js';

/**
 * The NOTIFICATIONs awaiting an answer on one connection: u16 message_id ->
 * owner. An id is never handed out while it is still pending; ids are taken
 * in rising order (wrapping at 65535), so a just-released id is reused as
 * late as possible and a stale answer is unlikely to hit a newer item.
 * Bounded by `limit` (at most 65536, the whole id space).
 */
export class PendingValidations<T> {
  private readonly entries = new Map<number, T>();
  private next = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_MESSAGE_ID + 1) {
      throw new RangeError(`pending-validation limit must be 1..${MAX_MESSAGE_ID + 1}, got ${limit}`);
    }
  }

  /** Ids currently awaiting an answer. */
  get size(): number {
    return this.entries.size;
  }

  /** True when no further id can be handed out. */
  get isFull(): boolean {
    return this.entries.size >= this.limit;
  }

  /** Register `owner` under a fresh id; undefined when the limit is reached. */
  allocate(owner: T): number | undefined {
    if (this.isFull) return undefined;
    // A free id exists (size < limit <= 65536), so this loop ends.
    let id = this.next;
    while (this.entries.has(id)) id = (id + 1) & MAX_MESSAGE_ID;
    this.next = (id + 1) & MAX_MESSAGE_ID;
    this.entries.set(id, owner);
    return id;
  }

  /** Remove and return the owner of `id`, or undefined if it is not pending (unknown or already answered). */
  take(id: number): T | undefined {
    const owner = this.entries.get(id);
    if (owner !== undefined) this.entries.delete(id);
    return owner;
  }

  /** Forget `id` without an answer; true if it was pending. */
  cancel(id: number): boolean {
    return this.entries.delete(id);
  }

  /** Forget every id and return their owners (one entry per id). */
  clear(): T[] {
    const owners = [...this.entries.values()];
    this.entries.clear();
    return owners;
  }
}
