import type { Clock, GossipItem } from '../types.js';

export interface StoredItem {
  item: GossipItem;
  /** Clock time it was stored. */
  storedAt: number;
}

/**
 * The last `capacity` items this node originated or accepted, oldest evicted
 * first (`cache_size`).
 */
export class KnowledgeBase {
  private readonly items = new Map<bigint, StoredItem>();
  /** Items evicted to make room since creation. */
  evicted = 0;

  constructor(
    readonly capacity: number,
    private readonly clock: Clock,
  ) {}

  get size(): number {
    return this.items.size;
  }

  has(messageId: bigint): boolean {
    return this.items.has(messageId);
  }

  get(messageId: bigint): StoredItem | undefined {
    return this.items.get(messageId);
  }

  /** Store `item` (replacing one with the same id), evicting the oldest when full. */
  add(item: GossipItem): void {
    if (this.capacity <= 0) return;
    this.items.delete(item.messageId);
    while (this.items.size >= this.capacity) {
      const oldest = this.items.keys().next().value as bigint;
      this.items.delete(oldest);
      this.evicted++;
    }
    this.items.set(item.messageId, { item, storedAt: this.clock.now() });
  }

  /** Stored items, oldest first. */
  list(): StoredItem[] {
    return [...this.items.values()];
  }
}
