import {
  encodeMessage,
  MAX_GRAFT_IDS,
  MessageType,
  type IHaveEntry,
  type LazyPushMessage,
} from '@gossip5/protocol';
import type { Counters } from '../counters.js';
import { CloseReason } from '../transport/close-reason.js';
import type { Link } from '../transport/link.js';
import type { Clock, LazyPushCounters } from '../types.js';
import { EagerLazy } from './eager-lazy.js';
import type { KnowledgeBase } from './knowledge-base.js';
import { LinkBatcher } from './link-batcher.js';
import { hex } from './message-id-hex.js';
import { PullTimers } from './pull-timers.js';
import type { SeenIds } from './seen-ids.js';

/** IHAVE entries per frame at most (of MAX_IHAVE_ENTRIES = 7281): about 9 KiB. */
export const IHAVE_BATCH = 1024;

/** GRAFT ids per frame at most (of MAX_GRAFT_IDS). */
export const GRAFT_BATCH = 256;

export interface LazyPushOptions {
  clock: Clock;
  counters: Counters;
  seen: SeenIds;
  knowledge: KnowledgeBase;
  pullTimeoutMs: number;
  pullRetryMs: number;
  maxPendingPulls: number;
  /**
   * Tree optimisation (Plumtree's, timed instead of counted in hops): an item that came over an
   * eager link at least this many ms after a lazy link announced it swaps the two (GRAFT the
   * announcer, PRUNE the sender). 0: never.
   */
  optimizeLagMs: number;
  /** How long IHAVE entries are gathered per link before they are sent (0: per event-loop turn; always 0 with `optimizeLagMs`). */
  ihaveDelayMs: number;
  /** Duplicates an eager link delivers before it is pruned (EagerLazy). */
  pruneAfterDuplicates: number;
  /** First copies an eager link delivers for one of its duplicates to be forgiven (EagerLazy). */
  forgiveAfterFirstCopies: number;
  /** A GRAFT is served only while the link's send queue holds less than this. */
  serveQueueBytes: number;
  /** Established neighbours (for "does any link still push items to this node?"). */
  neighbours(): Iterable<Link>;
}

/** Fresh lazy push counters (all 0): also what a node with lazy push off reports. */
export function zeroLazyPushCounters(): LazyPushCounters {
  return {
    ihaveIdsSent: 0,
    ihaveIdsReceived: 0,
    ihaveIdsKnown: 0,
    graftIdsSent: 0,
    graftIdsReceived: 0,
    prunesSent: 0,
    prunesReceived: 0,
    pullsServed: 0,
    pullsMissed: 0,
    pullsAbandoned: 0,
    treeSwaps: 0,
  };
}

/**
 * Plumtree for the spreader: per-link push modes (EagerLazy), IHAVE and GRAFT batches (LinkBatcher)
 * and pull timers (PullTimers), and the handling of IHAVE, GRAFT and PRUNE. The knowledge base is
 * the cache GRAFTs are served from. Nothing here is used on a link that did not negotiate lazy push.
 */
export class LazyPush {
  readonly modes: EagerLazy<Link>;
  readonly pulls: PullTimers<Link>;
  readonly c: LazyPushCounters = zeroLazyPushCounters();
  /**
   * Set when a neighbour went down, cleared by the next item that arrives whole: until then the
   * tree may be cut above this node, so announced ids are pulled at once, not after the pull wait.
   */
  private repairing = false;
  private readonly ihaves: LinkBatcher<Link, Readonly<IHaveEntry>>;
  private readonly grafts: LinkBatcher<Link, bigint>;

  constructor(private readonly opts: LazyPushOptions) {
    this.modes = new EagerLazy<Link>(opts.pruneAfterDuplicates, opts.forgiveAfterFirstCopies);
    // The timed optimisation compares an IHAVE's arrival with its item's: the IHAVE must leave in
    // the same turn as the eager copies, so with it on there is no delay.
    const ihaveDelay = opts.optimizeLagMs > 0 ? 0 : opts.ihaveDelayMs;
    this.ihaves = new LinkBatcher(opts.clock, IHAVE_BATCH, ihaveDelay, (link, entries) => {
      if (link.sendFrame(encodeMessage({ type: MessageType.IHave, entries }), MessageType.IHave)) {
        this.c.ihaveIdsSent += entries.length;
      }
    });
    this.grafts = new LinkBatcher(opts.clock, Math.min(GRAFT_BATCH, MAX_GRAFT_IDS), 0, (link, messageIds) => {
      if (link.sendFrame(encodeMessage({ type: MessageType.Graft, messageIds }), MessageType.Graft)) {
        this.c.graftIdsSent += messageIds.length;
      }
    });
    this.pulls = new PullTimers<Link>({
      clock: opts.clock,
      timeoutMs: opts.pullTimeoutMs,
      retryMs: opts.pullRetryMs,
      limit: opts.maxPendingPulls,
      pull: (link, id) => {
        // Pulling from a link grafts it: it pushes to us from now on, and we to it.
        this.modes.graft(link);
        this.grafts.add(link, id);
      },
      onFull: () =>
        opts.counters.drops.drop(
          'pull-table-full',
          { limit: opts.maxPendingPulls },
          'too many announced ids awaited: announcement ignored',
        ),
      onAbandoned: (id, tries) => {
        this.c.pullsAbandoned++;
        opts.counters.drops.drop(
          'pull-abandoned',
          { messageId: hex(id), tries },
          'pull given up: every announcer was asked (or closed) and the item had not come',
        );
      },
    });
  }

  /** True when an item for `link` goes as an IHAVE entry rather than whole. */
  isLazy(link: Link): boolean {
    return this.modes.isLazy(link);
  }

  /**
   * Offer an item to the lazy `link`, to be sent with its next IHAVE. One `entry` may be offered to
   * every lazy link (it is only read, when the frame is encoded).
   */
  announce(link: Link, entry: Readonly<IHaveEntry>): void {
    this.ihaves.add(link, entry);
  }

  /**
   * The first copy of `id` arrived from `from`: stop waiting for it. If a lazy link announced it
   * `optimizeLagMs` or more before it came over the eager link `from`, that announcer is the
   * faster path: graft it (an empty GRAFT) and prune `from`. The IHAVE left the announcer in the
   * same turn as its eager copies, so its arrival time is the time the item would have taken over
   * that link: the comparison needs no hop count on the wire.
   */
  arrived(messageId: bigint, from: Link): void {
    this.repairing = false;
    this.modes.delivered(from);
    const early = this.pulls.arrived(messageId);
    const threshold = this.opts.optimizeLagMs;
    if (early === undefined || threshold <= 0 || early.lagMs < threshold) return;
    const { first } = early;
    if (first === from || first.state === 'closed' || !this.modes.capable(from) || this.modes.isLazy(from)) return;
    // An empty GRAFT asks for no item, only to be pushed to from now on.
    if (this.modes.graft(first)) first.sendFrame(EMPTY_GRAFT_FRAME, MessageType.Graft);
    if (this.modes.prune(from) && from.sendFrame(PRUNE_FRAME, MessageType.Prune)) this.c.prunesSent++;
    this.c.treeSwaps++;
  }

  /**
   * A neighbour went down. If it was this node's tree link, the items it was bringing come only as
   * ids now: pull those already announced at once, and the next ones as they are announced, until
   * an item arrives whole again (the tree is repaired).
   */
  neighbourDown(): void {
    this.repairing = true;
    this.pulls.pullAllNow();
  }

  /**
   * `link` took the place of `victim` in a full view (a shuffle or an admission). A lazy victim
   * was not on the tree, so its successor is likely to close a cycle: it starts eager but on
   * probation (EagerLazy), pruned at its first duplicate unless it brings a first copy before.
   * At 10 000 simulated nodes the shuffles made 4 000 links while 200 items were published, each
   * bringing up to `pruneAfterDuplicates` duplicates. Starting it lazy instead sent fewer copies but
   * tripled the p99 under churn (docs/simulation.md): repairs then wait for pulls.
   */
  replaced(link: Link, victim: Link): void {
    if (this.modes.isLazy(victim)) this.modes.probation(link);
  }

  /** A copy of an item already seen arrived on `link`: an eager lazy-capable link turns lazy. */
  duplicateFrom(link: Link): void {
    if (!this.modes.duplicate(link)) return;
    if (link.sendFrame(PRUNE_FRAME, MessageType.Prune)) this.c.prunesSent++;
  }

  /** IHAVE, GRAFT or PRUNE from an established neighbour. */
  onMessage(link: Link, msg: LazyPushMessage): void {
    if (!this.modes.capable(link)) {
      link.close(CloseReason.UnexpectedMessage, `type ${msg.type} on a link without lazy push`);
      return;
    }
    switch (msg.type) {
      case MessageType.IHave:
        return this.onIHave(link, msg.entries);
      case MessageType.Graft:
        return this.onGraft(link, msg.messageIds);
      case MessageType.Prune:
        this.c.prunesReceived++;
        this.modes.prune(link);
        return;
    }
  }

  stop(): void {
    this.ihaves.stop();
    this.grafts.stop();
    this.pulls.stop();
  }

  private onIHave(link: Link, entries: IHaveEntry[]): void {
    const { seen } = this.opts;
    this.c.ihaveIdsReceived += entries.length;
    // With no link left that pushes items here, an announced item can only come by pull.
    const now = this.repairing || this.modes.pushing(this.opts.neighbours()) === 0;
    for (const e of entries) {
      if (seen.has(e.messageId)) this.c.ihaveIdsKnown++;
      else this.pulls.announced(link, e.messageId, now);
    }
  }

  private onGraft(link: Link, ids: bigint[]): void {
    this.c.graftIdsReceived += ids.length;
    this.modes.graft(link);
    const { knowledge, serveQueueBytes } = this.opts;
    for (const id of ids) {
      const stored = knowledge.get(id);
      // Served only what this node forwards (stored accepted, forward ttl known), with that ttl.
      if (stored === undefined || stored.forwardTtl === undefined || link.queuedBytes >= serveQueueBytes) {
        this.c.pullsMissed++;
        continue;
      }
      const { item } = stored;
      const frame = encodeMessage({
        type: MessageType.PeerNotification,
        ttl: stored.forwardTtl,
        messageId: item.messageId,
        dataType: item.dataType,
        data: item.data,
      });
      if (!link.sendFrame(frame, MessageType.PeerNotification)) return;
      this.c.pullsServed++;
    }
  }
}

const PRUNE_FRAME = encodeMessage({ type: MessageType.Prune });
const EMPTY_GRAFT_FRAME = encodeMessage({ type: MessageType.Graft, messageIds: [] });
