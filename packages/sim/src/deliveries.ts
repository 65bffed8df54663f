/**
 * Who got which item when: virtual ms from publish to delivery and the hops taken, per (item, node),
 * in flat typed arrays (items x capacity), so 10^7 deliveries cost ~50 MB and no objects.
 */
export class Deliveries {
  readonly publishedAt: Float64Array;
  readonly origin: Int32Array;
  /** Ms from publish to delivery, -1 when not delivered. Index item * capacity + node. */
  readonly latency: Int32Array;
  readonly hops: Uint8Array;
  /** PEER NOTIFICATION frames sent carrying each item (duplicates included). */
  readonly sends: Float64Array;
  published = 0;
  /** Deliveries of items to nodes that were up when the item was published. */
  deliveredToUp = 0;
  /** Deliveries of a copy this node had already had (should stay 0: the seen set prevents them). */
  redelivered = 0;

  constructor(
    readonly items: number,
    readonly capacity: number,
  ) {
    this.publishedAt = new Float64Array(items).fill(-1);
    this.origin = new Int32Array(items).fill(-1);
    this.latency = new Int32Array(items * capacity).fill(-1);
    this.hops = new Uint8Array(items * capacity);
    this.sends = new Float64Array(items);
  }

  publish(item: number, node: number, at: number): void {
    this.publishedAt[item] = at;
    this.origin[item] = node;
    this.published++;
  }

  /** Returns false for a repeat. */
  deliver(item: number, node: number, at: number, hops: number, wasUpAtPublish: boolean): boolean {
    const k = item * this.capacity + node;
    if (this.latency[k]! >= 0) {
      this.redelivered++;
      return false;
    }
    this.latency[k] = Math.round(at - this.publishedAt[item]!);
    this.hops[k] = hops;
    if (wasUpAtPublish) this.deliveredToUp++;
    return true;
  }
}
