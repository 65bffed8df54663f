import { EventEmitter } from 'node:events';
import { formatPeerAddress, HelloFlag, makePeerAddress, type PeerAddress } from '@gossip5/protocol';
import { resolveConfig, type P2PConfig } from './config.js';
import * as C from './constants.js';
import { Counters } from './counters.js';
import { silentLogger, systemClock, systemRandomBytes } from './defaults.js';
import { P2PError, P2PErrorCode } from './errors.js';
import { PowWorker } from './handshake/pow-worker.js';
import { identityHex, type HostIdentity } from './identity/host-identity.js';
import { IdentityPins } from './identity/pins.js';
import { KnownPeers } from './overlay/known-peers.js';
import { Liveness } from './overlay/liveness.js';
import { Membership } from './overlay/membership.js';
import { View } from './overlay/view.js';
import { KnowledgeBase } from './spread/knowledge-base.js';
import { LazyPush, zeroLazyPushCounters } from './spread/lazy-push.js';
import { SeenIds } from './spread/seen-ids.js';
import { Spreader } from './spread/spreader.js';
import { closeLogLevel, CloseReason } from './transport/close-reason.js';
import type { Link } from './transport/link.js';
import { tcpTransport } from './transport/tcp.js';
import { tlsTransport } from './transport/tls.js';
import type { Listener, Transport } from './transport/types.js';
import type {
  GossipItem,
  LazyPushStats,
  Logger,
  NeighbourInfo,
  P2PComponents,
  P2PEvents,
  P2PInit,
  P2PNode,
  P2PStats,
} from './types.js';

type State = 'new' | 'starting' | 'started' | 'stopped';

/** Wires listener, membership, liveness and spreader into one node. */
class P2PNodeImpl extends EventEmitter<P2PEvents> implements P2PNode {
  private readonly config: P2PConfig;
  private readonly log: Logger;
  private readonly counters: Counters;
  private readonly seen: SeenIds;
  private readonly kb: KnowledgeBase;
  private readonly known: KnownPeers;
  private readonly view: View<Link>;
  private readonly liveness: Liveness;
  private readonly spreader: Spreader;
  private readonly lazy: LazyPush | undefined;
  private readonly membership: Membership;
  private readonly powWorker: PowWorker | undefined;
  private readonly transport: Transport;
  private readonly hostIdentity: HostIdentity | undefined;
  private readonly pins: IdentityPins | undefined;
  private state: State = 'new';
  private listener: Listener | undefined;
  private advertised: PeerAddress | undefined;
  private stopping: Promise<void> | undefined;

  constructor(init: P2PInit, components: P2PComponents) {
    super();
    const config = resolveConfig(init);
    if (!components || typeof components.validator?.validate !== 'function') {
      throw new P2PError(P2PErrorCode.BadOption, 'P2PComponents.validator must have a validate() method');
    }
    this.config = config;
    const clock = components.clock ?? systemClock;
    const random = components.randomBytes ?? systemRandomBytes;
    this.log = components.logger ?? silentLogger;
    const counters = new Counters(this.log, clock, config.warnIntervalMs);
    this.counters = counters;
    this.hostIdentity = components.identity;
    const inner = components.transport ?? tcpTransport;
    if (this.hostIdentity) {
      const pins = new IdentityPins({
        limit: C.IDENTITY_PINS_LIMIT,
        onEvict: (key) =>
          counters.drops.drop('identity-pins-evicted', { peer: key, limit: C.IDENTITY_PINS_LIMIT }, 'identity pins full: forgot the oldest'),
      });
      this.pins = pins;
      if (config.bootstrapper && config.bootstrapperIdentity) {
        pins.verified(formatPeerAddress(config.bootstrapper), config.bootstrapperIdentity);
      }
      const refusedLog = this.log.child({ component: 'overlay' });
      this.transport = tlsTransport({
        identity: this.hostIdentity,
        inner,
        pins,
        allowPlaintext: config.allowPlaintext,
        handshakeTimeoutMs: config.handshakeTimeoutMs,
        clock,
        onRefused: (reason, remote, detail) => {
          counters.handshakeFailed(reason);
          refusedLog[closeLogLevel(reason)]({ reason, remote, detail }, `connection refused: ${reason} (${detail})`);
        },
      });
    } else {
      this.transport = inner;
    }
    if (!components.powSolver) this.powWorker = new PowWorker();
    const solver = components.powSolver ?? this.powWorker!.solve;
    const seedBytes = random(8);
    const seedView = new DataView(seedBytes.buffer, seedBytes.byteOffset, 8);
    this.seen = new SeenIds({
      clock,
      ttlMs: config.seenTtlMs,
      limit: config.seenLimit,
      seed: [seedView.getUint32(0), seedView.getUint32(4)],
    });
    // Retention matters only to pulls, so without lazy push `cache_size` alone bounds it, as before.
    const retention = config.lazyPush
      ? {
          ms: config.knowledgeRetainMs,
          limit: config.knowledgeRetainLimit,
          onEvictYoung: () =>
            counters.drops.drop(
              'knowledge-evicted-young',
              { limit: config.knowledgeRetainLimit, bytes: config.knowledgeBaseBytes, retainMs: config.knowledgeRetainMs },
              'knowledge base full: an item evicted while pulls for it may still come',
            ),
        }
      : undefined;
    this.kb = new KnowledgeBase(config.cacheSize, config.knowledgeBaseBytes, clock, retention);
    this.known = new KnownPeers({
      clock,
      random,
      limit: config.knownPeersLimit,
      perSource: config.knownPeersPerSource,
      retryMs: config.dialRetryMs,
      maxFailures: config.maxDialFailures,
      onEvict: (address) =>
        counters.drops.drop(
          'known-peers-evicted',
          { peer: formatPeerAddress(address), limit: config.knownPeersLimit },
          'known addresses full: one forgotten or not kept',
        ),
    });
    this.view = new View<Link>(config.degree, random);
    this.liveness = new Liveness({
      clock,
      random,
      counters,
      intervalMs: config.pingIntervalMs,
      timeoutMs: config.pingTimeoutMs,
    });
    if (config.lazyPush) {
      this.lazy = new LazyPush({
        clock,
        counters,
        seen: this.seen,
        knowledge: this.kb,
        pullTimeoutMs: config.pullTimeoutMs,
        pullRetryMs: config.pullRetryMs,
        optimizeLagMs: config.lazyOptimizeMs,
        ihaveDelayMs: config.ihaveDelayMs,
        pruneAfterDuplicates: config.pruneAfterDuplicates,
        forgiveAfterFirstCopies: config.forgiveAfterFirstCopies,
        maxPendingPulls: config.maxPendingPulls,
        serveQueueBytes: Math.floor(config.sendQueueBytes / 2),
        neighbours: () => this.view.values(),
      });
    }
    this.spreader = new Spreader({
      random,
      validator: components.validator,
      counters,
      logger: this.log.child({ component: 'spreader' }),
      seen: this.seen,
      knowledge: this.kb,
      lazy: this.lazy,
      relayUnsubscribed: config.relayUnsubscribed,
      contentIds: config.contentIds,
      maxPendingValidations: config.maxPendingValidations,
      neighbours: () => this.view.values(),
      // The backlog's fair share per link: with lazy push, items come whole over the tree's links
      // only, so the share is split among those (a node with one tree parent would otherwise pause
      // it at max / degree items pending, throttling the whole tree below it).
      neighbourCount: this.lazy ? () => Math.max(1, this.lazy!.modes.pushing(this.view.values())) : () => this.view.size,
      accepted: (item) => this.safeEmit('item', item),
    });
    this.membership = new Membership({
      config,
      clock,
      random,
      logger: this.log.child({ component: 'overlay' }),
      counters,
      solver,
      transport: this.transport,
      view: this.view,
      known: this.known,
      liveness: this.liveness,
      auth: this.hostIdentity && this.pins ? { self: this.hostIdentity, pins: this.pins } : undefined,
      onNotification: (link, msg) => this.spreader.onNotification(link, msg),
      helloFlags: (config.lazyPush ? HelloFlag.LazyPush : 0) | (config.contentIds ? HelloFlag.ContentIds : 0) | HelloFlag.Settled,
      onLazyPush: (link, msg) => {
        if (this.lazy) this.lazy.onMessage(link, msg);
        else link.close(CloseReason.UnexpectedMessage, `type ${msg.type}: lazy push is off here`);
      },
      neighbourUp: (peer) => this.safeEmit('neighbour-up', peer),
      replaced: (link, victim) => this.lazy?.replaced(link, victim),
      neighbourDown: (peer) => {
        this.lazy?.neighbourDown();
        this.safeEmit('neighbour-down', peer);
      },
    });
  }

  get address(): PeerAddress | undefined {
    return this.advertised;
  }

  get identity(): string | undefined {
    return this.hostIdentity?.hex;
  }

  async start(): Promise<PeerAddress> {
    if (this.state !== 'new') {
      throw new P2PError(P2PErrorCode.BadState, `start() called on a node that is ${this.state}`);
    }
    this.state = 'starting';
    let listener: Listener;
    try {
      listener = await this.transport.listen(
        this.config.host,
        this.config.port,
        (socket) => this.membership.accept(socket),
        (err) => this.log.error({ err }, 'listener failed'),
      );
    } catch (err) {
      if (this.state === 'starting') this.state = 'new';
      throw err;
    }
    if (this.state !== 'starting') {
      await listener.close();
      throw new P2PError(P2PErrorCode.BadState, 'stopped while starting');
    }
    this.listener = listener;
    this.advertised = makePeerAddress(this.config.host, listener.port);
    this.state = 'started';
    this.membership.start(this.advertised);
    this.log.info(
      {
        address: formatPeerAddress(this.advertised),
        degree: this.config.degree,
        bootstrapper: this.config.bootstrapper ? formatPeerAddress(this.config.bootstrapper) : null,
        powDifficulty: this.config.powDifficulty,
        identity: this.hostIdentity?.hex ?? null,
        links: this.hostIdentity ? (this.config.allowPlaintext ? 'tls+plaintext' : 'tls') : 'plaintext',
      },
      'p2p node listening',
    );
    return this.advertised;
  }

  originate(item: { ttl: number; dataType: number; data: Uint8Array }): bigint {
    if (this.state === 'stopped') throw new P2PError(P2PErrorCode.BadState, 'originate() after stop()');
    return this.spreader.originate(item);
  }

  neighbours(): PeerAddress[] {
    return this.view.list().map((l) => l.peer!);
  }

  maxSendQueuedBytes(): number {
    let max = 0;
    for (const l of this.view.values()) if (l.queuedBytes > max) max = l.queuedBytes;
    return max;
  }

  pendingValidations(): number {
    return this.spreader.pendingValidations;
  }

  neighbourDetails(): NeighbourInfo[] {
    return this.view.list().map((l) => ({
      address: l.peer!,
      direction: l.direction,
      since: l.since,
      itemsIn: l.itemsIn,
      itemsOut: l.itemsOut,
      push: this.pushMode(l),
      identity: l.identity ? identityHex(l.identity) : undefined,
    }));
  }

  private pushMode(link: Link): NeighbourInfo['push'] {
    if (!this.lazy || !this.lazy.modes.capable(link)) return 'plain';
    return this.lazy.isLazy(link) ? 'lazy' : 'eager';
  }

  connect(address: PeerAddress): boolean {
    if (this.state !== 'started' || this.membership.room() <= 0) return false;
    return this.membership.connect(address);
  }

  knowledge(): GossipItem[] {
    return this.kb.list().map((s) => s.item);
  }

  stats(): P2PStats {
    const c = this.counters;
    return {
      neighbours: this.view.size,
      knownPeers: this.known.size,
      knowledgeBase: this.kb.size,
      knowledgeBaseEvicted: this.kb.evicted,
      knowledgeBaseBytes: this.kb.bytes,
      seenIds: this.seen.size,
      identityPins: this.pins?.size ?? 0,
      pendingHandshakes: this.membership.pendingHandshakes,
      pendingDials: this.membership.pendingDials,
      pendingValidations: this.spreader.pendingValidations,
      linksPausedForBacklog: this.spreader.backlog.pausedLinks,
      backlogPauses: this.spreader.backlog.pauses,
      linksUp: c.linksUp,
      linksDown: c.linksDown,
      linksDownByReason: { ...c.linksDownByReason },
      handshakesOk: c.handshakesOk,
      handshakesFailed: { ...c.handshakesFailed },
      itemsOriginated: c.itemsOriginated,
      itemsReceived: c.itemsReceived,
      itemsDuplicate: c.itemsDuplicate,
      itemsForwarded: c.itemsForwarded,
      itemsStoppedInvalid: c.itemsStoppedInvalid,
      itemsStoppedUnsubscribed: c.itemsStoppedUnsubscribed,
      itemsTtlExpired: c.itemsTtlExpired,
      itemsNoOtherNeighbour: c.itemsNoOtherNeighbour,
      itemsUndecidedAtStop: c.itemsUndecidedAtStop,
      itemsOriginatedDuplicate: c.itemsOriginatedDuplicate,
      notificationsIn: c.notificationsIn,
      messagesSent: { ...c.messagesSent },
      messagesReceived: { ...c.messagesReceived },
      lazyPush: this.lazyStats(),
      drops: { ...c.drops.counts },
    };
  }

  private lazyStats(): LazyPushStats {
    const lazy = this.lazy;
    const census = lazy ? lazy.modes.census(this.view.values()) : { eager: 0, lazy: 0, plain: this.view.size };
    return {
      ...(lazy?.c ?? zeroLazyPushCounters()),
      eagerLinks: census.eager,
      lazyLinks: census.lazy,
      plainLinks: census.plain,
      pullsPending: lazy?.pulls.size ?? 0,
      pullsStarted: lazy?.pulls.started ?? 0,
    };
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.state = 'stopped';
      this.spreader.stop();
      this.membership.stop();
      await Promise.all([this.listener?.close(), this.powWorker?.close()]);
      this.log.info({ address: this.advertised && formatPeerAddress(this.advertised) }, 'p2p node stopped');
    })();
    return this.stopping;
  }

  /** A throwing listener must not break the link that triggered the event. */
  private safeEmit<K extends keyof P2PEvents>(event: K, ...args: P2PEvents[K]): void {
    try {
      (this.emit as (e: string, ...a: unknown[]) => boolean)(event, ...args);
    } catch (err) {
      this.log.error({ err, event }, 'event listener threw');
    }
  }
}

/** Create a node; nothing listens before `start()`. Throws P2PError GOSSIP_ERR_P2P_BAD_OPTION on bad options. */
export function createP2PNode(init: P2PInit, components: P2PComponents): P2PNode {
  return new P2PNodeImpl(init, components);
}

