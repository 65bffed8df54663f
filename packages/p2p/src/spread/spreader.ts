import { encodeMessage, MAX_ITEM_DATA, MessageType, type IHaveEntry, type PeerNotification } from '@gossip5/protocol';
import type { Counters } from '../counters.js';
import { P2PError, P2PErrorCode } from '../errors.js';
import { randomU64 } from '../random.js';
import { CloseReason } from '../transport/close-reason.js';
import type { Link } from '../transport/link.js';
import type { GossipItem, Logger, RandomBytes, ReceivedItem, Validator, Verdict, VerdictSink } from '../types.js';
import { Arrival } from './arrival.js';
import { ValidationBacklog } from './backlog.js';
import type { KnowledgeBase } from './knowledge-base.js';
import { hex } from './message-id-hex.js';
import type { LazyPush } from './lazy-push.js';
import { contentId, HELLO_FLAG_CONTENT_IDS } from './content-id.js';
import type { SeenIds } from './seen-ids.js';

export interface SpreaderOptions {
  random: RandomBytes;
  validator: Validator;
  counters: Counters;
  logger: Logger;
  seen: SeenIds;
  knowledge: KnowledgeBase;
  /** Plumtree on links that negotiated it; undefined (lazy_push = off): eager push to every link. */
  lazy: LazyPush | undefined;
  relayUnsubscribed: boolean;
  /** Originate with content-derived ids, and check them on links that negotiated HELLO bit 1. */
  contentIds: boolean;
  maxPendingValidations: number;
  /** Established neighbours at the time of the call (iterated once per item: not a copy). */
  neighbours(): Iterable<Link>;
  neighbourCount(): number;
  /** An item accepted from the network (not seen before), before its verdict. */
  accepted(item: ReceivedItem): void;
}

/**
 * Spreading: originate items, and for every PEER NOTIFICATION drop the seen,
 * store the new, ask the Validator and forward with ttl-1 (0 stays 0) to every
 * neighbour but the sender when the verdict allows: whole to eager and plain
 * neighbours, as an IHAVE entry to lazy ones (LazyPush).
 */
export class Spreader {
  private stopped = false;
  readonly backlog: ValidationBacklog<Link>;

  constructor(private readonly opts: SpreaderOptions) {
    this.backlog = new ValidationBacklog<Link>(opts.maxPendingValidations, opts.neighbours, opts.neighbourCount);
  }

  /** Items awaiting a verdict. */
  get pendingValidations(): number {
    return this.backlog.size;
  }

  stop(): void {
    this.stopped = true;
    this.opts.lazy?.stop();
  }

  originate(input: { ttl: number; dataType: number; data: Uint8Array }): bigint {
    if (this.stopped) throw new P2PError(P2PErrorCode.BadState, 'originate() after stop()');
    checkItem(input);
    const { seen, counters } = this.opts;
    let messageId: bigint;
    if (this.opts.contentIds) {
      // The item is its content: the same data type and data within -s is the same item.
      messageId = contentId(input.dataType, input.data);
      if (seen.has(messageId)) {
        counters.itemsOriginatedDuplicate++;
        return messageId;
      }
    } else {
      messageId = randomU64(this.opts.random);
      while (seen.has(messageId)) messageId = randomU64(this.opts.random);
    }
    this.countForgotten(seen.addNew(messageId));
    const item: GossipItem = { messageId, ttl: input.ttl, dataType: input.dataType, data: input.data.slice() };
    this.opts.knowledge.add(item, item.ttl);
    counters.itemsOriginated++;
    this.send(item, item.ttl, undefined, this.opts.contentIds);
    return messageId;
  }

  onNotification(from: Link, msg: PeerNotification): void {
    const { seen, counters } = this.opts;
    counters.notificationsIn++;
    const lazy = this.opts.lazy;
    if (seen.has(msg.messageId)) {
      counters.itemsDuplicate++;
      // Only copies of tree-spread (ttl 0) items shape the tree; ttl-limited ones are flooded.
      if (msg.ttl === 0) lazy?.duplicateFrom(from);
      return;
    }
    // Checked before the id is marked seen, so a forgery cannot shadow the real item.
    const derived = this.opts.contentIds && contentId(msg.dataType, msg.data) === msg.messageId;
    if (!derived && (from.flags & HELLO_FLAG_CONTENT_IDS) !== 0) {
      const warn = 'PEER NOTIFICATION whose id is not derived from its content: link closed';
      counters.drops.drop(CloseReason.ForgedMessageId, { from: from.key, messageId: hex(msg.messageId) }, warn);
      from.close(CloseReason.ForgedMessageId, `id ${hex(msg.messageId)} is not derived from the content`);
      return;
    }
    if (!this.backlog.hasRoom()) {
      counters.drops.drop(
        'validation-backlog-full',
        { from: from.key, pending: this.backlog.size },
        'too many items awaiting a verdict: item dropped unseen',
      );
      return;
    }
    // A full seen set forgets its oldest id rather than refusing new items: a flood of distinct ids
    // must not stop a node from accepting anything for -s seconds.
    this.countForgotten(seen.addNew(msg.messageId));
    lazy?.arrived(msg.messageId, from);
    const item = new Arrival(msg.messageId, msg.ttl, msg.dataType, msg.data.slice(), from.key ?? from.remote, from, derived);
    counters.itemsReceived++;
    this.opts.accepted(item);
    this.backlog.take(from);
    const validator = this.opts.validator;
    try {
      if (validator.check !== undefined) {
        validator.check(item, this.sink);
        return;
      }
      validator.validate(item).then(
        (v) => this.sink(item, v),
        (err: unknown) => this.validatorFailed(item, err),
      );
    } catch (err) {
      this.validatorFailed(item, err);
    }
  }

  /** Every verdict comes here, once per item (a second one for the same item is ignored). */
  private readonly sink: VerdictSink = (item: ReceivedItem, verdict: Verdict): void => {
    if (!(item instanceof Arrival) || item.decided) return;
    item.decided = true;
    const from = item.link!;
    item.link = undefined;
    this.decided(from, item, verdict, item.derived);
  };

  private validatorFailed(item: Arrival, err: unknown): void {
    if (item.decided) return;
    this.opts.logger.warn({ err, messageId: hex(item.messageId) }, 'validator failed: item treated as invalid');
    this.sink(item, 'invalid');
  }

  /** Ids the full seen set forgot before -s: each is a replay that would be delivered again. */
  private countForgotten(n: number): void {
    if (n === 0) return;
    const msg = 'seen set full: forgot the oldest ids before -s';
    this.opts.counters.drops.drop('seen-evicted-early', { limit: 'seenLimit' }, msg, n);
  }

  private decided(from: Link, item: ReceivedItem, verdict: Verdict, derived: boolean): void {
    this.backlog.release(from);
    const { counters } = this.opts;
    if (this.stopped) {
      counters.itemsUndecidedAtStop++;
      return;
    }
    if (verdict === 'invalid') {
      counters.itemsStoppedInvalid++;
      return;
    }
    if (verdict === 'unsubscribed' && !this.opts.relayUnsubscribed) {
      counters.itemsStoppedUnsubscribed++;
      return;
    }
    if (verdict !== 'valid' && verdict !== 'unsubscribed') {
      const msg = 'validator returned an unknown verdict: item treated as invalid';
      this.opts.logger.warn({ verdict, messageId: hex(item.messageId) }, msg);
      counters.itemsStoppedInvalid++;
      return;
    }
    // The eviction policy protects links that deliver accepted items first.
    from.firstItems++;
    // Accepted: only now is it stored (the cache never holds what a module may still refuse),
    // with the ttl it is forwarded (and served to a GRAFT) with.
    const ttl = item.ttl === 0 ? 0 : item.ttl - 1;
    const stored = { messageId: item.messageId, ttl: item.ttl, dataType: item.dataType, data: item.data };
    this.opts.knowledge.add(stored, item.ttl === 1 ? undefined : ttl);
    if (item.ttl === 1) {
      counters.itemsTtlExpired++;
      return;
    }
    if (this.send(item, ttl, item.from, derived) > 0) counters.itemsForwarded++;
    else counters.itemsNoOtherNeighbour++;
  }

  /**
   * Send to every neighbour except `exceptKey`, whole to eager and plain ones, as an id to lazy
   * ones; returns how many got it either way. The frame is encoded once, if at all. An item whose id
   * is not `derived` from its content (a plain peer originated it) never goes over a content-id link,
   * whole or announced, where it would be taken for a forgery.
   */
  private send(item: GossipItem, ttl: number, exceptKey: string | undefined, derived: boolean): number {
    const msg: PeerNotification = {
      type: MessageType.PeerNotification,
      ttl,
      messageId: item.messageId,
      dataType: item.dataType,
      data: item.data,
    };
    let frame: Uint8Array | undefined;
    /** One IHAVE entry for all lazy links. */
    let entry: IHaveEntry | undefined;
    let sent = 0;
    // A ttl-limited item goes whole to every neighbour, as without lazy push: its reach (every node
    // within ttl hops) must not depend on the tree, whose paths may be longer than the shortest.
    const lazy = ttl === 0 ? this.opts.lazy : undefined;
    for (const link of this.opts.neighbours()) {
      if (link.key === exceptKey) continue;
      if (!derived && (link.flags & HELLO_FLAG_CONTENT_IDS) !== 0) continue;
      if (lazy !== undefined && lazy.isLazy(link)) {
        entry ??= { messageId: item.messageId, ttl };
        lazy.announce(link, entry);
        sent++;
        continue;
      }
      frame ??= encodeMessage(msg);
      if (link.sendFrame(frame, MessageType.PeerNotification)) sent++;
    }
    return sent;
  }
}

function checkItem(input: { ttl: number; dataType: number; data: Uint8Array }): void {
  const { ttl, dataType, data } = input;
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > 255) {
    throw new P2PError(P2PErrorCode.BadItem, `ttl must be 0..255, got ${ttl}`);
  }
  if (!Number.isInteger(dataType) || dataType < 0 || dataType > 0xffff) {
    throw new P2PError(P2PErrorCode.BadItem, `data type must be 0..65535, got ${dataType}`);
  }
  if (!(data instanceof Uint8Array)) throw new P2PError(P2PErrorCode.BadItem, 'data must be a Uint8Array');
  if (data.length > MAX_ITEM_DATA) {
    throw new P2PError(P2PErrorCode.BadItem, `${data.length} data bytes exceed the limit of ${MAX_ITEM_DATA}`);
  }
}
