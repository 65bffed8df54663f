import type { Clock } from '../types.js';

/** What a batcher needs of a link. */
export interface BatchLink {
  state: string;
}

/**
 * Entries gathered per link and sent as one frame per link when the batch's timer fires (`delayMs`
 * after the first entry, on the injected clock; 0: the next turn of the event loop), or at once
 * when a link's batch reaches `maxPerFrame`. Used for IHAVE entries (delayed, so ids of items that
 * come one by one share a frame) and GRAFT ids (next turn). Held entries are bounded by
 * `maxPerFrame` per open link; a link closed before the flush is skipped (its entries are dropped
 * with it).
 */
export class LinkBatcher<L extends BatchLink, E> {
  private readonly batches = new Map<L, E[]>();
  private timer: unknown;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly maxPerFrame: number,
    /** Send one frame of `entries` (1..maxPerFrame) to `link`. */
    private readonly flushTo: (link: L, entries: E[]) => void,
    private readonly delayMs = 0,
  ) {}

  /** Entries waiting to be sent. */
  get pending(): number {
    let n = 0;
    for (const b of this.batches.values()) n += b.length;
    return n;
  }

  add(link: L, entry: E): void {
    if (this.stopped) return;
    let batch = this.batches.get(link);
    if (batch === undefined) {
      batch = [];
      this.batches.set(link, batch);
    }
    batch.push(entry);
    if (batch.length >= this.maxPerFrame) {
      this.batches.delete(link);
      this.flushTo(link, batch);
      return;
    }
    this.timer ??= this.clock.setTimeout(this.flush, this.delayMs);
  }

  stop(): void {
    this.stopped = true;
    this.batches.clear();
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private readonly flush = (): void => {
    this.timer = undefined;
    if (this.batches.size === 0) return;
    const batches = [...this.batches];
    this.batches.clear();
    for (const [link, entries] of batches) if (link.state !== 'closed' && entries.length > 0) this.flushTo(link, entries);
  };
}
