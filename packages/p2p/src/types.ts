import type { EventEmitter } from 'node:events';
import type { PeerAddress } from '@gossip5/protocol';
import type { HostIdentity } from './identity/host-identity.js';
import type { Transport } from './transport/types.js';

/** Structural logger (pino fits it). */
export interface Logger {
  child(bindings: Record<string, unknown>): Logger;
  debug(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

/** Time and timers, injected so tests can drive them. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Random bytes source, injected so nonces, ids and sampling can be seeded in tests. */
export type RandomBytes = (n: number) => Uint8Array;

/**
 * Finds a proof-of-work solution (8 bytes) for a VERIFICATION REQUEST. `signal` aborts when the
 * handshake that asked ends (timeout, close): the solver should then drop the job and reject.
 */
export type PowSolver = (
  nonce: Uint8Array,
  address: PeerAddress,
  difficulty: number,
  signal?: AbortSignal,
) => Promise<Uint8Array>;

/** One item spread over the network. */
export interface GossipItem {
  /** 64-bit id, unique in the network (random at the origin). */
  messageId: bigint;
  /** Remaining hops; 0 = unlimited. */
  ttl: number;
  dataType: number;
  data: Uint8Array;
}

/** An item this node accepted from a neighbour. */
export interface ReceivedItem extends GossipItem {
  /** Formatted PeerAddress of the neighbour that sent it (`127.0.0.1:6001`, `[::1]:6001`). */
  from: string;
}

/**
 * What the local modules made of an item: `valid` forwards it, `invalid` stops it,
 * `unsubscribed` (nobody local cares) forwards it unless `relayUnsubscribed` is false.
 */
export type Verdict = 'valid' | 'invalid' | 'unsubscribed';

/** The port through which whoever wires the node validates network items (the API server in the daemon). */
export interface Validator {
  validate(item: ReceivedItem): Promise<Verdict>;
  /**
   * Optional, the per-item path without a Promise; when present the node calls it instead of
   * `validate`. Hand the verdict on `item` to `decided(item, verdict)` exactly once, at once or
   * later, with the very object received (it carries what the node needs to go on). The node passes
   * the same `decided` on every call, so it may be kept rather than wrapped in a closure per item.
   */
  check?(item: ReceivedItem, decided: VerdictSink): void;
}

/** Where a Validator's `check` hands each verdict. */
export type VerdictSink = (item: ReceivedItem, verdict: Verdict) => void;

/** Options of one node. Optional fields default to the constants of `constants.ts`. */
export interface P2PInit {
  /** IP literal to listen on (`127.0.0.1`, `::1`). */
  host: string;
  /** 0 = any free port; the advertised PeerAddress uses the bound port. */
  port: number;
  /** Links in the view and spreading fan-out, >= 1. */
  degree: number;
  /** Items kept in the knowledge base (`cache_size`), >= 0. */
  cacheSize: number;
  /** ttl of PUSH for newcomers (`p2p_ttl`), 0..255; 0 sends no PUSH. */
  pushTtl: number;
  /** IP literal and port of the bootstrapper; absent: this node is a bootstrapper. */
  bootstrapper?: { host: string; port: number } | undefined;
  /** Seen ids are remembered at least this long (`-s`). */
  seenTtlMs: number;
  /** Leading zero bits asked of joining peers. Default DEFAULT_POW_DIFFICULTY (18). */
  powDifficulty?: number | undefined;
  /** Forward items no local module subscribed to. Default true. */
  relayUnsubscribed?: boolean | undefined;
  /** Highest difficulty this node solves when dialling. Default 24. */
  maxAcceptedDifficulty?: number | undefined;
  /** Default 10 s. */
  handshakeTimeoutMs?: number | undefined;
  /** Default 3 s. */
  dialTimeoutMs?: number | undefined;
  /** A neighbour not heard from (no frame) for this long is pinged. Default 5 s. */
  pingIntervalMs?: number | undefined;
  /** A neighbour still silent this long after our PING is dropped. Default 3 s. */
  pingTimeoutMs?: number | undefined;
  /** Default 5 s. */
  maintenanceIntervalMs?: number | undefined;
  /** Default 1 MiB. */
  sendQueueBytes?: number | undefined;
  /** Default 1,000. */
  knownPeersLimit?: number | undefined;
  /** Default 2,000,000 (DEFAULT_SEEN_LIMIT). */
  seenLimit?: number | undefined;
  /** Data bytes the knowledge base may hold besides its `cacheSize` items (DEFAULT_KNOWLEDGE_BASE_BYTES). */
  knowledgeBaseBytes?: number | undefined;
  /**
   * With lazy push: an item stays in the knowledge base at least this long, past `cacheSize`, so the
   * GRAFTs for it can still be served. Default: the longest a pull for it can take (IHAVE delay +
   * the longest pull wait + a retry per announcer + 2 s of transit; 14.5 s with the defaults).
   */
  knowledgeRetainMs?: number | undefined;
  /** Items the knowledge base holds at most while keeping young ones (DEFAULT_KNOWLEDGE_RETAIN_LIMIT). */
  knowledgeRetainLimit?: number | undefined;
  /** Default 64. */
  maxPendingHandshakes?: number | undefined;
  /** Default 1,024. */
  maxPendingValidations?: number | undefined;
  /** Default 1 s. */
  backoffMinMs?: number | undefined;
  /** Default 60 s. */
  backoffMaxMs?: number | undefined;
  /** Default 5 s. */
  dialRetryMs?: number | undefined;
  /** Default 3. */
  maxDialFailures?: number | undefined;
  /** Default 32. */
  peerSampleSize?: number | undefined;
  /** Default 30 s. */
  pushSuppressMs?: number | undefined;
  /** Default 4,096. */
  pushSeenLimit?: number | undefined;
  /** Default 10 s. */
  warnIntervalMs?: number | undefined;
  /** Default 60 s; 0 turns the shuffle off. */
  shuffleIntervalMs?: number | undefined;
  /** 0..1, default 0.25 (a bootstrapper always admits). */
  fullViewAdmitChance?: number | undefined;
  /**
   * Plumtree lazy push toward peers that offer it too (HELLO flag bit 0). Default true. False: eager
   * push to every neighbour, bit 0 not offered, no extension type ever sent.
   */
  lazyPush?: boolean | undefined;
  /** Default 1 s: an announced id not received within this is pulled (GRAFT). */
  pullTimeoutMs?: number | undefined;
  /** Default 500 ms: between pulls of one id from successive announcers. */
  pullRetryMs?: number | undefined;
  /**
   * Default 0 (off): an item that comes over the tree this many ms later than a lazy neighbour
   * announced it grafts that neighbour and prunes the sender (Plumtree's optimisation, timed).
   */
  lazyOptimizeMs?: number | undefined;
  /**
   * Default 500 ms: how long an id waits to be announced (IHAVE) to a lazy neighbour,
   * so that the ids of that time share one frame. 0: one IHAVE per link per event-loop turn.
   * Not used with `lazyOptimizeMs` (it needs IHAVEs to leave with the eager copies).
   */
  ihaveDelayMs?: number | undefined;
  /** Default 16: duplicates (less first copies) an eager link delivers before it is pruned (made lazy). */
  pruneAfterDuplicates?: number | undefined;
  /** Default 1: first copies an eager link delivers for one of its duplicates to be forgiven. */
  forgiveAfterFirstCopies?: number | undefined;
  /** Default 16,384: announced ids awaited at once. */
  maxPendingPulls?: number | undefined;
  /**
   * The HELLO address must have the IP the connection comes from (default true). Turn off only
   * where sources are rewritten (NAT, proxies): then a peer may claim any address.
   */
  verifyPeerAddress?: boolean | undefined;
  /**
   * Networks (`a.b.c.d/n`, `v6/n`) without per-group limits, each address its own group.
   * Default loopback (`127.0.0.0/8`, `::1/128`); add a LAN that runs many nodes, or pass [] to limit everything.
   */
  exemptNetworks?: readonly string[] | undefined;
  /** Links per network group (IPv4 /24, IPv6 /48), dials included. Default 2. */
  maxLinksPerGroup?: number | undefined;
  /** Inbound handshakes in progress per network group. Default 4. */
  maxHandshakesPerGroup?: number | undefined;
  /** Links a full view closes per minute for newcomers of one network group; 0: never evicts. Default 60. */
  maxEvictionsPerMinute?: number | undefined;
  /** Known addresses one source group may hold. Default 64. */
  knownPeersPerSource?: number | undefined;
  /** PUSHes read per neighbour per minute. Default 120. */
  pushesPerMinute?: number | undefined;
  /** Newcomers dialled per PUSHing neighbour per minute. Default 4. */
  pushDialsPerMinute?: number | undefined;
  /**
   * Originate items with content-derived ids and offer HELLO flag bit 1, so neighbours that set it
   * too check every id (default true).
   */
  contentIds?: boolean | undefined;
  /**
   * With an `identity`: also accept plaintext peers, and dial plaintext when TLS fails to an address
   * with no pinned identity (mixed or legacy networks). Default false: authenticated links only.
   * Without an identity the node is plaintext anyway.
   */
  allowPlaintext?: boolean | undefined;
  /**
   * The bootstrapper's identity (32 bytes), known out of band: pinned from the start, so even the
   * first dial cannot be answered by another key. Used only with an `identity`.
   */
  bootstrapperIdentity?: Uint8Array | undefined;
}

/** What the node uses from its surroundings. */
export interface P2PComponents {
  validator: Validator;
  /** Default: silent. */
  logger?: Logger | undefined;
  /** Default: the system clock. */
  clock?: Clock | undefined;
  /** Default: node:crypto randomBytes. */
  randomBytes?: RandomBytes | undefined;
  /** Default: solveProofOfWork of @gossip5/protocol in one worker thread per node. */
  powSolver?: PowSolver | undefined;
  /** Default: TCP (`tcpTransport`). The simulator and tests pass the in-memory transport. */
  transport?: Transport | undefined;
  /**
   * This node's hostkey identity (`createHostIdentity`). With it, links run over TLS 1.3 on top of
   * `transport` (which must then give node streams, as TCP does), authenticated by identity.
   * Without it, links are plaintext and unauthenticated.
   */
  identity?: HostIdentity | undefined;
}

/** Events of a P2PNode, for the typed EventEmitter. */
export interface P2PEvents {
  /** Every new (not seen before) item accepted from the network, before its verdict. */
  item: [item: ReceivedItem];
  'neighbour-up': [peer: PeerAddress];
  'neighbour-down': [peer: PeerAddress];
}

/** One established neighbour. */
export interface NeighbourInfo {
  address: PeerAddress;
  /** `outbound`: this node dialled it. */
  direction: 'inbound' | 'outbound';
  /** Clock time the link was established. */
  since: number;
  /** PEER NOTIFICATIONs received from it and sent to it over this link (duplicates included). */
  itemsIn: number;
  itemsOut: number;
  /** How items go to it now: whole (`eager`), as ids (`lazy`), or whole without lazy push (`plain`). */
  push: 'eager' | 'lazy' | 'plain';
  /** Hex SHA-256 of the key it proved, on an authenticated link; undefined on a plaintext one. */
  identity: string | undefined;
}

/** Counters of a node. Records are keyed by reason or by message name. */
export interface P2PStats {
  neighbours: number;
  knownPeers: number;
  knowledgeBase: number;
  /** Items evicted from the knowledge base to make room (it keeps the last `cacheSize`). */
  knowledgeBaseEvicted: number;
  /** Data bytes in the knowledge base (at most `knowledgeBaseBytes`). */
  knowledgeBaseBytes: number;
  /** Links whose reading is paused now because the validation backlog is full or their share is used. */
  linksPausedForBacklog: number;
  /** Times a link was paused for the validation backlog. */
  backlogPauses: number;
  seenIds: number;
  /** Addresses with a pinned identity (0 without a hostkey). */
  identityPins: number;
  pendingHandshakes: number;
  pendingDials: number;
  pendingValidations: number;
  linksUp: number;
  linksDown: number;
  /** Why established links went down. */
  linksDownByReason: Record<string, number>;
  handshakesOk: number;
  /** Why handshakes (inbound or outbound, dials included) did not end in a link. */
  handshakesFailed: Record<string, number>;
  itemsOriginated: number;
  itemsReceived: number;
  itemsDuplicate: number;
  itemsForwarded: number;
  itemsStoppedInvalid: number;
  itemsStoppedUnsubscribed: number;
  /** Items not forwarded because their ttl was 1. */
  itemsTtlExpired: number;
  /** Accepted items with no neighbour to forward to but the one they came from. */
  itemsNoOtherNeighbour: number;
  /** Items whose verdict came after stop(). */
  itemsUndecidedAtStop: number;
  /**
   * originate() calls whose content (data type and data) was already spread within -s: with
   * content-derived ids that is the same item, not sent again. `itemsOriginated +
   * itemsOriginatedDuplicate` = originate() calls that did not throw.
   */
  itemsOriginatedDuplicate: number;
  /**
   * PEER NOTIFICATIONs from established neighbours. The accounting identity, kept by construction
   * and asserted by the tests: every one ends in exactly one outcome.
   * `notificationsIn = itemsDuplicate + drops['validation-backlog-full'] + drops['forged-message-id'] + itemsReceived`, and
   * `itemsReceived = pendingValidations + itemsForwarded + itemsNoOtherNeighbour + itemsStoppedInvalid
   *  + itemsStoppedUnsubscribed + itemsTtlExpired + itemsUndecidedAtStop`.
   */
  notificationsIn: number;
  messagesSent: Record<string, number>;
  messagesReceived: Record<string, number>;
  /**
   * Lazy push (Plumtree). Payload copies received are `notificationsIn` (every PEER NOTIFICATION,
   * duplicates included); frames of IHAVE, GRAFT and PRUNE are in messagesSent/messagesReceived.
   */
  lazyPush: LazyPushStats;
  /** Everything dropped, by reason. */
  drops: Record<string, number>;
}

/** Lazy push counters of a node (all 0 with lazyPush off or no capable neighbour). */
export interface LazyPushCounters {
  /** IHAVE entries sent and received, and received ones for ids already seen. */
  ihaveIdsSent: number;
  ihaveIdsReceived: number;
  ihaveIdsKnown: number;
  /** Ids asked for by GRAFT, sent and received. */
  graftIdsSent: number;
  graftIdsReceived: number;
  prunesSent: number;
  prunesReceived: number;
  /** Items sent in answer to GRAFTs. */
  pullsServed: number;
  /** GRAFTed ids this node could not serve (not held, or not forwarded from here). */
  pullsMissed: number;
  /** Ids pulled from every announcer without the item arriving. */
  pullsAbandoned: number;
  /** Tree optimisations: an announcer that was `lazyOptimizeMs` faster grafted, the eager sender pruned. */
  treeSwaps: number;
}

/** Lazy push counters and gauges of a node. */
export interface LazyPushStats extends LazyPushCounters {
  /** Neighbours now pushed to whole although they negotiated lazy push (the tree's links). */
  eagerLinks: number;
  /** Neighbours now sent ids only. */
  lazyLinks: number;
  /** Neighbours without lazy push (always pushed to whole). */
  plainLinks: number;
  /** Announced ids awaited now (pull timers running). */
  pullsPending: number;
  /** GRAFTs sent for one id to one announcer. */
  pullsStarted: number;
}

/** A Gossip-5 overlay node. */
export interface P2PNode extends EventEmitter<P2PEvents> {
  /**
   * Listen and begin bootstrapping; resolves with the advertised address.
   * Rejects with the listen error itself (EADDRINUSE, ...).
   */
  start(): Promise<PeerAddress>;
  /** The advertised address once started. */
  readonly address: PeerAddress | undefined;
  /** Hex identity of this node's hostkey; undefined when it runs plaintext. */
  readonly identity: string | undefined;
  /**
   * Spread an item from this node: new random id, marked seen, stored, sent to every
   * neighbour with the given ttl. Throws P2PError GOSSIP_ERR_P2P_BAD_ITEM for a ttl
   * outside 0..255, a data type outside 0..65535 or more than 65519 data bytes, and
   * GOSSIP_ERR_P2P_BAD_STATE after stop().
   */
  originate(item: { ttl: number; dataType: number; data: Uint8Array }): bigint;
  /** Established neighbours. */
  neighbours(): PeerAddress[];
  /** The most bytes queued for sending on any one link now (cheap: for flow control). */
  maxSendQueuedBytes(): number;
  /** Items from the network awaiting a verdict now (cheap: for flow control). */
  pendingValidations(): number;
  /** Established neighbours with direction and age. */
  neighbourDetails(): NeighbourInfo[];
  /** Ask for a link to `address` (ignored when linked, dialling, full, or self). Returns true when a dial started. */
  connect(address: PeerAddress): boolean;
  /** Items of the knowledge base, oldest first. */
  knowledge(): GossipItem[];
  stats(): P2PStats;
  /** Close the listener and every link, cancel timers, stop the solver. Idempotent. */
  stop(): Promise<void>;
}
