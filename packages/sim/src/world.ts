import { createP2PNode, MemoryNetwork, type P2PInit, type P2PNode, type ReceivedItem } from '@gossip5/p2p';
import { acceptAll, inlineSolver, Scheduler, seededRandom } from '@gossip5/p2p/testing';
import { hostOf } from './hosts.js';
import { latencyFunction } from './latency.js';
import { SIM_NODE_DEFAULTS, type SimOptions } from './options.js';
import { mix32, nodeSeed, seededFloats } from './random.js';
import { Trace, TraceKind } from './trace.js';

/** Life of a simulated node. */
export const NodeState = { Absent: 0, Started: 1, Up: 2, Crashed: 3, Left: 4 } as const;

/**
 * The simulated machines: one Scheduler (virtual time), one MemoryNetwork, and real P2P nodes of
 * @gossip5/p2p, node i on host hostOf(i) port 6000, node 0 the bootstrapper of all others (as a
 * deployment of daemons sharing one `bootstrapper =` line). Each node has its own seeded random
 * bytes, the inline proof-of-work solver (no worker threads) and a validator that accepts everything.
 */
export class World {
  readonly scheduler = new Scheduler();
  readonly network: MemoryNetwork;
  readonly trace = new Trace();
  readonly nodes: (P2PNode | undefined)[] = [];
  readonly state: Uint8Array;
  /** Virtual time of a node's first neighbour (-1 before). */
  readonly upAt: Float64Array;
  /** Established links now, kept from the nodes' events. */
  readonly links: Int32Array;
  private readonly hostIndex = new Map<string, number>();
  private readonly keyIndex = new Map<string, number>();
  private readonly init: Omit<P2PInit, 'host'>;
  private upCount = 0;
  /** neighbour-up events so far (each link counted at both ends). */
  linkUps = 0;
  /** Nodes started so far (gone ones included). */
  started = 0;
  private aliveCount = 0;

  constructor(
    private readonly opts: SimOptions,
    /** Most nodes the run will ever start (churn adds some). */
    readonly capacity: number,
    onChunk: (chunk: Uint8Array) => void,
    private readonly onItem: (node: number, item: ReceivedItem) => void,
  ) {
    this.state = new Uint8Array(capacity);
    this.upAt = new Float64Array(capacity).fill(-1);
    this.links = new Int32Array(capacity);
    const lossRandom = seededFloats(mix32(opts.seed, 0x6c6f7373));
    this.network = new MemoryNetwork({
      clock: this.scheduler,
      latency: latencyFunction(opts.latency, mix32(opts.seed, 0x6c6174), (h) => this.indexOf(h)),
      loss: opts.loss,
      random: opts.loss > 0 ? lossRandom : undefined,
      onChunk: (_from, _to, chunk) => onChunk(chunk),
    });
    const port = (opts.init.port as number | undefined) ?? SIM_NODE_DEFAULTS.port;
    this.init = {
      ...SIM_NODE_DEFAULTS,
      ...opts.init,
      bootstrapper: { host: hostOf(0), port },
    } as Omit<P2PInit, 'host'>;
  }

  now(): number {
    return this.scheduler.now();
  }

  /** Nodes with a neighbour once and not gone since. */
  get up(): number {
    return this.upCount;
  }

  /** Nodes started and not gone. */
  get alive(): number {
    return this.aliveCount;
  }

  isUp(i: number): boolean {
    return this.state[i] === NodeState.Up;
  }

  indexOf(host: string): number {
    return this.hostIndex.get(host) ?? -1;
  }

  /** Index of the node whose formatted address is `key` (`10.0.3.1:6000`), -1 if none. */
  indexOfKey(key: string): number {
    return this.keyIndex.get(key) ?? -1;
  }

  /** Create and start node `i` now (node 0 is the bootstrapper). */
  start(i: number): void {
    if (i >= this.capacity) throw new Error(`node ${i} beyond the capacity of ${this.capacity}`);
    const host = hostOf(i);
    this.hostIndex.set(host, i);
    this.keyIndex.set(`${host}:${this.init.port}`, i);
    const node = createP2PNode(
      i === 0 ? { ...this.init, ...this.opts.bootInit, host } : { ...this.init, host },
      {
        validator: acceptAll,
        randomBytes: seededRandom(nodeSeed(this.opts.seed, i)),
        powSolver: inlineSolver,
        transport: this.network.endpoint(host),
        clock: this.scheduler,
      },
    );
    this.nodes[i] = node;
    this.state[i] = NodeState.Started;
    this.aliveCount++;
    this.started++;
    this.trace.add(TraceKind.Join, this.now(), i, 0);
    node.on('item', (item) => this.onItem(i, item));
    node.on('neighbour-up', (peer) => {
      this.links[i]!++;
      this.linkUps++;
      this.trace.add(TraceKind.LinkUp, this.now(), i, this.indexOf(peer.host));
      if (this.state[i] === NodeState.Started) {
        this.state[i] = NodeState.Up;
        this.upAt[i] = this.now();
        this.upCount++;
      }
    });
    node.on('neighbour-down', (peer) => {
      this.links[i]!--;
      this.trace.add(TraceKind.LinkDown, this.now(), i, this.indexOf(peer.host));
    });
    node.start().catch((err: unknown) => {
      throw new Error(`node ${i} did not start: ${String(err)}`);
    });
  }

  /**
   * Node `i` crashes. `silent` (the default): its machine vanishes, peers notice only by their own
   * timeouts. Otherwise only the process dies: its kernel closes its sockets (peers see their links
   * end one delay later) and refuses dials to it.
   */
  crash(i: number, silent = true): void {
    if (!this.gone(i, NodeState.Crashed)) return;
    this.trace.add(TraceKind.Crash, this.now(), i, 0);
    this.network.crash(hostOf(i), silent);
    // The process is gone too: its timers must not run on (stop() after the crash closes nothing visible).
    void this.nodes[i]!.stop();
    this.nodes[i] = undefined;
  }

  /** Node `i` shuts down cleanly: its peers see their links close one delay later. */
  leave(i: number): void {
    if (!this.gone(i, NodeState.Left)) return;
    this.trace.add(TraceKind.Leave, this.now(), i, 0);
    void this.nodes[i]!.stop();
    this.nodes[i] = undefined;
  }

  /** Indices of the nodes up now. */
  upNodes(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.nodes.length; i++) if (this.state[i] === NodeState.Up) out.push(i);
    return out;
  }

  /**
   * How far the overlay is from formed: live nodes without a neighbour yet (`alone`), and the
   * connected components of the others over established links between live nodes (`components`).
   * `formed`: one connected overlay (every live node has a neighbour, all reach each other).
   */
  formation(): { alone: number; components: number; formed: boolean } {
    let alone = 0;
    let components = 0;
    const seen = new Uint8Array(this.nodes.length);
    const stack: number[] = [];
    for (let i = 0; i < this.nodes.length; i++) {
      const s = this.state[i];
      if (s === NodeState.Started) alone++;
      if (s !== NodeState.Up || seen[i]) continue;
      components++;
      seen[i] = 1;
      stack.push(i);
      while (stack.length > 0) {
        const node = this.nodes[stack.pop()!]!;
        for (const p of node.neighbours()) {
          const j = this.indexOf(p.host);
          if (j < 0 || seen[j] || this.state[j] !== NodeState.Up) continue;
          seen[j] = 1;
          stack.push(j);
        }
      }
    }
    return { alone, components, formed: alone === 0 && components <= 1 };
  }

  /** The engine's drop counters (each a reason something was dropped or refused), summed over the live nodes. */
  drops(): Record<string, number> {
    const sum: Record<string, number> = {};
    for (const node of this.nodes) {
      if (node === undefined) continue;
      for (const [reason, n] of Object.entries(node.stats().drops)) sum[reason] = (sum[reason] ?? 0) + n;
    }
    return Object.fromEntries(Object.entries(sum).sort((a, b) => a[0].localeCompare(b[0])));
  }

  /** Established links of the live nodes (each counted at both ends). */
  degrees(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.nodes.length; i++) if (this.state[i] === NodeState.Up) out.push(this.links[i]!);
    return out;
  }

  private gone(i: number, how: number): boolean {
    const s = this.state[i];
    if (s !== NodeState.Started && s !== NodeState.Up) return false;
    if (s === NodeState.Up) this.upCount--;
    this.aliveCount--;
    this.state[i] = how;
    return true;
  }
}
