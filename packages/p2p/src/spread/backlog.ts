/** What the backlog needs of a link. */
export interface BacklogLink {
  pauseReading(): void;
  resumeReading(): void;
}

/**
 * Items awaiting a verdict cap at this multiple of `maxPendingValidations`; beyond it an item is
 * dropped (`validation-backlog-full`). Reached only by frames a link had already read when it was
 * paused (one socket read, at most 64 KiB, per link).
 */
export const BACKLOG_HARD_FACTOR = 2;

/** A link paused for the backlog is resumed once the total is at or below this share of the limit. */
export const BACKLOG_RESUME_AT = 0.5;

/**
 * The validation backlog, pushed back instead of dropped: when the items awaiting a verdict reach
 * `max`, every link is paused (TCP then slows the senders), and a link holding more than its fair
 * share (max / neighbours) is paused on its own, so one busy neighbour cannot take the whole backlog
 * from the others. Paused links resume as the backlog drains (a closed one leaves the paused set
 * then: its resume is a no-op). Entries: one per link with items pending, plus the paused links;
 * both are bounded by the links, and drain within a validation timeout.
 */
export class ValidationBacklog<L extends BacklogLink> {
  private total = 0;
  private readonly perLink = new Map<L, number>();
  private readonly paused = new Set<L>();
  /** Times links were paused, for stats. */
  pauses = 0;

  constructor(
    private readonly max: number,
    /** The links now (iterated, never copied: this runs per item). */
    private readonly neighbours: () => Iterable<L>,
    private readonly neighbourCount: () => number,
  ) {}

  get size(): number {
    return this.total;
  }

  /** Links paused now. */
  get pausedLinks(): number {
    return this.paused.size;
  }

  /** False only past the hard limit: the item must be dropped. */
  hasRoom(): boolean {
    return this.total < this.max * BACKLOG_HARD_FACTOR;
  }

  /** An item from `link` now awaits its verdict. */
  take(link: L): void {
    this.total++;
    const mine = (this.perLink.get(link) ?? 0) + 1;
    this.perLink.set(link, mine);
    if (mine >= this.share()) this.pause(link);
    if (this.total >= this.max) for (const l of this.neighbours()) this.pause(l);
  }

  /** An item from `link` has its verdict. */
  release(link: L): void {
    this.total--;
    const mine = (this.perLink.get(link) ?? 1) - 1;
    if (mine <= 0) this.perLink.delete(link);
    else this.perLink.set(link, mine);
    if (this.paused.size === 0 || this.total > this.max * BACKLOG_RESUME_AT) return;
    const share = this.share();
    // A resumed link handles the frames it held at once, which may fill the backlog again.
    for (const l of [...this.paused]) {
      if (this.total > this.max * BACKLOG_RESUME_AT) return;
      if ((this.perLink.get(l) ?? 0) * 2 > share) continue;
      this.paused.delete(l);
      l.resumeReading();
    }
  }

  private share(): number {
    return Math.max(1, Math.floor(this.max / Math.max(1, this.neighbourCount())));
  }

  private pause(link: L): void {
    if (this.paused.has(link)) return;
    this.paused.add(link);
    this.pauses++;
    link.pauseReading();
  }
}
