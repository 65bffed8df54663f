import type { P2PInit } from '@gossip5/p2p';
import type { LatencyModel } from './latency.js';

/** What happens around the publishing. */
export type Scenario =
  | { kind: 'steady' }
  /**
   * `percent` of the nodes crash at once after the overlay formed; publishing starts `repairMs` later.
   * A process crash (default): its kernel closes its sockets, so peers see their links end one delay
   * later and dials to it are refused. `silent`: the machine vanishes, peers notice only by timeouts.
   */
  | { kind: 'crash'; percent: number; silent: boolean }
  /** Nodes join and leave (Poisson, rates per second) while items are published. */
  | { kind: 'churn'; joinPerS: number; leavePerS: number; leave: 'crash' | 'stop' }
  /** The bootstrapper crashes silently after the overlay formed; publishing starts `repairMs` later. */
  | { kind: 'bootstrapper-death' };

export interface SimOptions {
  nodes: number;
  items: number;
  seed: number;
  scenario: Scenario;
  /** Items published per second of virtual time, each from a random live node. */
  publishPerS: number;
  /** ttl items are published with: 0 (unlimited, default) or 1..255. */
  publishTtl: number;
  /** Data bytes of each item (at least 4: the item index rides in them). */
  itemBytes: number;
  /** Nodes joining per second of virtual time while the network is built. */
  joinPerS: number;
  latency: LatencyModel;
  /** Chance 0..1 that a chunk is lost once and retransmitted 200 ms late (MemoryNetwork's loss model). */
  loss: number;
  /** Overrides of the per-node P2PInit (`--set key=value`), on top of SIM_NODE_DEFAULTS. */
  init: Partial<P2PInit> & Record<string, unknown>;
  /** Overrides for the bootstrapper (node 0) alone (`--boot-set key=value`), on top of `init`. */
  bootInit: Partial<P2PInit> & Record<string, unknown>;
  /** Longest wait, after the last join, for the overlay to be one connected graph. */
  formLimitMs: number;
  /** Crash scenarios: virtual time between the crash and the first publish. */
  repairMs: number;
  /** Longest wait after the last publish for deliveries. */
  drainMs: number;
  /** Called now and then (wall clock) with how far the run is. */
  onProgress?: ((p: Progress) => void) | undefined;
}

export interface Progress {
  phase: 'join' | 'form' | 'repair' | 'publish' | 'drain';
  done: number;
  total: number;
  virtualMs: number;
  /** What the phase is waiting for, when there is something to say (forming: nodes alone, components). */
  note?: string;
}

/**
 * P2PInit of every simulated node unless `--set` says otherwise: the daemon's defaults (peer.ini's
 * degree 8, its intervals and timeouts) except for what keeps 10 000+ nodes in one process small
 * and cheap. Each is a named limit in the engine; the simulator only picks smaller values:
 * - powDifficulty 4: the proof of work runs for real, inline, at 16 expected hashes (the daemon asks 18 bits).
 * - pushTtl 2 (daemon: 5): with degree 8 a PUSH of ttl 5 reaches everyone, so each new link would
 *   cost ~N x degree frames; at 3 it cost ~400, and PUSH handling was a third of building 6 000
 *   nodes. 2 (~60 frames: the admitter's neighbours and theirs) built 3 000 nodes with 22 % less
 *   CPU and a shorter overlay (mean hops 13.3 instead of 17.0, p95 501 instead of 651 ms).
 *   The daemon keeps 5: in a network of tens of nodes it reaches everyone, which is the point.
 * - cacheSize 64 (6.4 s of items at the default rate: what lazy push serves GRAFTs from), knownPeersLimit 64,
 *   pushSeenLimit 512: per-node memory.
 * - knowledgeRetainMs 6 000 (daemon: the whole pull window, 14.5 s): items stay pullable this long past
 *   cacheSize. A simulated node is never slowed by load, so its pull wait stays at pullTimeoutMs and
 *   a pull comes within the IHAVE delay, the wait, 4 retries and transit (~4 s); at the default rate
 *   this keeps 60 items, within cacheSize, where 14.5 s would keep 145 (71 MB of item copies at 2 000 nodes).
 */
export const SIM_NODE_DEFAULTS: Omit<P2PInit, 'host' | 'bootstrapper'> = {
  port: 6000,
  degree: 8,
  cacheSize: 64,
  pushTtl: 2,
  seenTtlMs: 300_000,
  powDifficulty: 4,
  knownPeersLimit: 64,
  pushSeenLimit: 512,
  knowledgeRetainMs: 6_000,
};

export const SIM_DEFAULTS: Omit<SimOptions, 'nodes' | 'items' | 'seed'> = {
  scenario: { kind: 'steady' },
  publishPerS: 10,
  publishTtl: 0,
  itemBytes: 256,
  joinPerS: 50,
  latency: { kind: 'uniform', minMs: 10, maxMs: 100 },
  loss: 0,
  init: {},
  bootInit: {},
  formLimitMs: 120_000,
  repairMs: 5_000,
  drainMs: 30_000,
};

/** `steady`, `crash:P` (process crash), `crash-silent:P` (machine crash), `churn[:JOIN:LEAVE[:stop]]` (per second; default 0.5 % of the nodes each), `bootstrapper-death`. */
export function parseScenario(text: string, nodes: number): Scenario {
  const [kind, ...rest] = text.split(':');
  if (kind === 'steady' && rest.length === 0) return { kind };
  if (kind === 'bootstrapper-death' && rest.length === 0) return { kind };
  if ((kind === 'crash' || kind === 'crash-silent') && rest.length === 1) {
    const percent = Number(rest[0]);
    if (!(percent >= 0 && percent < 100)) throw new Error(`--scenario ${text}: P must be in 0..100 (exclusive)`);
    return { kind: 'crash', percent, silent: kind === 'crash-silent' };
  }
  if (kind === 'churn' && rest.length <= 3) {
    const dflt = Math.max(0.1, nodes * 0.005);
    const joinPerS = rest[0] === undefined ? dflt : Number(rest[0]);
    const leavePerS = rest[1] === undefined ? joinPerS : Number(rest[1]);
    const leave = rest[2] ?? 'crash';
    if (!(joinPerS >= 0) || !(leavePerS >= 0) || (leave !== 'crash' && leave !== 'stop')) {
      throw new Error(`--scenario ${text}: expected churn[:JOIN_PER_S[:LEAVE_PER_S[:crash|stop]]]`);
    }
    return { kind, joinPerS, leavePerS, leave };
  }
  throw new Error(`--scenario ${text}: expected steady, crash:P, crash-silent:P, churn[:J[:L[:crash|stop]]] or bootstrapper-death`);
}

export function describeScenario(s: Scenario): string {
  switch (s.kind) {
    case 'crash':
      return `${s.silent ? 'crash-silent' : 'crash'}:${s.percent}`;
    case 'churn':
      return `churn:${s.joinPerS}:${s.leavePerS}:${s.leave}`;
    default:
      return s.kind;
  }
}
