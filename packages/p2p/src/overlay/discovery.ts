import { encodeMessage, formatPeerAddress, MessageType, type PeerAddress } from '@gossip5/protocol';
import type { P2PConfig } from '../config.js';
import { FRESH_CANDIDATES_LIMIT, MAX_ADDRESSES_PER_RESPONSE, MAX_UNSOLICITED_RESPONSES } from '../constants.js';
import type { Counters } from '../counters.js';
import { randomInt, sample } from '../random.js';
import type { PeerMessages } from '../identity/auth-messages.js';
import { SeenCache } from '../spread/seen-cache.js';
import { CloseReason } from '../transport/close-reason.js';
import type { Link } from '../transport/link.js';
import type { Clock, RandomBytes } from '../types.js';
import { Backoff } from './backoff.js';
import type { KnownPeers } from './known-peers.js';
import { RateLimiter } from './rate-limit.js';
import type { View } from './view.js';

/** What discovery needs from the part that owns the links. */
export interface LinkPort {
  /** formatPeerAddress of this node. */
  readonly selfKey: string;
  /** Not this node, not linked, not being dialled, not handshaking inbound. */
  canDial(key: string): boolean;
  /** Links still wanted, counting dials in progress. */
  room(): number;
  /** Start a dial; `shuffle` lets it displace the oldest link of a full view. */
  connect(address: PeerAddress, shuffle?: boolean): boolean;
}

export interface DiscoveryOptions {
  config: P2PConfig;
  clock: Clock;
  random: RandomBytes;
  counters: Counters;
  view: View<Link>;
  known: KnownPeers;
  links: LinkPort;
  /** PEER RESPONSE and PUSH as each link speaks them (with identities on authenticated links). */
  messages: PeerMessages;
}

/**
 * Finding peers: PEER REQUEST / PEER RESPONSE, PUSH for newcomers, refilling
 * the view from newcomers and known addresses, re-dialling the bootstrapper
 * with back-off while the view is empty or starved, the periodic maintenance
 * round and the shuffle.
 */
export class Discovery {
  /** Newcomers PUSHed while the view was full, newest last (FRESH_CANDIDATES_LIMIT), with their keys. */
  private readonly fresh: PeerAddress[] = [];
  private readonly freshKeys: string[] = [];
  private readonly backoff: Backoff;
  private readonly pushSeen: SeenCache<string>;
  /** Links our PEER REQUEST awaits an answer from (one each; entries end with their link). */
  private readonly requested = new WeakSet<Link>();
  /** Unsolicited PEER RESPONSEs per link. */
  private readonly unsolicited = new WeakMap<Link, number>();
  /** PUSHes read per neighbour (`pushesPerMinute`). */
  private readonly pushRate: RateLimiter<Link>;
  /** Newcomers dialled per PUSHing neighbour (`pushDialsPerMinute`). */
  private readonly pushDials: RateLimiter<Link>;
  private readonly links: LinkPort;
  private maintenanceTimer: unknown;
  private shuffleTimer: unknown;
  private stopped = false;

  constructor(private readonly opts: DiscoveryOptions) {
    const { config, clock } = opts;
    this.links = opts.links;
    this.backoff = new Backoff(clock, config.backoffMinMs, config.backoffMaxMs);
    this.pushSeen = new SeenCache<string>({ clock, ttlMs: config.pushSuppressMs, limit: config.pushSeenLimit });
    this.pushRate = new RateLimiter(clock, config.pushesPerMinute);
    this.pushDials = new RateLimiter(clock, config.pushDialsPerMinute);
  }

  /** Begin the maintenance round and the shuffle, and dial the bootstrapper. */
  start(): void {
    this.armMaintenance();
    this.armShuffle();
    const boot = this.bootstrapper();
    if (boot) this.links.connect(boot);
  }

  stop(): void {
    this.stopped = true;
    this.opts.clock.clearTimeout(this.maintenanceTimer);
    this.opts.clock.clearTimeout(this.shuffleTimer);
    this.backoff.cancel();
  }

  /** This node admitted `newcomer` on `link`: PUSH it to the other neighbours with ttl `p2p_ttl`. */
  announce(link: Link, newcomer: PeerAddress): void {
    const ttl = this.opts.config.pushTtl;
    if (ttl <= 0) return;
    // Marked so the PUSH echoing back is not forwarded again (a full set only costs an extra forward).
    this.pushSeen.add(link.key!);
    this.forwardPush(link, link.key!, ttl, newcomer);
  }

  /** Answer with neighbours first, then other known addresses, never the requester itself. */
  onPeerRequest(link: Link, max: number): void {
    const { view, known, config } = this.opts;
    const want = Math.min(max, config.peerSampleSize);
    const peers = view.sample(want, link.key).map((l) => l.peer!);
    if (peers.length < want) {
      const taken = new Set(peers.map(formatPeerAddress));
      const skip = (k: string) => k === link.key || k === this.links.selfKey || taken.has(k);
      const more = known.sample(want - peers.length, (k) => !skip(k));
      peers.push(...more);
    }
    link.send(this.opts.messages.peerResponse(link, peers));
  }

  /** Ask `link` for addresses; its PEER RESPONSE is then read (once). */
  request(link: Link): void {
    if (link.send({ type: MessageType.PeerRequest, max: this.opts.config.peerSampleSize })) this.requested.add(link);
  }

  /**
   * A PEER RESPONSE on an established link: read only in answer to our PEER REQUEST. The first
   * `MAX_UNSOLICITED_RESPONSES` unsolicited ones are ignored and counted; one more closes the link.
   * `onRead` runs only for an answer that is read (an AUTH PEER RESPONSE remembers its identities then).
   */
  onPeerResponse(link: Link, peers: PeerAddress[], onRead?: () => void): void {
    if (this.requested.has(link)) {
      this.requested.delete(link);
      onRead?.();
      this.learn(peers, link.group);
      return;
    }
    const n = (this.unsolicited.get(link) ?? 0) + 1;
    this.unsolicited.set(link, n);
    if (n > MAX_UNSOLICITED_RESPONSES) {
      link.close(CloseReason.UnsolicitedResponse, `${n} PEER RESPONSEs without a PEER REQUEST`);
      return;
    }
    this.opts.counters.drops.drop(
      'peer-response-unsolicited',
      { peer: link.key, addresses: peers.length },
      'PEER RESPONSE without our PEER REQUEST ignored',
    );
  }

  /** Remember addresses from a PEER RESPONSE told by `source`; dial at most half of `degree` of them. */
  learn(peers: PeerAddress[], source: string): void {
    const { known, config, counters } = this.opts;
    let list = peers;
    if (list.length > MAX_ADDRESSES_PER_RESPONSE) {
      counters.drops.drop(
        'peer-response-truncated',
        { addresses: list.length, limit: MAX_ADDRESSES_PER_RESPONSE },
        'PEER RESPONSE too long: extra addresses ignored',
      );
      list = list.slice(0, MAX_ADDRESSES_PER_RESPONSE);
    }
    const fresh = new Map<string, PeerAddress>();
    for (const p of list) {
      const key = formatPeerAddress(p);
      if (key === this.links.selfKey || p.port === 0) continue;
      known.add(p, source);
      if (this.links.canDial(key) && known.isAvailable(key)) fresh.set(key, p);
    }
    const budget = Math.min(Math.max(1, Math.floor(config.degree / 2)), this.links.room());
    if (budget <= 0) return;
    for (const p of sample(this.opts.random, [...fresh.values()], budget)) this.links.connect(p);
  }

  /**
   * A newcomer joined somewhere: remember it, dial it if the view has room, pass the PUSH on with
   * `min(ttl, p2p_ttl) - 1`. At most `pushesPerMinute` PUSHes a neighbour are read and
   * `pushDialsPerMinute` of them dialled; the rest are dropped (counted), so one neighbour's
   * flood neither reaches far nor crowds out the others' PUSHes. `onRead` runs only for a PUSH that
   * is read (an AUTH PUSH remembers its identity then).
   */
  onPush(from: Link, ttl: number, address: PeerAddress, onRead?: () => void): void {
    const { config, counters } = this.opts;
    const key = formatPeerAddress(address);
    if (key === this.links.selfKey || address.port === 0) return;
    if (!this.pushRate.take(from)) {
      counters.drops.drop('push-rate-limited', { from: from.key, peer: key }, 'too many PUSHes from one neighbour: dropped');
      return;
    }
    onRead?.();
    this.opts.known.add(address, from.group);
    if (this.links.room() > 0 && this.links.canDial(key)) {
      if (this.pushDials.take(from)) this.links.connect(address);
      else {
        counters.drops.drop('push-dial-limited', { from: from.key, peer: key }, 'PUSHed newcomer not dialled: neighbour over its dial budget');
        this.rememberFresh(address, key);
      }
    } else if (this.links.room() <= 0) this.rememberFresh(address, key);
    const hops = Math.min(ttl, config.pushTtl);
    if (hops <= 1 || this.pushSeen.has(key)) return;
    if (this.pushSeen.addEvicting(key)) {
      counters.drops.drop('push-seen-evicted', { peer: key }, 'PUSH suppression set full: forgot the oldest');
    }
    this.forwardPush(from, key, hops - 1, address);
  }

  /**
   * Send PUSH(ttl, address) to every neighbour but `from` and the newcomer itself. The message is
   * encoded once per kind (plaintext 509, authenticated 516: its identity is the newcomer's, the
   * same for every recipient), not once per neighbour.
   */
  private forwardPush(from: Link, key: string, ttl: number, address: PeerAddress): void {
    let plain: Uint8Array | undefined;
    let auth: { frame: Uint8Array; type: number } | undefined;
    for (const n of this.opts.view.values()) {
      if (n === from || n.key === key) continue;
      if (n.identity) {
        if (!auth) {
          const msg = this.opts.messages.push(n, ttl, address);
          auth = { frame: encodeMessage(msg), type: msg.type };
        }
        n.sendFrame(auth.frame, auth.type);
      } else {
        plain ??= encodeMessage({ type: MessageType.Push, ttl, address });
        n.sendFrame(plain, MessageType.Push);
      }
    }
  }

  /** A link or an attempt was lost: re-bootstrap when alone, replace from known addresses. */
  afterLoss(): void {
    if (this.stopped) return;
    if (this.opts.view.size === 0) this.scheduleBootstrap();
    this.refill(1);
  }

  private rememberFresh(address: PeerAddress, key: string): void {
    const at = this.freshKeys.indexOf(key);
    if (at >= 0) {
      this.fresh.splice(at, 1);
      this.freshKeys.splice(at, 1);
    }
    this.fresh.push(address);
    this.freshKeys.push(key);
    if (this.fresh.length > FRESH_CANDIDATES_LIMIT) {
      this.fresh.shift();
      this.freshKeys.shift();
    }
  }

  /** Dial up to `n` addresses within the room left: recent newcomers first, then random known ones. */
  private refill(n: number): void {
    let budget = Math.min(n, this.links.room());
    const { known } = this.opts;
    while (budget > 0 && this.fresh.length > 0) {
      const address = this.fresh.pop()!;
      const key = this.freshKeys.pop()!;
      const available = !known.has(key) || known.isAvailable(key);
      if (available && this.links.canDial(key) && this.links.connect(address)) budget--;
    }
    if (budget <= 0) return;
    for (const address of known.sample(budget, (k) => this.links.canDial(k))) this.links.connect(address);
  }

  private bootstrapper(): PeerAddress | undefined {
    const boot = this.opts.config.bootstrapper;
    return boot && formatPeerAddress(boot) !== this.links.selfKey ? boot : undefined;
  }

  /**
   * A view of at most half of `degree` links counts as starved: such a node
   * (re-)dials the bootstrapper with back-off, not only when it is alone. A
   * bootstrapper admits newcomers even when full, so this is how a node whose
   * every candidate is full still gets its links.
   */
  private starved(): boolean {
    return this.opts.view.size <= Math.floor(this.opts.config.degree / 2);
  }

  private scheduleBootstrap(): void {
    const boot = this.bootstrapper();
    if (!boot || !this.links.canDial(formatPeerAddress(boot))) return;
    this.backoff.schedule(() => {
      if (!this.stopped && this.starved()) this.links.connect(boot);
    });
  }

  private armShuffle(): void {
    const every = this.opts.config.shuffleIntervalMs;
    if (every <= 0) return;
    // Jitter of up to half the period keeps nodes from shuffling in step.
    const delay = every + randomInt(this.opts.random, Math.max(1, Math.floor(every / 2)));
    this.shuffleTimer = this.opts.clock.setTimeout(() => {
      if (this.stopped) return;
      this.shuffle();
      this.armShuffle();
    }, delay);
  }

  /**
   * Now and then a full view dials a random known address it is not linked
   * to. If that node admits it (it has room, or makes room by chance), the
   * longest-established link gives way, with a PUSH pointing it at the new
   * peer. A view that refuses costs nothing. This keeps the overlay mixing, so
   * a group of nodes whose full views hold only each other, cut off from the
   * rest, does not stay that way.
   */
  private shuffle(): void {
    const { view, known } = this.opts;
    if (!view.isFull) return;
    // Not the bootstrapper: it admits everyone, so it would always give way, and it has joins to serve.
    const boot = this.bootstrapper();
    const bootKey = boot ? formatPeerAddress(boot) : undefined;
    const target = known.sample(1, (k) => k !== bootKey && this.links.canDial(k))[0];
    if (target) this.links.connect(target, true);
  }

  private armMaintenance(): void {
    this.maintenanceTimer = this.opts.clock.setTimeout(() => {
      if (this.stopped) return;
      this.maintain();
      this.armMaintenance();
    }, this.opts.config.maintenanceIntervalMs);
  }

  /**
   * Now and then: re-bootstrap when alone or starved; below `degree`, ask a
   * random neighbour for addresses and dial one known address.
   */
  private maintain(): void {
    const { view } = this.opts;
    this.pushSeen.purge();
    const boot = this.bootstrapper();
    const bootLinked = boot !== undefined && view.has(formatPeerAddress(boot));
    if (this.starved() && !bootLinked) this.scheduleBootstrap();
    else if (view.size > 0) {
      this.backoff.cancel();
      this.backoff.reset();
    }
    if (view.size === 0) {
      this.refill(1);
      return;
    }
    if (view.isFull) return;
    const asked = view.sample(1)[0];
    if (asked) this.request(asked);
    this.refill(1);
  }
}
