/**
 * Starts real gossip daemon processes on 127.0.0.1 with free ports, for the
 * end-to-end tests, `pnpm demo` and the benchmarks. Every node gets a status port
 * (metrics_address): its neighbours and subscriptions are read from GET /status,
 * never from the wording of log lines. The JSON log lines are kept for tests
 * that check logging itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort, waitFor } from '@gossip5/testkit';

export const DAEMON_MAIN = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/main.js');

/** Lines of log kept per node (a test harness must be bounded too). */
export const MAX_LOG_LINES = 20_000;

/** How often waits on a node's /status poll it. */
export const STATUS_POLL_MS = 25;

/** The part of a daemon's GET /status the harness reads. */
export interface NodeStatus {
  address: string;
  neighbours: Array<{ address: string; direction: string; items_in: number; items_out: number }>;
  known_peers: number;
  modules: Array<{ remote: string; data_types: number[] }>;
  counters: { p2p: { linksUp: number; linksDown: number; itemsStoppedInvalid: number; [counter: string]: unknown }; [part: string]: unknown };
}

/** Tries to start one node when its ports were taken between choosing and binding them. */
export const START_ATTEMPTS = 3;

export interface NodeOptions {
  degree?: number;
  cacheSize?: number;
  p2pTtl?: number;
  powDifficulty?: number;
  /** -v in seconds. */
  validationTimeout?: number;
  /** -s in seconds. */
  spreadSuppression?: number;
  /** Extra `key = value` lines for the [gossip] section. */
  extra?: Record<string, string | number | boolean>;
  logLevel?: string;
  /**
   * Arguments for node itself, before the daemon's script (e.g. `--cpu-prof`, `--cpu-prof-dir=...`):
   * the same for every node, or chosen per node index.
   */
  nodeArgs?: string[] | ((index: number) => string[]);
  /** The daemon's entry script (default DAEMON_MAIN, this package's dist/main.js): another build, for A/B runs. */
  daemonMain?: string;
  /**
   * Start each daemon in a process group of its own, so a Ctrl-C at the terminal reaches only the
   * caller, which then stops them with one SIGTERM (a second signal would cut their stop short).
   * They still stop by themselves if the caller dies (GOSSIP5_WATCH_PARENT=1). For `pnpm demo`.
   */
  ownProcessGroup?: boolean;
  /** Give every node a fresh hostkey of this type (authenticated TLS links); absent: plaintext. */
  hostkey?: 'ed25519' | 'rsa' | undefined;
}

export interface LogLine {
  level?: number;
  msg?: string;
  component?: string;
  [key: string]: unknown;
}

/** The environment for a child daemon: ours without the test runner's TypeScript loader. */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.NODE_OPTIONS;
  return env;
}

export class DaemonProcess extends EventEmitter {
  /** Every daemon process started and not yet exited, so a failing caller can still clean up. */
  static readonly live = new Set<DaemonProcess>();

  /** SIGKILL every live daemon at once (synchronous: safe in a process 'exit' handler). */
  static killAllNow(): void {
    for (const d of DaemonProcess.live) d.child.kill('SIGKILL');
  }

  readonly logs: LogLine[] = [];
  readonly stderr: string[] = [];
  /** The neighbours' P2P addresses as of the last `refresh()` (GET /status). */
  readonly neighbours = new Set<string>();
  /** The last GET /status read by `refresh()`. */
  lastStatus: NodeStatus | undefined;
  exitCode: number | null | undefined;
  /** The `stats` of the last `gossip daemon stopped` line (kept even when `logs` is full). */
  finalStats: Record<string, unknown> | undefined;
  readonly exited: Promise<number | null>;
  readonly started: Promise<void>;
  private child: ChildProcess;

  constructor(
    readonly name: string,
    readonly configPath: string,
    readonly apiPort: number,
    readonly p2pPort: number,
    args: string[],
    nodeArgs: string[] = [],
    main: string = DAEMON_MAIN,
    /** The port of its metrics_address, when the config sets one (LocalNetwork always does). */
    readonly statusPort?: number,
    ownProcessGroup = false,
  ) {
    super();
    this.child = spawn(process.execPath, [...nodeArgs, main, '-c', configPath, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: childEnv({ INIT_CWD: dirname(configPath), ...(ownProcessGroup ? { GOSSIP5_WATCH_PARENT: '1' } : {}) }),
      detached: ownProcessGroup,
    });
    DaemonProcess.live.add(this);
    // 'close' rather than 'exit': it comes after stdout was read to the end, so the last log line is in.
    this.exited = new Promise((res) => {
      this.child.once('close', (code) => {
        DaemonProcess.live.delete(this);
        this.exitCode = code;
        this.emit('exit', code);
        res(code);
      });
    });
    this.started = new Promise((res, rej) => {
      const onLine = (line: LogLine) => {
        if (typeof line.msg === 'string' && line.msg.startsWith('gossip daemon started')) {
          this.off('line', onLine);
          res();
        }
      };
      this.on('line', onLine);
      this.once('exit', (code) =>
        rej(new Error(`${name} exited with ${code} before starting: ${this.stderr.join('\n')}`)),
      );
    });
    this.started.catch(() => undefined);
    createInterface({ input: this.child.stdout! }).on('line', (text) => {
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        line = { msg: text };
      }
      if (this.logs.length < MAX_LOG_LINES) this.logs.push(line);
      if (line.msg === 'gossip daemon stopped' && typeof line.stats === 'object' && line.stats !== null) {
        this.finalStats = line.stats as Record<string, unknown>;
      }
      this.emit('line', line);
    });
    createInterface({ input: this.child.stderr! }).on('line', (text) => {
      if (this.stderr.length < MAX_LOG_LINES) this.stderr.push(text);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get p2pAddress(): string {
    return `127.0.0.1:${this.p2pPort}`;
  }

  /** GET /status of this node (it must have a status port). */
  async status(): Promise<NodeStatus> {
    if (this.statusPort === undefined) throw new Error(`${this.name} has no status port (metrics_address)`);
    const res = await fetch(`http://127.0.0.1:${this.statusPort}/status`);
    if (res.status !== 200) throw new Error(`${this.name}: GET /status answered ${res.status}`);
    return (await res.json()) as NodeStatus;
  }

  /** Read /status into `neighbours` and `lastStatus`; undefined (and nothing changed) when it does not answer. */
  async refresh(): Promise<NodeStatus | undefined> {
    if (this.exitCode !== undefined) return undefined;
    let status: NodeStatus;
    try {
      status = await this.status();
    } catch {
      return undefined;
    }
    this.lastStatus = status;
    this.neighbours.clear();
    for (const n of status.neighbours) this.neighbours.add(n.address);
    return status;
  }

  /** Wait until the module connected from `remote` is subscribed to every type in `types`, as /status says. */
  async waitForSubscription(remote: string, types: number[], timeoutMs = 10_000): Promise<void> {
    await waitFor(
      async () => {
        const m = (await this.refresh())?.modules.find((x) => x.remote === remote);
        return m !== undefined && types.every((t) => m.data_types.includes(t));
      },
      { what: `${this.name} to list ${remote} as subscribed to ${types.join(',') || 'nothing'}`, timeoutMs, intervalMs: STATUS_POLL_MS },
    );
  }

  /** Send a signal (default SIGTERM) and wait for the exit code. */
  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.exitCode === undefined) this.child.kill(signal);
    return this.exited;
  }
}

export interface LocalNetworkOptions extends NodeOptions {
  n: number;
  /** Where configs are written (default: a new temp folder, removed on stop). */
  dir?: string;
}

/** Write one INI for a node. */
export function iniText(
  p2pPort: number,
  apiPort: number,
  bootstrapperPort: number | undefined,
  o: NodeOptions,
  statusPort?: number,
  hostkeyFile?: string,
): string {
  const lines = [
    ...(hostkeyFile !== undefined ? [`hostkey = ${hostkeyFile}`] : []),
    '[gossip]',
    `cache_size = ${o.cacheSize ?? 1000}`,
    `degree = ${o.degree ?? 4}`,
    `p2p_ttl = ${o.p2pTtl ?? 5}`,
    `p2p_address = 127.0.0.1:${p2pPort}`,
    `api_address = 127.0.0.1:${apiPort}`,
    `pow_difficulty = ${o.powDifficulty ?? 8}`,
  ];
  if (bootstrapperPort !== undefined) lines.push(`bootstrapper = 127.0.0.1:${bootstrapperPort}`);
  if (statusPort !== undefined) lines.push(`metrics_address = 127.0.0.1:${statusPort}`);
  for (const [k, v] of Object.entries(o.extra ?? {})) lines.push(`${k} = ${String(v)}`);
  return `${lines.join('\n')}\n`;
}

export class LocalNetwork {
  private constructor(
    readonly nodes: DaemonProcess[],
    private readonly dir: string,
    private readonly ownDir: boolean,
  ) {}

  /** Start node 0 as the bootstrapper, then the others pointing at it. Resolves once all have started. */
  static async start(options: LocalNetworkOptions): Promise<LocalNetwork> {
    const ownDir = options.dir === undefined;
    const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'gossip5-net-')));
    const nodes: DaemonProcess[] = [];
    const net = new LocalNetwork(nodes, dir, ownDir);
    try {
      const spawnNode = async (i: number, bootstrapperPort: number | undefined) => {
        const p2pPort = await freePort();
        const apiPort = await freePort();
        const statusPort = await freePort();
        const file = join(dir, `node${i}.ini`);
        let hostkeyFile: string | undefined;
        if (options.hostkey) {
          hostkeyFile = join(dir, `node${i}.key.pem`);
          const { privateKey } =
            options.hostkey === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
          await writeFile(hostkeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
        }
        await writeFile(file, iniText(p2pPort, apiPort, bootstrapperPort, options, statusPort, hostkeyFile));
        const args = ['--log-level', options.logLevel ?? 'info'];
        if (options.validationTimeout !== undefined) args.push('-v', String(options.validationTimeout));
        if (options.spreadSuppression !== undefined) args.push('-s', String(options.spreadSuppression));
        const nodeArgs = typeof options.nodeArgs === 'function' ? options.nodeArgs(i) : options.nodeArgs;
        const node = new DaemonProcess(`node${i}`, file, apiPort, p2pPort, args, nodeArgs, options.daemonMain, statusPort, options.ownProcessGroup);
        nodes[i] = node;
        return node;
      };
      /**
       * A port freePort() found free can be taken before the daemon binds it, by another
       * daemon's outgoing connection (both come from the ephemeral range): retry with new ports.
       */
      const started = async (i: number, node: DaemonProcess, bootstrapperPort: number | undefined) => {
        for (let attempt = 1; ; attempt++) {
          try {
            await node.started;
            return node;
          } catch (err) {
            const inUse = node.stderr.some((l) => l.includes('address already in use'));
            if (!inUse || attempt >= START_ATTEMPTS) throw err;
            node = await spawnNode(i, bootstrapperPort);
          }
        }
      };
      const boot = await started(0, await spawnNode(0, undefined), undefined);
      const rest = [];
      for (let i = 1; i < options.n; i++) rest.push(await spawnNode(i, boot.p2pPort));
      await Promise.all(rest.map((n, k) => started(k + 1, n, boot.p2pPort)));
      return net;
    } catch (err) {
      await net.stop();
      throw err;
    }
  }

  /** Read every live node's /status (see DaemonProcess.refresh). */
  async refresh(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.refresh()));
  }

  /** `refresh()`, then `isConnected()`: for `waitFor(() => net.connected(), { intervalMs: STATUS_POLL_MS })`. */
  async connected(): Promise<boolean> {
    await this.refresh();
    return this.isConnected();
  }

  /** True when every live node has a neighbour and the neighbour graph (as of the last refresh) is connected. */
  isConnected(): boolean {
    const live = this.nodes.filter((n) => n.exitCode === undefined);
    if (live.length <= 1) return true;
    const byAddr = new Map(live.map((n) => [n.p2pAddress, n]));
    const seen = new Set<string>([live[0]!.p2pAddress]);
    const queue = [live[0]!];
    while (queue.length > 0) {
      const node = queue.shift()!;
      for (const peer of node.neighbours) {
        if (!seen.has(peer) && byAddr.has(peer)) {
          seen.add(peer);
          queue.push(byAddr.get(peer)!);
        }
      }
    }
    return seen.size === live.length && live.every((n) => n.neighbours.size > 0);
  }

  /** Stop every node with SIGTERM and return their exit codes; removes the temp folder. */
  async stop(): Promise<Array<number | null>> {
    const codes = await Promise.all(this.nodes.filter(Boolean).map((n) => n.kill('SIGTERM')));
    if (this.ownDir) await rm(this.dir, { recursive: true, force: true });
    return codes;
  }
}
