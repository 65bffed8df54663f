/**
 * Defaults of every timeout and limit of the overlay. Each can be overridden
 * through the matching optional field of `P2PInit`.
 */

/**
 * Leading zero bits a joining peer must find (`powDifficulty`). 2^18 hashes is
 * about 0.1 s on one core with the protocol's solver (~2.7 M hashes/s).
 */
export const DEFAULT_POW_DIFFICULTY = 18;

/**
 * The one range of proof-of-work difficulties: `powDifficulty` (asked of joiners),
 * `maxAcceptedDifficulty` (solved when dialling) and the daemon's `pow_difficulty` are all
 * validated against it, so no node can be configured to ask for work that others refuse.
 * 2^24 hashes is a few seconds of one core.
 */
export const POW_DIFFICULTY_RANGE = { min: 0, max: 24 } as const;

/**
 * Proof-of-work jobs one node's solver holds at once (the one being solved included); a dial
 * whose job does not fit fails at once (`pow-failed`, solver queue full) instead of waiting behind
 * listeners that ask for hard work.
 */
export const POW_SOLVER_QUEUE_LIMIT = 8;

/**
 * Highest difficulty this node agrees to solve when it dials (`maxAcceptedDifficulty`).
 * A listener asking for more is dropped instead of keeping the solver busy for minutes
 * (2^24 hashes is a few seconds).
 */
export const DEFAULT_MAX_ACCEPTED_DIFFICULTY = 24;

/** A handshake (HELLO to PEER RESPONSE, proof of work included) must finish within this (`handshakeTimeoutMs`). */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * A TCP connect must succeed within this (`dialTimeoutMs`): one SYN retransmission (Linux's first
 * retransmission timeout is 1 s) on a link of up to ~1 s round trip. Was 5 s: after a machine crash
 * every dial to a dead address holds a slot of the view that long, and the survivors' repair waited
 * on them (docs/simulation.md, silent machine crash).
 */
export const DEFAULT_DIAL_TIMEOUT_MS = 3_000;

/**
 * A neighbour not heard from for this long (no frame of any kind) is pinged (`pingIntervalMs`). A
 * link carrying traffic is never pinged, so this costs a PING and its reply per quiet link per
 * interval. Was 15 s after the last answer: a machine that vanished was noticed 15-25 s later, and 80 %
 * of machines crashing left 4.7 % of the survivors reached 5 s later (docs/simulation.md). 5 s and
 * 3 s to answer are the probe interval and timeout of a WAN gossip failure detector (HashiCorp
 * memberlist's WAN profile): 1 s and 2 s repaired a silent 80 % crash within 5 s (99 %) but would drop
 * the links of a daemon whose event loop stalls for 2 s (this 2-core machine under a 30-daemon burst
 * shows seconds of lag), and an idle network would ping every link every second.
 */
export const DEFAULT_PING_INTERVAL_MS = 5_000;

/**
 * A neighbour still silent this long after our PING is dropped (`pingTimeoutMs`): well above a
 * round trip, so a busy peer (whose every frame counts as an answer) is not dropped. Was 10 s.
 */
export const DEFAULT_PING_TIMEOUT_MS = 3_000;

/**
 * Period of the view maintenance (`maintenanceIntervalMs`): while the view is below
 * `degree` a PEER REQUEST goes to a random neighbour and one known address is dialled.
 */
export const DEFAULT_MAINTENANCE_INTERVAL_MS = 5_000;

/**
 * Bytes a link may hold unsent (`sendQueueBytes`). A neighbour that stops reading
 * is dropped when its queue would grow beyond this, instead of being buffered forever.
 */
export const DEFAULT_SEND_QUEUE_BYTES = 1024 * 1024;

/**
 * A link closed with a farewell (the PUSH sent to an evicted neighbour) lets its
 * queued bytes drain for at most this long of socket inactivity before it is destroyed.
 */
export const FAREWELL_FLUSH_MS = 5_000;

/** Known addresses kept for replacements (`knownPeersLimit`); the oldest is forgotten first. */
export const DEFAULT_KNOWN_PEERS_LIMIT = 1_000;

/**
 * Seen message ids kept in memory (`seenLimit`), in time-bucketed compact tables (16-32 bytes an
 * id: at most 64 MiB at the limit). Every id is kept at least `seenTtlMs` (-s) while fewer than
 * this many are held, so -s holds up to limit / (1.125 x -s) distinct items a second: about 5 900/s
 * with the default -s of 300 s, above what a node sustains in a network (see BENCHMARKS.md). Past it
 * the oldest generation is forgotten early (each id counted as `seen-evicted-early`, warned), so a
 * flood of distinct ids cannot make the node refuse every new item for -s.
 */
export const DEFAULT_SEEN_LIMIT = 2_000_000;

/**
 * Data bytes the knowledge base holds at most (`knowledgeBaseBytes`), whatever `cache_size` says:
 * `cache_size` items of up to 64 KiB each would otherwise allow gigabytes by accident.
 */
export const DEFAULT_KNOWLEDGE_BASE_BYTES = 16 * 1024 * 1024;

/**
 * Items the knowledge base holds at most while it keeps items younger than `knowledgeRetainMs`
 * past `cache_size` (`knowledgeRetainLimit`): 65 536 items, some 10 MB of entries beside their
 * data (which `knowledgeBaseBytes` bounds). A young item evicted at this limit is counted as
 * `knowledge-evicted-young`.
 */
export const DEFAULT_KNOWLEDGE_RETAIN_LIMIT = 65_536;

/** Transit allowed for in the default `knowledgeRetainMs`: an IHAVE there and a GRAFT back. */
export const PULL_TRANSIT_ALLOWANCE_MS = 2_000;

/**
 * Period of the shuffle (`shuffleIntervalMs`, jittered by up to half of it; 0 turns
 * it off): a node with a full view dials one random known address, and if it is
 * admitted its longest-established link gives way. Keeps the overlay mixing and
 * heals groups cut off from the rest.
 */
export const DEFAULT_SHUFFLE_INTERVAL_MS = 60_000;

/** Inbound connections still in the handshake at once (`maxPendingHandshakes`); more are refused. */
export const DEFAULT_MAX_PENDING_HANDSHAKES = 64;

/**
 * Items awaiting the Validator's verdict (`maxPendingValidations`). At it, every link stops being
 * read (TCP pushes back on the senders) until the backlog is down to half; a link holding more
 * than its share (this / neighbours) is paused on its own. Frames already read when a link is
 * paused are still taken, up to twice this; past that an item is dropped unmarked (counted as
 * `validation-backlog-full`), so a later copy may pass.
 */
export const DEFAULT_MAX_PENDING_VALIDATIONS = 1_024;

/** First delay before re-dialling the bootstrapper while the view is empty (`backoffMinMs`). */
export const DEFAULT_BACKOFF_MIN_MS = 1_000;

/** The bootstrapper re-dial delay doubles up to this (`backoffMaxMs`). */
export const DEFAULT_BACKOFF_MAX_MS = 60_000;

/** First cooldown of a known address after a failed dial (`dialRetryMs`); it doubles per failure. */
export const DEFAULT_DIAL_RETRY_MS = 5_000;

/** A known address is forgotten after this many failed dials in a row (`maxDialFailures`). */
export const DEFAULT_MAX_DIAL_FAILURES = 3;

/** Most addresses sent in one PEER RESPONSE (`peerSampleSize`), whatever the request asked for. */
export const DEFAULT_PEER_SAMPLE_SIZE = 32;

/**
 * Addresses read from one PEER RESPONSE. The rest are ignored (counted as
 * `peer-response-truncated`); the frame limit alone would allow about 9,000.
 */
export const MAX_ADDRESSES_PER_RESPONSE = 256;

/**
 * Newcomers heard of by PUSH while the view was full, kept (newest first) as
 * the first candidates when a link must be replaced: a newcomer has room.
 */
export const FRESH_CANDIDATES_LIMIT = 16;

/** A PUSH for the same newcomer is forwarded at most once per this long (`pushSuppressMs`). */
export const DEFAULT_PUSH_SUPPRESS_MS = 30_000;

/** Newcomer addresses remembered for PUSH suppression (`pushSeenLimit`). */
export const DEFAULT_PUSH_SEEN_LIMIT = 4_096;

/**
 * Chance that a node whose view is full still admits a newcomer, closing its
 * longest-established link to make room (`fullViewAdmitChance`). A bootstrapper
 * always admits. Without this, a group of nodes whose views are full of each
 * other could stay cut off from the rest forever; with it, nodes still looking
 * for links eventually get in, while a full view changes only now and then.
 */
export const DEFAULT_FULL_VIEW_ADMIT_CHANCE = 0.25;

/** A warning about drops of one reason is logged at most once per this long (`warnIntervalMs`). */
export const DEFAULT_WARN_INTERVAL_MS = 10_000;

/** Default: items whose type no local module subscribed to are relayed as opaque data. */
export const DEFAULT_RELAY_UNSUBSCRIBED = true;

/**
 * Hashes a solver tries per unit of expected work (2^difficulty) before giving up.
 * 16x the expectation fails with probability e^-16.
 */
export const POW_ATTEMPTS_FACTOR = 16;

/**
 * Default of `lazyPush` (`lazy_push` in the daemon's config): Plumtree lazy push on links whose
 * peer also offers it (HELLO flag bit 0). Off: eager push to every neighbour, and bit 0 not offered.
 */
export const DEFAULT_LAZY_PUSH = true;

/**
 * An id announced by IHAVE whose item has not arrived this long after (`pullTimeoutMs`) is pulled
 * with GRAFT. It must be longer than an item usually takes over the eager path (transit plus the
 * validation of each hop, plus the queue of a busy node), or a slow node grafts a faster neighbour,
 * then receives the original copy as a duplicate and prunes its tree parent: the tree churns and
 * copies multiply. 250 ms did that in bursts on a loaded 2-core machine (1.2-1.6 copies per node
 * per item instead of ~1.0); a lost item is repaired within this (plus a retry) anyway.
 */
export const DEFAULT_PULL_TIMEOUT_MS = 1_000;

/** After a GRAFT, the next announcer is asked this much later if the item still did not come (`pullRetryMs`). */
export const DEFAULT_PULL_RETRY_MS = 500;

/**
 * Plumtree's tree optimisation, timed (`lazyOptimizeMs`): an item that comes over an eager link this
 * much later than a lazy neighbour announced it swaps them (GRAFT the announcer, PRUNE the sender).
 * Off by default: one tree serves every origin, so a swap that helps one origin costs another, and
 * in the simulator (docs/simulation.md) 100 ms cut latency below eager push's but kept the tree
 * moving (1.46 payload sends per node per item instead of 1.04); 400 ms changed nothing.
 */
export const DEFAULT_LAZY_OPTIMIZE_MS = 0;

/**
 * IHAVE entries wait this long per lazy link (`ihaveDelayMs`), so the ids of that time leave in one
 * frame. Without it a node sends one IHAVE per lazy neighbour per item once items come one at a time:
 * as many frames as eager push sends copies (degree - 2 per node per item), only smaller. The delay
 * adds to a repair only (an id is pulled `pullTimeoutMs` after its IHAVE arrives), never to the tree.
 */
export const DEFAULT_IHAVE_DELAY_MS = 500;

/**
 * Duplicates (less first copies) an eager link delivers before it is pruned (`pruneAfterDuplicates`).
 * 1 is Plumtree's rule; with many origins in flight at once it cuts a cycle in several places and
 * the pieces pull and graft for ever (see EagerLazy). The tree then forms after about this many
 * items instead of one or two, each sent to every neighbour meanwhile.
 */
export const DEFAULT_PRUNE_AFTER_DUPLICATES = 16;

/**
 * First copies an eager link delivers for one of its duplicates to be forgiven
 * (`forgiveAfterFirstCopies`). A link on a cycle of the tree delivers first copies for most origins
 * and a duplicate for the few whose copies meet there, so with 1 it is never pruned.
 */
export const DEFAULT_FORGIVE_AFTER_FIRST_COPIES = 1;

/**
 * Announced ids awaited at once (`maxPendingPulls`), each with a timer and up to 4 announcers;
 * past it new announcements are ignored (counted as `pull-table-full`).
 */
export const DEFAULT_MAX_PENDING_PULLS = 16_384;
/** Links (inbound and outbound, dials included) to one network group (IPv4 /24, IPv6 /48) at once (`maxLinksPerGroup`). */
export const DEFAULT_MAX_LINKS_PER_GROUP = 2;

/** Inbound handshakes in progress from one network group at once (`maxHandshakesPerGroup`). */
export const DEFAULT_MAX_HANDSHAKES_PER_GROUP = 4;

/**
 * Links a full view closes for newcomers (admission and shuffle) of one network group per minute
 * (`maxEvictionsPerMinute`); past it a full view refuses that group, so reconnecting cannot churn the view.
 */
export const DEFAULT_MAX_EVICTIONS_PER_MINUTE = 60;

/**
 * Known addresses one source (the network group of the neighbour that told us) may hold
 * (`knownPeersPerSource`); more from it replace its own oldest.
 */
export const DEFAULT_KNOWN_PEERS_PER_SOURCE = 64;

/** PUSHes read from one neighbour per minute (`pushesPerMinute`); the rest are dropped. */
export const DEFAULT_PUSHES_PER_MINUTE = 120;

/** Newcomers dialled because one neighbour PUSHed them, per minute (`pushDialsPerMinute`). */
export const DEFAULT_PUSH_DIALS_PER_MINUTE = 4;

/**
 * Unsolicited PEER RESPONSEs (not answering our PEER REQUEST) a link may send: they are ignored
 * and counted; one more closes the link (`unsolicited-response`).
 */
export const MAX_UNSOLICITED_RESPONSES = 1;

/** Addresses whose identity a keyed node remembers (IdentityPins); the oldest pin is forgotten first. */
export const IDENTITY_PINS_LIMIT = 4_096;

/** ALPN protocol name of Gossip-5 over TLS: a TLS peer speaking anything else is refused. */
export const TLS_ALPN = 'gossip5/1';

