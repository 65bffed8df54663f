import type { AnnounceEvent, ApiServer } from '@gossip5/api';
import type { P2PNode, ReceivedItem, Validator, Verdict, VerdictSink } from '@gossip5/p2p';
import { MAX_ITEM_DATA } from '@gossip5/protocol';
import type { Logger } from 'pino';
import type { Observer } from './timings.js';
import type { AnnounceFlow } from './announce-flow.js';

function ignoreVerdict(): void {}

/** Counters of what crossed the bridge between the API server and the overlay. */
export interface BridgeStats {
  announced: number;
  announceRefusedTooLarge: number;
  networkItems: number;
  verdicts: Record<Verdict, number>;
}

/**
 * The only place that knows both halves. Items from the network are handed to
 * local modules through `deliver`, whose verdict decides whether the overlay
 * forwards them; ANNOUNCEs from local modules are originated on the overlay and
 * handed, unvalidated, to the other local subscribers of their type.
 */
export class Bridge {
  readonly stats: BridgeStats = {
    announced: 0,
    announceRefusedTooLarge: 0,
    networkItems: 0,
    verdicts: { valid: 0, invalid: 0, unsubscribed: 0 },
  };

  constructor(
    private readonly api: ApiServer,
    private readonly log: Logger,
    /** Where the time from handing a network item to the modules to its verdict goes (seconds); default: nowhere. */
    private readonly timing?: { now: () => number; validation: Observer },
    /** Told of every item a local module announced, once it is on the overlay (the live view's events). */
    private readonly onOriginated?: (messageId: bigint, dataType: number) => void,
  ) {}

  /**
   * Where check() hands verdicts on: the overlay's sink, the same for every item (one node), kept
   * so the per-item path needs no closure.
   */
  private sink: VerdictSink | undefined;
  /** Start times of items in validation, by item (the overlay hands each item as its own object). */
  private readonly started = new Map<ReceivedItem, number>();

  /** The Validator port the overlay asks about every new item from the network. */
  readonly validator: Validator = {
    validate: (item: ReceivedItem): Promise<Verdict> =>
      new Promise<Verdict>((resolve) => {
        this.handOver(item);
        try {
          this.api.deliverThen(item, item, (it, verdict) => {
            this.verdictOn(it, verdict);
            resolve(verdict);
          });
        } catch (err) {
          this.started.delete(item);
          throw err; // rejects the Promise
        }
      }),
    check: (item: ReceivedItem, decided: VerdictSink): void => {
      this.sink = decided;
      this.handOver(item);
      // The item is its own DeliverItem (dataType, data) and the token that comes back with the verdict.
      try {
        this.api.deliverThen(item, item, this.onVerdict);
      } catch (err) {
        this.started.delete(item); // a bad item: the overlay treats it as invalid
        throw err;
      }
    },
  };

  private readonly onVerdict = (item: ReceivedItem, verdict: Verdict): void => {
    this.verdictOn(item, verdict);
    this.sink!(item, verdict);
  };

  private handOver(item: ReceivedItem): void {
    this.stats.networkItems++;
    if (this.timing !== undefined) this.started.set(item, this.timing.now());
  }

  private verdictOn(item: ReceivedItem, verdict: Verdict): void {
    const timing = this.timing;
    if (timing !== undefined) {
      const t0 = this.started.get(item);
      if (t0 !== undefined) {
        this.started.delete(item);
        timing.validation.observe((timing.now() - t0) / 1000);
      }
    }
    this.stats.verdicts[verdict]++;
    if (this.log.isLevelEnabled('debug')) {
      this.log.debug(
        { messageId: item.messageId.toString(16), dataType: item.dataType, from: item.from, verdict },
        'network item delivered',
      );
    }
  }

  /** Start passing local ANNOUNCEs to `p2p`, slowing announcers through `flow` when it is full. */
  attach(p2p: P2PNode, flow?: AnnounceFlow): void {
    this.api.on('announce', (a: AnnounceEvent) => {
      this.onAnnounce(p2p, a);
      flow?.afterAnnounce();
    });
  }

  private onAnnounce(p2p: P2PNode, a: AnnounceEvent): void {
    if (a.data.length > MAX_ITEM_DATA) {
      this.stats.announceRefusedTooLarge++;
      this.log.warn(
        { remote: a.from.remote, dataType: a.dataType, bytes: a.data.length, limit: MAX_ITEM_DATA },
        `GOSSIP ANNOUNCE refused: ${a.data.length} data bytes exceed the network limit of ${MAX_ITEM_DATA}`,
      );
      return;
    }
    this.stats.announced++;
    const messageId = p2p.originate({ ttl: a.ttl, dataType: a.dataType, data: a.data });
    this.onOriginated?.(messageId, a.dataType);
    // The announcer's own data is trusted: other local subscribers get it without a verdict being awaited.
    this.api.deliverThen(a, undefined, ignoreVerdict, { exclude: a.from, awaitValidation: false });
    if (this.log.isLevelEnabled('debug')) {
      this.log.debug(
        { messageId: messageId.toString(16), dataType: a.dataType, ttl: a.ttl, bytes: a.data.length, remote: a.from.remote },
        'announce originated',
      );
    }
  }
}
