import { formatPeerAddress, makePeerAddress, type PeerAddress } from '@gossip5/protocol';
import * as C from './constants.js';
import { DEFAULT_EXEMPT_NETWORKS, parseNetwork } from './net-group.js';
import { P2PError, P2PErrorCode } from './errors.js';
import { MAX_ANNOUNCERS_PER_ID, MAX_TIMEOUT_FACTOR } from './spread/pull-timers.js';
import type { P2PInit } from './types.js';

/** P2PInit with every default filled in and every value checked. */
export interface P2PConfig {
  host: string;
  port: number;
  degree: number;
  cacheSize: number;
  pushTtl: number;
  bootstrapper: PeerAddress | undefined;
  seenTtlMs: number;
  powDifficulty: number;
  relayUnsubscribed: boolean;
  maxAcceptedDifficulty: number;
  handshakeTimeoutMs: number;
  dialTimeoutMs: number;
  pingIntervalMs: number;
  pingTimeoutMs: number;
  maintenanceIntervalMs: number;
  sendQueueBytes: number;
  knownPeersLimit: number;
  seenLimit: number;
  knowledgeBaseBytes: number;
  knowledgeRetainMs: number;
  knowledgeRetainLimit: number;
  maxPendingHandshakes: number;
  maxPendingValidations: number;
  backoffMinMs: number;
  backoffMaxMs: number;
  dialRetryMs: number;
  maxDialFailures: number;
  peerSampleSize: number;
  pushSuppressMs: number;
  pushSeenLimit: number;
  warnIntervalMs: number;
  fullViewAdmitChance: number;
  shuffleIntervalMs: number;
  lazyPush: boolean;
  pullTimeoutMs: number;
  pullRetryMs: number;
  lazyOptimizeMs: number;
  ihaveDelayMs: number;
  pruneAfterDuplicates: number;
  forgiveAfterFirstCopies: number;
  maxPendingPulls: number;
  verifyPeerAddress: boolean;
  exemptNetworks: readonly string[];
  maxLinksPerGroup: number;
  maxHandshakesPerGroup: number;
  maxEvictionsPerMinute: number;
  knownPeersPerSource: number;
  pushesPerMinute: number;
  pushDialsPerMinute: number;
  contentIds: boolean;
  allowPlaintext: boolean;
  bootstrapperIdentity: Uint8Array | undefined;
}

function bad(field: string, message: string): never {
  throw new P2PError(P2PErrorCode.BadOption, `P2PInit.${field}: ${message}`);
}

function int(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    bad(field, `must be an integer in ${min}..${max}, got ${String(value)}`);
  }
  return value;
}

function opt(
  field: keyof P2PInit,
  init: P2PInit,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const value = init[field];
  return value === undefined ? fallback : int(field, value, min, max);
}

/**
 * The longest a GRAFT for an item can come after this node stored it: its IHAVE waits up to
 * `ihaveDelayMs`, the receiver waits at most MAX_TIMEOUT_FACTOR x `pullTimeoutMs` before its first
 * pull and `pullRetryMs` per further announcer, plus transit. The default `knowledgeRetainMs`.
 */
function pullWindowMs(ihaveDelayMs: number, pullTimeoutMs: number, pullRetryMs: number): number {
  return (
    ihaveDelayMs +
    MAX_TIMEOUT_FACTOR * pullTimeoutMs +
    MAX_ANNOUNCERS_PER_ID * pullRetryMs +
    C.PULL_TRANSIT_ALLOWANCE_MS
  );
}

function ip(field: string, host: unknown, port: number): PeerAddress {
  if (typeof host !== 'string') bad(field, 'must be an IP literal');
  try {
    return makePeerAddress(host, port);
  } catch (err) {
    return bad(field, err instanceof Error ? err.message : String(err));
  }
}

/** Check `init` and fill in the defaults; throws P2PError GOSSIP_ERR_P2P_BAD_OPTION naming the field. */
export function resolveConfig(init: P2PInit): P2PConfig {
  if (typeof init !== 'object' || init === null) bad('', 'must be an object');
  const port = int('port', init.port, 0, 65535);
  const host = ip('host', init.host, port).host;
  let bootstrapper: PeerAddress | undefined;
  if (init.bootstrapper !== undefined && init.bootstrapper !== null) {
    const b = init.bootstrapper;
    bootstrapper = ip('bootstrapper.host', b.host, int('bootstrapper.port', b.port, 1, 65535));
  }
  const pingIntervalMs = opt('pingIntervalMs', init, C.DEFAULT_PING_INTERVAL_MS, 1);
  const backoffMinMs = opt('backoffMinMs', init, C.DEFAULT_BACKOFF_MIN_MS, 1);
  const backoffMaxMs = opt('backoffMaxMs', init, C.DEFAULT_BACKOFF_MAX_MS, 1);
  if (backoffMaxMs < backoffMinMs) bad('backoffMaxMs', `must be at least backoffMinMs (${backoffMinMs})`);
  if (init.relayUnsubscribed !== undefined && typeof init.relayUnsubscribed !== 'boolean') {
    bad('relayUnsubscribed', 'must be a boolean');
  }
  if (typeof init.seenTtlMs !== 'number' || !(init.seenTtlMs >= 0) || !Number.isFinite(init.seenTtlMs)) {
    bad('seenTtlMs', `must be a finite number >= 0, got ${String(init.seenTtlMs)}`);
  }
  if (init.lazyPush !== undefined && typeof init.lazyPush !== 'boolean') bad('lazyPush', 'must be a boolean');
  for (const key of ['verifyPeerAddress', 'contentIds'] as const) {
    if (init[key] !== undefined && typeof init[key] !== 'boolean') bad(key, 'must be a boolean');
  }
  const exemptNetworks = init.exemptNetworks ?? DEFAULT_EXEMPT_NETWORKS;
  if (!Array.isArray(exemptNetworks)) bad('exemptNetworks', 'must be an array of networks (a.b.c.d/n, v6/n)');
  for (const n of exemptNetworks) {
    try {
      parseNetwork(String(n));
    } catch (err) {
      bad('exemptNetworks', err instanceof Error ? err.message : String(err));
    }
  }
  const pow = C.POW_DIFFICULTY_RANGE;
  if (init.allowPlaintext !== undefined && typeof init.allowPlaintext !== 'boolean') {
    bad('allowPlaintext', 'must be a boolean');
  }
  const bootId = init.bootstrapperIdentity;
  if (bootId !== undefined && (!(bootId instanceof Uint8Array) || bootId.length !== 32)) {
    bad('bootstrapperIdentity', 'must be 32 bytes (SHA-256 of the public key)');
  }
  const chance = init.fullViewAdmitChance ?? C.DEFAULT_FULL_VIEW_ADMIT_CHANCE;
  if (typeof chance !== 'number' || !(chance >= 0 && chance <= 1)) {
    bad('fullViewAdmitChance', `must be a number in 0..1, got ${String(chance)}`);
  }
  const pullTimeoutMs = opt('pullTimeoutMs', init, C.DEFAULT_PULL_TIMEOUT_MS, 1);
  const pullRetryMs = opt('pullRetryMs', init, C.DEFAULT_PULL_RETRY_MS, 1);
  const ihaveDelayMs = opt('ihaveDelayMs', init, C.DEFAULT_IHAVE_DELAY_MS, 0, 10_000);
  return {
    host,
    port,
    degree: int('degree', init.degree, 1, 65535),
    cacheSize: int('cacheSize', init.cacheSize, 0, Number.MAX_SAFE_INTEGER),
    pushTtl: int('pushTtl', init.pushTtl, 0, 255),
    bootstrapper,
    seenTtlMs: init.seenTtlMs,
    powDifficulty: opt('powDifficulty', init, C.DEFAULT_POW_DIFFICULTY, pow.min, pow.max),
    relayUnsubscribed: init.relayUnsubscribed ?? C.DEFAULT_RELAY_UNSUBSCRIBED,
    maxAcceptedDifficulty: opt('maxAcceptedDifficulty', init, C.DEFAULT_MAX_ACCEPTED_DIFFICULTY, pow.min, pow.max),
    handshakeTimeoutMs: opt('handshakeTimeoutMs', init, C.DEFAULT_HANDSHAKE_TIMEOUT_MS, 1),
    dialTimeoutMs: opt('dialTimeoutMs', init, C.DEFAULT_DIAL_TIMEOUT_MS, 1),
    pingIntervalMs,
    pingTimeoutMs: opt('pingTimeoutMs', init, C.DEFAULT_PING_TIMEOUT_MS, 1),
    maintenanceIntervalMs: opt('maintenanceIntervalMs', init, C.DEFAULT_MAINTENANCE_INTERVAL_MS, 1),
    sendQueueBytes: opt('sendQueueBytes', init, C.DEFAULT_SEND_QUEUE_BYTES, 65536),
    knownPeersLimit: opt('knownPeersLimit', init, C.DEFAULT_KNOWN_PEERS_LIMIT, 0),
    seenLimit: opt('seenLimit', init, C.DEFAULT_SEEN_LIMIT, 1),
    knowledgeBaseBytes: opt('knowledgeBaseBytes', init, C.DEFAULT_KNOWLEDGE_BASE_BYTES, 0),
    knowledgeRetainMs: opt('knowledgeRetainMs', init, pullWindowMs(ihaveDelayMs, pullTimeoutMs, pullRetryMs), 0),
    knowledgeRetainLimit: opt('knowledgeRetainLimit', init, C.DEFAULT_KNOWLEDGE_RETAIN_LIMIT, 1),
    maxPendingHandshakes: opt('maxPendingHandshakes', init, C.DEFAULT_MAX_PENDING_HANDSHAKES, 1),
    maxPendingValidations: opt('maxPendingValidations', init, C.DEFAULT_MAX_PENDING_VALIDATIONS, 1),
    backoffMinMs,
    backoffMaxMs,
    dialRetryMs: opt('dialRetryMs', init, C.DEFAULT_DIAL_RETRY_MS, 1),
    maxDialFailures: opt('maxDialFailures', init, C.DEFAULT_MAX_DIAL_FAILURES, 1),
    peerSampleSize: opt('peerSampleSize', init, C.DEFAULT_PEER_SAMPLE_SIZE, 1, C.MAX_ADDRESSES_PER_RESPONSE),
    pushSuppressMs: opt('pushSuppressMs', init, C.DEFAULT_PUSH_SUPPRESS_MS, 1),
    pushSeenLimit: opt('pushSeenLimit', init, C.DEFAULT_PUSH_SEEN_LIMIT, 1),
    warnIntervalMs: opt('warnIntervalMs', init, C.DEFAULT_WARN_INTERVAL_MS, 0),
    fullViewAdmitChance: chance,
    shuffleIntervalMs: opt('shuffleIntervalMs', init, C.DEFAULT_SHUFFLE_INTERVAL_MS, 0),
    lazyPush: init.lazyPush ?? C.DEFAULT_LAZY_PUSH,
    pullTimeoutMs,
    pullRetryMs,
    pruneAfterDuplicates: opt('pruneAfterDuplicates', init, C.DEFAULT_PRUNE_AFTER_DUPLICATES, 1, 1_000),
    forgiveAfterFirstCopies: opt('forgiveAfterFirstCopies', init, C.DEFAULT_FORGIVE_AFTER_FIRST_COPIES, 1, 1_000),
    lazyOptimizeMs: opt('lazyOptimizeMs', init, C.DEFAULT_LAZY_OPTIMIZE_MS, 0),
    ihaveDelayMs,
    maxPendingPulls: opt('maxPendingPulls', init, C.DEFAULT_MAX_PENDING_PULLS, 1),
    verifyPeerAddress: init.verifyPeerAddress ?? true,
    exemptNetworks: [...exemptNetworks],
    maxLinksPerGroup: opt('maxLinksPerGroup', init, C.DEFAULT_MAX_LINKS_PER_GROUP, 1),
    maxHandshakesPerGroup: opt('maxHandshakesPerGroup', init, C.DEFAULT_MAX_HANDSHAKES_PER_GROUP, 1),
    maxEvictionsPerMinute: opt('maxEvictionsPerMinute', init, C.DEFAULT_MAX_EVICTIONS_PER_MINUTE, 0),
    knownPeersPerSource: opt('knownPeersPerSource', init, C.DEFAULT_KNOWN_PEERS_PER_SOURCE, 1),
    pushesPerMinute: opt('pushesPerMinute', init, C.DEFAULT_PUSHES_PER_MINUTE, 1),
    pushDialsPerMinute: opt('pushDialsPerMinute', init, C.DEFAULT_PUSH_DIALS_PER_MINUTE, 0),
    contentIds: init.contentIds ?? true,
    allowPlaintext: init.allowPlaintext ?? false,
    bootstrapperIdentity: bootId,
  };
}

/** True when `config` makes the node a bootstrapper: no bootstrapper, or itself. */
export function isBootstrapper(config: P2PConfig, self: PeerAddress): boolean {
  return !config.bootstrapper || formatPeerAddress(config.bootstrapper) === formatPeerAddress(self);
}
