import type { AnnounceEvent, ApiServer } from '@gossip5/api';
import type { P2PNode, ReceivedItem, Validator, Verdict } from '@gossip5/p2p';
import { MAX_ITEM_DATA } from '@gossip5/protocol';
import type { Logger } from 'pino';
import type { Observer } from './timings.js';
import type { AnnounceFlow } from './announce-flow.js';

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

  /** The Validator port the overlay asks about every new item from the network. */
  readonly validator: Validator = {
    validate: async (item: ReceivedItem): Promise<Verdict> => {
      this.stats.networkItems++;
      const t0 = this.timing?.now();
      const verdict = await this.api.deliver({ dataType: item.dataType, data: item.data });
      if (t0 !== undefined) this.timing!.validation.observe((this.timing!.now() - t0) / 1000);
      this.stats.verdicts[verdict]++;
      if (this.log.isLevelEnabled('debug')) {
        this.log.debug(
          { messageId: item.messageId.toString(16), dataType: item.dataType, from: item.from, verdict },
          'network item delivered',
        );
      }
      return verdict;
    },
  };

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
    void this.api.deliver({ dataType: a.dataType, data: a.data }, { exclude: a.from, awaitValidation: false });
    if (this.log.isLevelEnabled('debug')) {
      this.log.debug(
        { messageId: messageId.toString(16), dataType: a.dataType, ttl: a.ttl, bytes: a.data.length, remote: a.from.remote },
        'announce originated',
      );
    }
  }
}
