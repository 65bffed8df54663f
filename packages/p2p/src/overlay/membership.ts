import {
  formatPeerAddress,
  HelloFlag,
  MessageType,
  typeName,
  type LazyPushMessage,
  type Message,
  type PeerAddress,
  type PeerNotification,
} from '@gossip5/protocol';
import { isBootstrapper, type P2PConfig } from '../config.js';
import type { Counters } from '../counters.js';
import { InboundHandshake } from '../handshake/inbound.js';
import { learnPeerResponse, learnPush, PeerMessages } from '../identity/auth-messages.js';
import type { HostIdentity } from '../identity/host-identity.js';
import { identityHex } from '../identity/host-identity.js';
import { sameIdentity, type IdentityPins } from '../identity/pins.js';
import { OutboundHandshake } from '../handshake/outbound.js';
import { closeLogLevel, CloseReason } from '../transport/close-reason.js';
import { Link } from '../transport/link.js';
import type { Connection, Dial, DialFailure, Transport } from '../transport/types.js';
import type { Clock, Logger, PowSolver, RandomBytes } from '../types.js';
import { Admission } from './admission.js';
import { Discovery, type LinkPort } from './discovery.js';
import type { KnownPeers } from './known-peers.js';
import type { Liveness } from './liveness.js';
import { routeEstablished, type Routes } from './router.js';
import type { View } from './view.js';

export interface MembershipOptions {
  config: P2PConfig;
  clock: Clock;
  random: RandomBytes;
  logger: Logger;
  counters: Counters;
  solver: PowSolver;
  transport: Transport;
  view: View<Link>;
  known: KnownPeers;
  liveness: Liveness;
  /** With a hostkey: this node's identity and the identities pinned per address. */
  auth?: { self: HostIdentity; pins: IdentityPins } | undefined;
  /** A PEER NOTIFICATION from an established neighbour. */
  onNotification(link: Link, msg: PeerNotification): void;
  /**
   * This node's HELLO flag bits (HelloFlag), offered in both directions of the handshake. Settled
   * among them means "understood"; a dial sets it only while the view holds enough links (settledFlag).
   */
  helloFlags: number;
  /** IHAVE, GRAFT or PRUNE from an established neighbour (the handler checks the link negotiated them). */
  onLazyPush(link: Link, msg: LazyPushMessage): void;
  neighbourUp(peer: PeerAddress): void;
  neighbourDown(peer: PeerAddress): void;
  /** `link` was just established in the place of `victim`, closed to make room for it (a full view). */
  replaced?(link: Link, victim: Link): void;
}

/** An outbound connection: TCP connect first, then the handshake on `link`. */
interface DialAttempt {
  key: string;
  address: PeerAddress;
  dial: Dial;
  link: Link | undefined;
  /** A shuffle dial: once established it may displace a link (Admission.whenFull). */
  shuffle: boolean;
  /** Network group of `address`. */
  group: string;
}

/** The dial failure detail of a connection refused (no listener at a live host), TCP's and the memory transport's. */
const REFUSED = 'ECONNREFUSED';

/**
 * Reasons that say nothing against the peer: its address keeps its standing. Evicted and Shuffled
 * are this node's own choice of a link to give up (the peer was fine): a bootstrapper evicts a
 * joiner for every later one, and its known list is what it hands the next joiners (joinSample).
 */
const NOT_PENALISED: ReadonlySet<string> = new Set<string>([
  CloseReason.SimultaneousDial,
  CloseReason.DuplicateLink,
  CloseReason.Shutdown,
  CloseReason.Evicted,
  CloseReason.Shuffled,
]);

/**
 * Connection management of the overlay: accepts and dials links, runs their
 * handshakes, keeps the view at up to `degree` neighbours (one link per peer
 * address, none to itself, simultaneous dials settled). Who may link is the
 * Admission policy's call; what established neighbours send is routed by
 * `routeEstablished`; finding peers is Discovery's.
 */
export class Membership implements LinkPort {
  private self: PeerAddress | undefined;
  selfKey = '';
  private readonly dials = new Map<string, DialAttempt>();
  private readonly inbound = new Set<Link>();
  private readonly handshakes = new Map<Link, InboundHandshake | OutboundHandshake>();
  private readonly discovery: Discovery;
  private readonly admission: Admission;
  private readonly routes: Routes;
  private readonly linksOf: (group: string) => number;
  private stopped = false;
  private readonly log: Logger;
  private readonly messages: PeerMessages;

  constructor(private readonly opts: MembershipOptions) {
    this.log = opts.logger;
    this.messages = new PeerMessages((key) => opts.view.get(key)?.identity ?? opts.auth?.pins.get(key));
    this.discovery = new Discovery({ ...opts, links: this, messages: this.messages });
    this.admission = new Admission(opts);
    this.linksOf = (group) => this.countLinks(group);
    this.routes = {
      notification: (link, msg) => opts.onNotification(link, msg),
      ping: (link, msg) => opts.liveness.onPing(link, msg),
      peerRequest: (link, max) => this.discovery.onPeerRequest(link, max),
      peerResponse: (link, peers) => this.discovery.onPeerResponse(link, peers),
      push: (link, ttl, address) => this.discovery.onPush(link, ttl, address),
      lazyPush: (link, msg) => opts.onLazyPush(link, msg),
      authPeerResponse: (link, msg) =>
        this.discovery.onPeerResponse(
          link,
          msg.peers.map((p) => p.address),
          () => learnPeerResponse(opts.auth?.pins, msg),
        ),
      authPush: (link, msg) => this.discovery.onPush(link, msg.ttl, msg.address, () => learnPush(opts.auth?.pins, msg)),
    };
  }

  get pendingHandshakes(): number {
    return this.inbound.size;
  }

  get pendingDials(): number {
    return this.dials.size;
  }

  /** Begin maintenance and bootstrapping once listening on `self`. */
  start(self: PeerAddress): void {
    this.self = self;
    this.selfKey = formatPeerAddress(self);
    this.admission.start(this.selfKey, isBootstrapper(this.opts.config, self));
    this.discovery.start();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.discovery.stop();
    const attempts = [...this.dials.values()];
    this.dials.clear();
    for (const a of attempts) {
      if (a.link) a.link.close(CloseReason.Shutdown);
      else a.dial.cancel();
    }
    for (const link of [...this.inbound]) link.close(CloseReason.Shutdown);
    for (const link of this.opts.view.list()) link.close(CloseReason.Shutdown);
    this.opts.liveness.stop();
  }

  /** A connection accepted by the listener. */
  accept(socket: Connection): void {
    if (this.stopped || !this.self) {
      socket.destroy();
      return;
    }
    const { config, counters } = this.opts;
    if (this.inbound.size >= config.maxPendingHandshakes) {
      counters.drops.drop(
        'pending-handshakes-full',
        { remote: `${socket.remoteAddress}:${socket.remotePort}`, limit: config.maxPendingHandshakes },
        'too many handshakes in progress: connection refused',
      );
      socket.destroy();
      return;
    }
    const link = this.newLink(socket, 'inbound');
    this.admission.classify(link, link.remoteIp, link.remotePort);
    const refusal = this.admission.atAccept(link, this.inbound);
    if (refusal) return link.close(refusal);
    this.inbound.add(link);
    const hs = new InboundHandshake(link, {
      clock: this.opts.clock,
      randomBytes: this.opts.random,
      difficulty: config.powDifficulty,
      timeoutMs: config.handshakeTimeoutMs,
      flags: this.opts.helloFlags,
      admit: (l, address) => this.admit(l, address),
      verified: (l) => this.inboundVerified(l),
    });
    this.handshakes.set(link, hs);
    hs.start();
  }

  /** Links still wanted, counting dials in progress. */
  room(): number {
    return this.opts.view.room - this.dials.size;
  }

  /** Dial `address` unless it is this node, linked, being dialled or handshaking inbound. */
  connect(address: PeerAddress, shuffle = false): boolean {
    if (this.stopped || !this.self) return false;
    const key = formatPeerAddress(address);
    if (address.port === 0 || !this.canDial(key)) return false;
    if (!this.admission.mayDial(address.host, address.port, this.linksOf)) {
      countDialGroupFull(this.opts.counters, key);
      return false;
    }
    const { config, clock, counters } = this.opts;
    const attempt: DialAttempt = {
      key,
      address,
      dial: this.opts.transport.dial(address, config.dialTimeoutMs, clock),
      link: undefined,
      shuffle,
      group: this.admission.groups.of(address.host, address.port).key,
    };
    this.dials.set(key, attempt);
    attempt.dial.connection.then(
      (socket) => {
        if (this.dials.get(key) !== attempt) {
          socket.destroy();
          return;
        }
        const link = this.newLink(socket, 'outbound');
        link.identify(address, key);
        this.admission.classify(link, address.host, address.port);
        attempt.link = link;
        const hs = new OutboundHandshake(link, {
          clock,
          self: this.self!,
          solver: this.opts.solver,
          maxDifficulty: config.maxAcceptedDifficulty,
          timeoutMs: config.handshakeTimeoutMs,
          flags: (this.opts.helloFlags & ~HelloFlag.Settled) | this.settledFlag(),
          selfIdentity: this.opts.auth?.self.id,
          established: (l, msg) =>
            this.outboundEstablished(
              l,
              msg.type === MessageType.PeerResponse ? msg.peers : learnPeerResponse(this.opts.auth?.pins, msg),
            ),
        });
        this.handshakes.set(link, hs);
        hs.start();
      },
      (failure: DialFailure) => {
        if (this.dials.get(key) !== attempt) return;
        this.dials.delete(key);
        counters.handshakeFailed(failure.reason);
        this.log[closeLogLevel(failure.reason)](
          { peer: key, reason: failure.reason, detail: failure.detail },
          `dial failed: ${failure.reason} (${failure.detail})`,
        );
        // Refused after an earlier failure (typically: the link ended, then nothing listens any
        // more: the process is gone): forget the address now rather than after `maxDialFailures`;
        // a restarted node is heard of again when it rejoins. A first refusal, a timeout or TLS
        // trouble may be passing: cool it down.
        if (failure.detail === REFUSED && this.opts.known.failures(key) > 0) this.opts.known.remove(key);
        else this.opts.known.markFailed(key);
        this.discovery.afterLoss();
      },
    );
    return true;
  }

  /**
   * HelloFlag.Settled while the view holds more than half of `degree` links (not starved: this node
   * is not joining, so the listener need not PUSH it), else 0. Judged when HELLO is sent.
   */
  private settledFlag(): number {
    const settled = this.opts.view.size > Math.floor(this.opts.config.degree / 2);
    return settled ? this.opts.helloFlags & HelloFlag.Settled : 0;
  }

  private newLink(socket: Connection, direction: 'inbound' | 'outbound'): Link {
    return new Link({
      socket,
      direction,
      maxSendQueueBytes: this.opts.config.sendQueueBytes,
      logger: this.log,
      counters: this.opts.counters,
      clock: this.opts.clock,
      onMessage: (link, msg) => this.onMessage(link, msg),
      onClose: (link, reason) => this.onClose(link, reason),
    });
  }

  canDial(key: string): boolean {
    if (key === this.selfKey || this.opts.view.has(key) || this.dials.has(key)) return false;
    for (const link of this.inbound) if (link.key === key) return false;
    return true;
  }

  /** Drop our own dial to `key` (the simultaneous dial we lost). */
  private abortDial(key: string, reason: CloseReason): void {
    const attempt = this.dials.get(key);
    if (!attempt) return;
    this.dials.delete(key);
    if (attempt.link) {
      attempt.link.close(reason);
    } else {
      attempt.dial.cancel();
      this.opts.counters.handshakeFailed(reason);
    }
  }

  /**
   * Settle two links to the same peer: the one dialled by the node with the lower
   * formatted address survives. Returns true when our own dial wins.
   */
  private ourDialWins(key: string): boolean {
    return this.selfKey < key;
  }

  /**
   * On an authenticated link, the identity rules: not this node's own key, not a key that has a link
   * already (under any address), and the key pinned for the claimed address if there is one.
   */
  private identityRefusal(link: Link, key: string): { reason: CloseReason; detail: string } | undefined {
    const id = link.identity;
    const auth = this.opts.auth;
    if (!id || !auth) return undefined;
    if (sameIdentity(id, auth.self.id)) return { reason: CloseReason.SelfLink, detail: `${key} has this node's own key` };
    const pinned = auth.pins.get(key);
    if (pinned && !sameIdentity(pinned, id)) {
      const detail = `identity changed for ${key}: pinned ${identityHex(pinned)}, presented ${identityHex(id)}`;
      return { reason: CloseReason.IdentityMismatch, detail };
    }
    const duplicate = { reason: CloseReason.DuplicateLink, detail: `key ${identityHex(id)} already has a link` };
    for (const other of this.opts.view.values()) if (other !== link && sameIdentity(other.identity, id)) return duplicate;
    for (const other of this.inbound) {
      if (other !== link && other.key !== undefined && sameIdentity(other.identity, id)) return duplicate;
    }
    return undefined;
  }

  /** HELLO arrived: refuse self-links (address or key), other IPs, duplicates (address or key), pinned-key mismatches and full groups; settle simultaneous dials. */
  private admit(link: Link, address: PeerAddress): CloseReason | { reason: CloseReason; detail: string } | undefined {
    const key = formatPeerAddress(address);
    // Before admission's duplicate check: a key claiming a linked peer's address is a forgery, not a duplicate.
    const refusal = this.identityRefusal(link, key) ?? this.admission.atHello(link, address, this.linksOf);
    if (refusal) return refusal;
    if (this.dials.has(key)) {
      if (this.ourDialWins(key)) return CloseReason.SimultaneousDial;
      this.abortDial(key, CloseReason.SimultaneousDial);
    }
    link.identify(address, key);
    return undefined;
  }

  /** Links to `group`: established, being dialled, and inbound past HELLO. */
  private countLinks(group: string): number {
    let n = 0;
    for (const l of this.opts.view.values()) if (l.group === group) n++;
    for (const a of this.dials.values()) if (a.group === group) n++;
    for (const l of this.inbound) if (l.key !== undefined && l.group === group) n++;
    return n;
  }

  /** The dialer proved its work: establish, answer PEER RESPONSE, PUSH the newcomer unless its dial was settled. */
  private inboundVerified(link: Link): void {
    this.handshakes.delete(link);
    this.inbound.delete(link);
    const { view } = this.opts;
    const key = link.key!;
    const address = link.peer!;
    if (view.has(key)) return link.close(CloseReason.DuplicateLink);
    const refusal = this.identityRefusal(link, key);
    if (refusal) return link.close(refusal.reason, refusal.detail);
    if (this.dials.has(key)) {
      if (this.ourDialWins(key)) return link.close(CloseReason.SimultaneousDial);
      this.abortDial(key, CloseReason.SimultaneousDial);
    }
    let victim: Link | undefined;
    if (view.isFull) {
      const decision = this.admission.whenFull(link);
      if ('refuse' in decision) return link.close(decision.refuse);
      victim = decision.evict;
      this.evict(victim, address, CloseReason.Evicted);
    }
    if (!link.send(this.messages.peerResponse(link, this.joinSample(key)))) return;
    this.establish(link, victim);
    // A settled dialer (enough links already: a shuffle, a refill) is not joining; PUSH is for joiners.
    if ((link.flags & HelloFlag.Settled) === 0) this.discovery.announce(link, address);
  }

  /**
   * The handshake's PEER RESPONSE to `newcomer`, `degree` addresses (at most `peerSampleSize`): up
   * to half of them neighbours, the rest a uniform sample of the verified known addresses (ones a
   * link was established with, never one a peer merely named, so a hostile peer cannot have this
   * node hand out its addresses). The neighbours alone made every joiner of a bootstrapper link to
   * the previous joiners (its view holds the latest), stretching the overlay into a chain. The
   * newcomer dials half of `degree` of what it is told (Discovery.learn): more would only cost bytes.
   */
  private joinSample(newcomer: string): PeerAddress[] {
    const { view, known, config } = this.opts;
    const size = Math.min(config.peerSampleSize, config.degree);
    const peers = view.sample(Math.ceil(size / 2), newcomer).map((l) => l.peer!);
    const taken = new Set(peers.map(formatPeerAddress));
    const more = known.sample(
      size - peers.length,
      (k) => k !== newcomer && k !== this.selfKey && !taken.has(k),
      true,
    );
    return peers.concat(more);
  }

  /**
   * Close `victim` to make room for `newcomer`. The victim first gets a PUSH for the newcomer,
   * which has room, so the path through this node usually becomes a path through the newcomer
   * instead of being cut (without it, items spread during the churn of a forming network are lost).
   * A hostile newcomer gains little by it: the victim dials it only within its own group limits
   * and its per-neighbour PUSH dial budget.
   */
  private evict(victim: Link, newcomer: PeerAddress, reason: CloseReason): void {
    victim.send(this.messages.push(victim, 1, newcomer));
    victim.close(reason, `making room for ${formatPeerAddress(newcomer)}`, true);
  }

  /** The listener's PEER RESPONSE arrived: establish and learn its sample. */
  private outboundEstablished(link: Link, peers: PeerAddress[]): void {
    this.handshakes.delete(link);
    const key = link.key!;
    const attempt = this.dials.get(key);
    if (attempt?.link === link) this.dials.delete(key);
    const { view } = this.opts;
    if (view.has(key)) return link.close(CloseReason.DuplicateLink);
    const refusal = this.identityRefusal(link, key);
    if (refusal) return link.close(refusal.reason, refusal.detail);
    let victim: Link | undefined;
    if (view.isFull) {
      if (!attempt?.shuffle) return link.close(CloseReason.ViewFull);
      const decision = this.admission.whenFull(link, true);
      if ('refuse' in decision) return link.close(decision.refuse);
      victim = decision.evict;
      this.evict(victim, link.peer!, CloseReason.Shuffled);
    }
    this.establish(link, victim);
    this.discovery.learn(peers, link.group);
  }

  /** Make `link` a neighbour; `victim`: the link closed to make room for it, if any. */
  private establish(link: Link, victim?: Link): void {
    const { view, counters, known, liveness, clock } = this.opts;
    link.since = clock.now();
    if (!view.add(link)) return link.close(CloseReason.ViewFull, 'no room left');
    link.state = 'established';
    counters.linksUp++;
    counters.handshakesOk++;
    known.add(link.peer!, link.group);
    known.markSucceeded(link.key!);
    liveness.track(link);
    link.logger.info({ peer: formatPeerAddress(link.peer!), neighbours: view.size }, 'neighbour up');
    this.opts.neighbourUp(link.peer!);
    if (victim !== undefined) this.opts.replaced?.(link, victim);
  }

  private onMessage(link: Link, msg: Message): void {
    if (link.state === 'handshaking') {
      const hs = this.handshakes.get(link);
      if (hs) hs.handle(msg);
      else link.close(CloseReason.UnexpectedMessage, `${typeName(msg.type)} during the handshake`);
      return;
    }
    // Any frame shows the neighbour alive (a PING reply only if it matches: Liveness judges those).
    if (msg.type !== MessageType.Ping) this.opts.liveness.heard(link);
    routeEstablished(link, msg, this.routes);
  }

  private onClose(link: Link, reason: CloseReason): void {
    const hs = this.handshakes.get(link);
    // Closed by the listener before it answered our HELLO: alive, but it refused us.
    const refused = hs instanceof OutboundHandshake && hs.awaitingListener && reason === CloseReason.ConnectionClosed;
    hs?.cancel();
    this.handshakes.delete(link);
    this.inbound.delete(link);
    const key = link.key;
    if (key !== undefined && this.dials.get(key)?.link === link) this.dials.delete(key);
    const { view, counters, known, liveness } = this.opts;
    const penalise = link.direction === 'outbound' || view.get(key ?? '') === link;
    if (key !== undefined && penalise && !NOT_PENALISED.has(reason)) {
      if (refused) known.markRefused(key);
      else known.markFailed(key);
    }
    if (view.remove(link)) {
      liveness.untrack(link);
      counters.linkDown(reason);
      if (this.stopped) return;
      link.logger.info({ peer: formatPeerAddress(link.peer!), reason, neighbours: view.size }, 'neighbour down');
      this.opts.neighbourDown(link.peer!);
    } else {
      counters.handshakeFailed(reason);
      if (this.stopped) return;
    }
    // An eviction makes room for a link that is about to take the slot.
    if (reason !== CloseReason.Evicted && reason !== CloseReason.Shuffled) this.discovery.afterLoss();
  }

}

/** A dial skipped because its group already has `maxLinksPerGroup` links. */
function countDialGroupFull(counters: Counters, key: string): void {
  counters.drops.drop('dial-group-full', { peer: key }, 'dial skipped: its network group has enough links');
}
