import { once } from 'node:events';
import { formatPeerAddress, solveProofOfWork, type PeerAddress } from '@gossip5/protocol';
import { createP2PNode } from '../node.js';
import type { Transport } from '../transport/types.js';
import type { Clock, Logger, P2PInit, P2PNode, PowSolver, Validator } from '../types.js';
import type { Scheduler } from './scheduler.js';
import { seededRandom } from './seeded-random.js';

/** PoW difficulty of test networks: cheap enough to solve inline. */
export const TEST_POW_DIFFICULTY = 4;

/**
 * Solves on the calling thread. Only for tests and benchmarks with a low
 * difficulty; a real node solves in a worker.
 */
export const inlineSolver: PowSolver = async (nonce, address, difficulty) => {
  const solution = solveProofOfWork(nonce, address, difficulty);
  if (!solution) throw new Error('no solution');
  return solution;
};

/** A validator that passes everything. */
export const acceptAll: Validator = { validate: async () => 'valid' };

/**
 * How the nodes find each other: `bootstrap`: node 0 is the bootstrapper of
 * all others; `chain`: node i bootstraps from node i-1; `none`: every node is
 * a bootstrapper (link them with `connect`).
 */
export type Topology = 'bootstrap' | 'chain' | 'none';

export interface NetworkOptions {
  n: number;
  topology?: Topology;
  /**
   * `sequential` (default): each node is started once the one before it has a
   * neighbour, like nodes joining one after another. `concurrent`: all start at once.
   * Either way `startNetwork` resolves once every node is listening.
   */
  join?: 'sequential' | 'concurrent';
  /** Overrides for every node, on top of TEST_NODE_DEFAULTS. */
  init?: Partial<P2PInit>;
  /** Per-node overrides, applied last. */
  nodeInit?: (index: number) => Partial<P2PInit>;
  /** Node i gets randomBytes seeded with seed + i (default 1). */
  seed?: number;
  /** Default: accept everything. */
  validator?: (index: number) => Validator;
  logger?: (index: number) => Logger;
  /** Default: inlineSolver. */
  powSolver?: PowSolver;
  /** Default: TCP. Node i's transport (e.g. `memory.endpoint(host)`). */
  transport?: (index: number) => Transport;
  /** Default: the system clock. */
  clock?: Clock;
  /**
   * Drives virtual time while a joining node waits for its first neighbour (with a Scheduler as `clock`
   * nothing else moves time). Joins must finish within `joinLimitMs` of virtual time (default 60 s).
   */
  scheduler?: Scheduler;
  joinLimitMs?: number;
}

/** Defaults of test networks: loopback, port 0, low PoW, short but real intervals. */
export const TEST_NODE_DEFAULTS: Omit<P2PInit, 'bootstrapper'> = {
  host: '127.0.0.1',
  port: 0,
  degree: 4,
  cacheSize: 100,
  pushTtl: 3,
  seenTtlMs: 60_000,
  powDifficulty: TEST_POW_DIFFICULTY,
  handshakeTimeoutMs: 5_000,
  dialTimeoutMs: 2_000,
  pingIntervalMs: 1_000,
  pingTimeoutMs: 3_000,
  maintenanceIntervalMs: 100,
  backoffMinMs: 50,
  backoffMaxMs: 1_000,
  dialRetryMs: 200,
  shuffleIntervalMs: 0,
};

export interface TestNetwork {
  /** Every node started, in index order (stopped ones included). */
  readonly nodes: P2PNode[];
  /** Advertised address of node i. */
  readonly addresses: PeerAddress[];
  /** Stop node i (idempotent). */
  stopNode(index: number): Promise<void>;
  /** Indices of nodes not stopped through this handle. */
  alive(): number[];
  /** Neighbour lists of the live nodes, by formatted address. */
  graph(): Map<string, string[]>;
  /** True when the live nodes form one connected, symmetric graph (A lists B iff B lists A). */
  isConnected(): boolean;
  stop(): Promise<void>;
}

/** Start `n` real nodes on loopback in this process. Node 0 starts first; the others follow in order. */
export async function startNetwork(options: NetworkOptions): Promise<TestNetwork> {
  const { n, topology = 'bootstrap', seed = 1 } = options;
  const nodes: P2PNode[] = [];
  const addresses: PeerAddress[] = [];
  const stopped = new Set<number>();
  const net: TestNetwork = {
    nodes,
    addresses,
    async stopNode(index) {
      stopped.add(index);
      await nodes[index]?.stop();
    },
    alive: () => nodes.map((_, i) => i).filter((i) => !stopped.has(i)),
    graph() {
      const g = new Map<string, string[]>();
      for (const i of net.alive()) {
        g.set(formatPeerAddress(addresses[i]!), nodes[i]!.neighbours().map(formatPeerAddress));
      }
      return g;
    },
    isConnected: () => isConnectedGraph(net.graph()),
    async stop() {
      await Promise.all(nodes.map((_, i) => net.stopNode(i)));
    },
  };
  try {
    for (let i = 0; i < n; i++) {
      let bootstrapper: PeerAddress | undefined;
      if (i > 0 && topology === 'bootstrap') bootstrapper = addresses[0];
      if (i > 0 && topology === 'chain') bootstrapper = addresses[i - 1];
      const node = createP2PNode(
        { ...TEST_NODE_DEFAULTS, ...options.init, bootstrapper, ...options.nodeInit?.(i) },
        {
          validator: options.validator?.(i) ?? acceptAll,
          logger: options.logger?.(i),
          randomBytes: seededRandom(seed + i),
          powSolver: options.powSolver ?? inlineSolver,
          transport: options.transport?.(i),
          clock: options.clock ?? options.scheduler,
        },
      );
      nodes.push(node);
      const waits = i > 0 && topology !== 'none' && (options.join ?? 'sequential') === 'sequential';
      const scheduler = options.scheduler;
      const joined = waits && !scheduler ? once(node, 'neighbour-up') : undefined;
      addresses.push(await node.start());
      if (joined) await joined;
      if (waits && scheduler) {
        const limit = scheduler.now() + (options.joinLimitMs ?? 60_000);
        if (!(await scheduler.runUntil(() => node.neighbours().length > 0, limit))) {
          throw new Error(`node ${i} found no neighbour within ${options.joinLimitMs ?? 60_000} ms of virtual time`);
        }
      }
    }
  } catch (err) {
    await net.stop();
    throw err;
  }
  return net;
}

/** Connected and symmetric: every listed neighbour lists back, and every node is reachable from the first. */
export function isConnectedGraph(graph: Map<string, string[]>): boolean {
  const keys = [...graph.keys()];
  if (keys.length === 0) return true;
  for (const [k, ns] of graph) {
    for (const m of ns) if (!graph.get(m)?.includes(k)) return false;
  }
  const seen = new Set<string>([keys[0]!]);
  const queue = [keys[0]!];
  while (queue.length > 0) {
    for (const m of graph.get(queue.pop()!) ?? []) {
      if (!seen.has(m)) {
        seen.add(m);
        queue.push(m);
      }
    }
  }
  return seen.size === keys.length;
}
