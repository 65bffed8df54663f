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
 * How long an item stays pullable whatever `capacity` says, so that an item is not evicted while
 * the GRAFTs for it can still come (a `capacity` of 64 at 100 items/s is 0.64 s, shorter than one
 * pull timeout: in the simulator 7 % of deliveries were lost that way while the tree repaired).
 */
export interface Retention {
  /** An item younger than this is kept past `capacity`. */
  ms: number;
  /** Items held at most while keeping young ones (the hard count limit; `maxBytes` still holds). */
  limit: number;
  /** A young item was evicted anyway, because `limit` or `maxBytes` was reached. */
  onEvictYoung(): void;
}

/**
 * The last items this node originated or accepted (validated, or relayed unsubscribed; never an
 * item still awaiting its verdict), at most `capacity` of them (`cache_size`) and at most
 * `maxBytes` of data, oldest evicted first. An item larger than `maxBytes` is not stored.
 * With lazy push it is the message cache that GRAFTs are served from: an item stays pullable
 * until `capacity` newer items (or `maxBytes` of newer data) have pushed it out and, with a
 * `retention`, until it is `retention.ms` old (at most `retention.limit` items in all).
 */
export class KnowledgeBase {
  private readonly items = new Map<bigint, StoredItem>();
  /**
   * Stored entries in insertion order, oldest at `head`: eviction takes the oldest from here, not
   * from the Map's own iterator, which walks over every entry deleted before it (quadratic once
   * the base is full: the first profile of a node in a network had add() at 11 % of its time).
   * An entry replaced under the same id stays here until reached, and is then skipped. An evicted
   * entry's slot is cleared at once (its data is not held on), and the array is compacted (to the
   * live entries, amortised O(1) an add) once `head` passes the larger of `capacity` and the items
   * held, or it holds more than twice that many slots: at most 2 x that + 1.
   */
  private order: (StoredItem | undefined)[] = [];
  private head = 0;
  /** Items evicted to make room since creation. */
  evicted = 0;
  /** Data bytes held. */
  bytes = 0;

  constructor(
    readonly capacity: number,
    readonly maxBytes: number,
    private readonly clock: Clock,
    private readonly retention?: Retention,
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
    const now = this.clock.now();
    const { retention } = this;
    while (this.items.size > 0 && (this.items.size >= this.capacity || this.bytes + item.data.length > this.maxBytes)) {
      const oldest = this.order[this.head]!;
      if (this.items.get(oldest.item.messageId) !== oldest) {
        this.order[this.head++] = undefined; // replaced since
        continue;
      }
      const young = retention !== undefined && now - oldest.storedAt < retention.ms;
      if (young && this.items.size < retention.limit && this.bytes + item.data.length <= this.maxBytes) break;
      this.order[this.head++] = undefined;
      this.items.delete(oldest.item.messageId);
      this.bytes -= oldest.item.data.length;
      this.evicted++;
      if (young) retention.onEvictYoung();
    }
    const stored: StoredItem = { item: ownBytes(item), storedAt: now, forwardTtl };
    this.items.set(item.messageId, stored);
    this.order.push(stored);
    this.bytes += item.data.length;
    const most = Math.max(this.capacity, this.items.size);
    if (this.head > most || this.order.length > 2 * most) this.compact();
  }

  /** Slots of the eviction order in use (for the bound above). */
  get orderSlots(): number {
    return this.order.length;
  }

  /** Stored items, oldest first. */
  list(): StoredItem[] {
    return [...this.items.values()];
  }

  private compact(): void {
    this.order = this.order.slice(this.head).filter((s) => s !== undefined && this.items.get(s.item.messageId) === s);
    this.head = 0;
  }
}

/**
 * `item` with data that owns its bytes: received data is a view into the chunk it was read with
 * (up to 64 KiB from a socket, shared with other frames), and a cached view would hold the whole
 * chunk for as long as the item stays. Data that already is its buffer is kept as it is.
 */
function ownBytes(item: GossipItem): GossipItem {
  const { data } = item;
  if (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength) return item;
  return { ...item, data: new Uint8Array(data) };
}
