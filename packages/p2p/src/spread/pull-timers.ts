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
  /** Clock time of the first announcement. */
  since: number;
}

/** An item that came unpulled after an announcement: the first announcer and how much sooner it had it. */
export interface Announced<L> {
  first: L;
  lagMs: number;
}

/** The adaptive wait is at most this multiple of `timeoutMs`. */
export const MAX_TIMEOUT_FACTOR = 10;
/** Weight of one sample in the running mean of the announcement-to-item lag. */
const LAG_WEIGHT = 1 / 16;

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
 * the item has not arrived in time after its first announcement, it is pulled from the first
 * announcer still linked, then from the next one every `retryMs`, until it arrives (`arrived`) or
 * the announcers run out. At most `limit` ids and MAX_ANNOUNCERS_PER_ID links per id are held.
 *
 * "In time" adapts to the load: it is `timeoutMs`, or twice the running mean of how long items
 * that did come over the tree took after their first announcement, whichever is longer (at most
 * MAX_TIMEOUT_FACTOR x `timeoutMs`). A node whose tree path is slow because every node is busy
 * (a burst on a crowded machine) then waits for it instead of pulling copies it is about to get.
 */
export class PullTimers<L extends PullLink> {
  private readonly missing = new Map<bigint, Missing<L>>();
  private stopped = false;
  /** GRAFTs sent (one per id per try). */
  started = 0;
  /** Running mean of the lag from an id's first announcement to its item, for items not pulled. */
  lagMs = 0;

  constructor(private readonly opts: PullTimersOptions<L>) {}

  get size(): number {
    return this.missing.size;
  }

  /**
   * `link` announced `id`, which this node has not seen. `now`: pull it at once rather than wait
   * (no link pushes items to this node any more, so nothing else will bring it).
   */
  announced(link: L, id: bigint, now = false): void {
    if (this.stopped) return;
    const m = this.missing.get(id);
    if (m !== undefined) {
      if (m.announcers.length < MAX_ANNOUNCERS_PER_ID && !m.announcers.includes(link)) m.announcers.push(link);
      if (now && m.tries === 0) this.fireNow(id, m);
      return;
    }
    if (this.missing.size >= this.opts.limit) {
      this.opts.onFull();
      return;
    }
    const { clock } = this.opts;
    const entry: Missing<L> = { announcers: [link], timer: undefined, tries: 0, since: clock.now() };
    this.missing.set(id, entry);
    if (now) this.fire(id);
    else entry.timer = clock.setTimeout(() => this.fire(id), this.waitMs);
  }

  /**
   * Pull every id still waiting for its first pull now, from its first announcer still linked: a
   * link that was bringing items is gone, so waiting longer only adds its timeout to their latency.
   */
  pullAllNow(): void {
    if (this.stopped) return;
    for (const [id, m] of [...this.missing]) if (m.tries === 0) this.fireNow(id, m);
  }

  private fireNow(id: bigint, m: Missing<L>): void {
    this.opts.clock.clearTimeout(m.timer);
    m.timer = undefined;
    this.fire(id);
  }

  /** How long a new announcement waits for its item before the first pull. */
  get waitMs(): number {
    const { timeoutMs } = this.opts;
    return Math.min(MAX_TIMEOUT_FACTOR * timeoutMs, Math.max(timeoutMs, Math.round(2 * this.lagMs)));
  }

  /**
   * The item `id` arrived (however): no pull for it any more. When it came before any pull and
   * after an announcement, returns how late it was after the first announcement and who made it
   * (the link the item would have come faster over): the tree optimisation's input.
   */
  arrived(id: bigint): Announced<L> | undefined {
    if (this.missing.size === 0) return undefined;
    const m = this.missing.get(id);
    if (m === undefined) return undefined;
    const { clock } = this.opts;
    clock.clearTimeout(m.timer);
    this.missing.delete(id);
    if (m.tries !== 0) return undefined;
    const lagMs = clock.now() - m.since;
    this.lagMs += (lagMs - this.lagMs) * LAG_WEIGHT;
    const first = m.announcers[0];
    return first === undefined ? undefined : { first, lagMs };
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
