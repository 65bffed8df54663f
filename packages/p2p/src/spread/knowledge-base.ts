import type { Clock, GossipItem } from '../types.js';

export interface StoredItem {
  item: GossipItem;
  /** Clock time it was stored. */
  storedAt: number;
  /**
   * The ttl this node forwards it with (0 = unlimited), which is the ttl a GRAFT for it is served
   * with; undefined when this node does not forward it (it arrived with ttl 1): never served.
   */
  forwardTtl: number | undefined;
}

/**
 * The last items this node originated or accepted (validated, or relayed unsubscribed; never an
 * item still awaiting its verdict), at most `capacity` of them (`cache_size`) and at most
 * `maxBytes` of data, oldest evicted first. An item larger than `maxBytes` is not stored.
 * With lazy push it is the message cache that GRAFTs are served from: an item stays pullable
 * until `capacity` newer items (or `maxBytes` of newer data) have pushed it out; there is no
 * time limit. Pulls come within a few pull timeouts (hundreds of ms) of the item's IHAVE.
 */
export class KnowledgeBase {
  private readonly items = new Map<bigint, StoredItem>();
  /** Items evicted to make room since creation. */
  evicted = 0;
  /** Data bytes held. */
  bytes = 0;

  constructor(
    readonly capacity: number,
    readonly maxBytes: number,
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

  /**
   * Store `item` (replacing one with the same id), evicting the oldest when full. `forwardTtl`:
   * the ttl it is forwarded with, undefined when this node does not forward it.
   */
  add(item: GossipItem, forwardTtl: number | undefined): void {
    if (this.capacity <= 0 || item.data.length > this.maxBytes) return;
    const previous = this.items.get(item.messageId);
    if (previous) {
      this.items.delete(item.messageId);
      this.bytes -= previous.item.data.length;
    }
    while (this.items.size > 0 && (this.items.size >= this.capacity || this.bytes + item.data.length > this.maxBytes)) {
      const [oldestId, oldest] = this.items.entries().next().value as [bigint, StoredItem];
      this.items.delete(oldestId);
      this.bytes -= oldest.item.data.length;
      this.evicted++;
    }
    this.items.set(item.messageId, { item, storedAt: this.clock.now(), forwardTtl });
    this.bytes += item.data.length;
  }

  /** Stored items, oldest first. */
  list(): StoredItem[] {
    return [...this.items.values()];
  }
}
