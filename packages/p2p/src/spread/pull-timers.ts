import type { Clock } from '../types.js';

/** What pulls need of a link. */
export interface PullLink {
  state: string;
}

/** Announcers remembered per missing id; later ones are ignored (one pull at a time goes out). */
export const MAX_ANNOUNCERS_PER_ID = 4;

interface Missing<L> {
  /** Links that announced the id (IHAVE), oldest first; pulled from in turn. */
  announcers: L[];
  timer: unknown;
  /** Pulls sent for it. */
  tries: number;
}

export interface PullTimersOptions<L> {
  clock: Clock;
  /** From the first IHAVE to the first GRAFT. */
  timeoutMs: number;
  /** Between GRAFTs to further announcers. */
  retryMs: number;
  /** Missing ids tracked at once; past it new announcements are dropped (`onFull`). */
  limit: number;
  /** Ask `link` for `id` (GRAFT). */
  pull(link: L, id: bigint): void;
  /** An id announced while `limit` ids were already missing. */
  onFull(): void;
  /** Every announcer was asked (or closed) and the item still did not come. */
  onAbandoned(id: bigint, tries: number): void;
}

/**
 * The ids announced to this node but not received, each with a timer on the injected clock. When
 * the item has not arrived `timeoutMs` after its first announcement, it is pulled from the first
 * announcer still linked, then from the next one every `retryMs`, until it arrives (`arrived`) or
 * the announcers run out. At most `limit` ids and MAX_ANNOUNCERS_PER_ID links per id are held.
 */
export class PullTimers<L extends PullLink> {
  private readonly missing = new Map<bigint, Missing<L>>();
  private stopped = false;
  /** GRAFTs sent (one per id per try). */
  started = 0;

  constructor(private readonly opts: PullTimersOptions<L>) {}

  get size(): number {
    return this.missing.size;
  }

  /** `link` announced `id`, which this node has not seen. */
  announced(link: L, id: bigint): void {
    if (this.stopped) return;
    const m = this.missing.get(id);
    if (m !== undefined) {
      if (m.announcers.length < MAX_ANNOUNCERS_PER_ID && !m.announcers.includes(link)) m.announcers.push(link);
      return;
    }
    if (this.missing.size >= this.opts.limit) {
      this.opts.onFull();
      return;
    }
    const entry: Missing<L> = { announcers: [link], timer: undefined, tries: 0 };
    entry.timer = this.opts.clock.setTimeout(() => this.fire(id), this.opts.timeoutMs);
    this.missing.set(id, entry);
  }

  /** The item `id` arrived (however): no pull for it any more. */
  arrived(id: bigint): void {
    if (this.missing.size === 0) return;
    const m = this.missing.get(id);
    if (m === undefined) return;
    this.opts.clock.clearTimeout(m.timer);
    this.missing.delete(id);
  }

  stop(): void {
    this.stopped = true;
    for (const m of this.missing.values()) this.opts.clock.clearTimeout(m.timer);
    this.missing.clear();
  }

  private fire(id: bigint): void {
    const m = this.missing.get(id);
    if (m === undefined) return;
    let link = m.announcers.shift();
    while (link !== undefined && link.state === 'closed') link = m.announcers.shift();
    if (link === undefined) {
      this.missing.delete(id);
      this.opts.onAbandoned(id, m.tries);
      return;
    }
    m.tries++;
    this.started++;
    m.timer = this.opts.clock.setTimeout(() => this.fire(id), this.opts.retryMs);
    this.opts.pull(link, id);
  }
}
