/** What per-neighbour push modes need of a link. */
export interface ModeLink {
  state: string;
  /** Capability bits both ends set in the handshake (HelloFlag). */
  flags: number;
}

/** HelloFlag.LazyPush, repeated here so the hot path does not import the protocol package for a constant. */
const LAZY_PUSH = 0x01;

/**
 * Push mode per neighbour (Plumtree). A link where both ends set the lazy push bit starts eager
 * (new items are pushed to it whole) and turns lazy (it gets only their ids, in IHAVE) when it sends
 * a duplicate or a PRUNE; a GRAFT either way makes it eager again. A link without the bit is
 * `plain`: always pushed to, never pruned, never sent an extension type. Entries live in a WeakMap
 * keyed by the link, so a closed link takes its mode with it: bounded by the open links.
 */
export class EagerLazy<L extends ModeLink> {
  private readonly lazy = new WeakSet<L>();
  /**
   * Per eager link, since it last turned eager: `forgiveAfter` per duplicate it delivered, less one
   * per first copy, never below 0 (so `forgiveAfter` first copies take one duplicate off).
   */
  private readonly duplicates = new WeakMap<L, number>();
  /** Eager links pruned at their first duplicate unless a first copy came over them before (`probation`). */
  private readonly onProbation = new WeakSet<L>();
  private readonly limit: number;

  /**
   * @param pruneAfter duplicates an eager link delivers before it is pruned (at least 1).
   * @param forgiveAfter first copies a link delivers for one of its duplicates to be forgiven (at least 1).
   */
  constructor(
    pruneAfter = 1,
    private readonly forgiveAfter = 1,
  ) {
    this.limit = pruneAfter * forgiveAfter;
  }

  /**
   * `link` delivered a copy of an item already seen: true when that was its `pruneAfter`-th since
   * it turned eager, and it is now lazy. One tree serves every origin, and items from several
   * origins are in flight at once: each meets itself at a different node of a cycle, so pruning
   * at the first duplicate cuts one cycle in several places and leaves pieces to be pulled. Waiting
   * for a few lets the link that collects duplicates fastest (the cut most origins agree on) go first;
   * each first copy a link delivers takes one off (`delivered`), so a tree link does not keep the
   * duplicates of cycles long since cut and is not pruned by the next stray one.
   */
  duplicate(link: L): boolean {
    if (!this.capable(link) || this.lazy.has(link)) return false;
    if (this.onProbation.has(link)) return this.prune(link);
    const n = (this.duplicates.get(link) ?? 0) + this.forgiveAfter;
    if (n < this.limit) {
      this.duplicates.set(link, n);
      return false;
    }
    return this.prune(link);
  }

  /** `link` delivered the first copy of an item: 1 / `forgiveAfter` duplicate fewer held against it. */
  delivered(link: L): void {
    this.onProbation.delete(link);
    const n = this.duplicates.get(link);
    if (n === undefined) return;
    if (n <= 1) this.duplicates.delete(link);
    else this.duplicates.set(link, n - 1);
  }

  /**
   * Put the eager `link` on probation: its next duplicate prunes it, unless it delivers a first copy
   * before (then the usual count applies). For a new link that likely closes a cycle of the tree.
   */
  probation(link: L): void {
    if (this.capable(link) && !this.lazy.has(link)) this.onProbation.add(link);
  }

  /** True when `link` negotiated lazy push (extension types may be sent to it). */
  capable(link: L): boolean {
    return (link.flags & LAZY_PUSH) !== 0;
  }

  /** True when `link` gets ids only. */
  isLazy(link: L): boolean {
    return this.lazy.has(link);
  }

  /** Make `link` lazy; returns false when it was already lazy or cannot be (plain). */
  prune(link: L): boolean {
    if (!this.capable(link) || this.lazy.has(link)) return false;
    this.lazy.add(link);
    this.duplicates.delete(link);
    this.onProbation.delete(link);
    return true;
  }

  /** Make `link` eager; returns false when it already was. */
  graft(link: L): boolean {
    return this.lazy.delete(link);
  }

  /** Links that push items whole (eager or plain): where items come from, for the backlog's fair share. */
  pushing(links: Iterable<L>): number {
    let n = 0;
    for (const l of links) if (!this.lazy.has(l)) n++;
    return n;
  }

  /** Counts of the given links by mode, for stats. */
  census(links: Iterable<L>): { eager: number; lazy: number; plain: number } {
    const out = { eager: 0, lazy: 0, plain: 0 };
    for (const l of links) {
      if (!this.capable(l)) out.plain++;
      else if (this.lazy.has(l)) out.lazy++;
      else out.eager++;
    }
    return out;
  }
}
