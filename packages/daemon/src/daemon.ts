import type { Server } from 'node:http';
import { createApiServer, type ApiServer, type ApiStats } from '@gossip5/api';
import {
  createP2PNode,
  DEFAULT_EXEMPT_NETWORKS,
  type HostIdentity,
  type P2PNode,
  type P2PStats,
  type PowSolver,
  type RandomBytes,
  type Transport,
} from '@gossip5/p2p';
import { formatPeerAddress } from '@gossip5/protocol';
import { pino, type Logger } from 'pino';
import { AnnounceFlow } from './announce-flow.js';
import { Bridge, type BridgeStats } from './bridge.js';
import { every, systemClock, type Clock } from './clock.js';
import type { GossipConfig } from './config.js';
import { createMetrics } from './metrics.js';
import { Timings } from './timings.js';
import { createStatusServer } from './status-server.js';
import { LiveEvents } from './live/events.js';

/** How often the daemon logs its counters at info level. */
export const STATS_INTERVAL_MS = 60_000;

export interface ListenError extends Error {
  code: 'GOSSIP_ERR_LISTEN';
  key: 'api_address' | 'p2p_address' | 'metrics_address';
}

/** Wraps a bind failure (EADDRINUSE, EACCES, EADDRNOTAVAIL) into one operator-readable line. */
function listenError(err: unknown, key: ListenError['key'], text: string, file: string): ListenError {
  // The api and p2p packages wrap the bind error; the errno code is on the innermost cause.
  let cause = err as NodeJS.ErrnoException & { cause?: unknown };
  while (typeof cause === 'object' && cause !== null && cause.syscall === undefined && cause.cause) {
    cause = cause.cause as NodeJS.ErrnoException & { cause?: unknown };
  }
  const why =
    cause?.code === 'EADDRINUSE'
      ? 'address already in use'
      : cause?.code === 'EACCES'
        ? 'permission denied'
        : cause?.code === 'EADDRNOTAVAIL'
          ? 'address not available on this machine'
          : (cause?.message ?? String(err));
  const e = new Error(`${file}: [gossip] ${key}: cannot listen on ${text}: ${why}`) as ListenError;
  e.code = 'GOSSIP_ERR_LISTEN';
  e.key = key;
  return e;
}

/** Everything the daemon counts. */
export interface DaemonStats {
  bridge: BridgeStats;
  announceFlow: { paused: boolean; pauses: number; pausedMs: number };
  api: ApiStats;
  p2p: P2PStats;
  neighbours: number;
  modules: number;
}

/** What the daemon runs on; everything defaults to the real thing. */
export interface DaemonComponents {
  /** Default: the system clock. */
  clock?: Clock | undefined;
  /** Random bytes of the P2P node (message ids, nonces, sampling). Default: node:crypto. */
  random?: RandomBytes | undefined;
  /** The root logger; each part gets a `component` child. Default: silent. */
  logger?: Logger | undefined;
  /** How the P2P node reaches peers. Default: TCP. */
  transport?: Transport | undefined;
  /** Default: one proof-of-work worker thread. */
  powSolver?: PowSolver | undefined;
  /** The node's identity from its hostkey (`loadHostIdentity`); without it links are plaintext. */
  identity?: HostIdentity | undefined;
}

/**
 * The composition root: one daemon from its config and what it runs on. `main` passes the real
 * clock, logger and TCP; tests pass a fake clock, a recording logger, seeded randomness or the
 * in-memory transport.
 */
export function createGossipDaemon(config: GossipConfig, components: DaemonComponents = {}): Daemon {
  return new Daemon(config, components.logger ?? pino({ level: 'silent' }), components);
}

/** One Gossip-5 node: the API server, the P2P overlay and the bridge between them. */
export class Daemon {
  readonly api: ApiServer;
  readonly p2p: P2PNode;
  readonly bridge: Bridge;
  readonly flow: AnnounceFlow;
  /** Validation-latency and join-time histograms (served on /metrics when metrics_address is set). */
  readonly timings: Timings;
  /** Recent item and link events, served on GET /events for the live view. */
  readonly events: LiveEvents;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly identity: HostIdentity | undefined;
  private statusServer: Server | undefined;
  private stopStats: (() => void) | undefined;
  private stopping: Promise<void> | undefined;

  /** `log` is the root logger: each part gets its own `component` child. */
  constructor(
    readonly config: GossipConfig,
    log: Logger,
    components: DaemonComponents = {},
  ) {
    this.log = log.child({ component: 'daemon' });
    this.clock = components.clock ?? systemClock;
    this.identity = components.identity;
    this.api = createApiServer(
      {
        host: config.apiAddress.host,
        port: config.apiAddress.port,
        validationTimeoutMs: config.validationTimeoutMs,
        maxConnections: config.maxModuleConnections,
      },
      { logger: log.child({ component: 'api' }), clock: this.clock },
    );
    this.timings = new Timings(this.clock);
    const events = (this.events = new LiveEvents(() => this.clock.now()));
    this.bridge = new Bridge(
      this.api,
      log.child({ component: 'bridge' }),
      { now: () => this.clock.now(), validation: this.timings.validation },
      // Events are only kept when there is a status port to serve them.
      config.metricsAddress ? (id, dataType) => events.recordItem('originated', id, dataType) : undefined,
    );
    this.p2p = createP2PNode(
      {
        host: config.p2pAddress.host,
        port: config.p2pAddress.port,
        degree: config.degree,
        cacheSize: config.cacheSize,
        pushTtl: config.p2pTtl,
        bootstrapper: config.bootstrapper
          ? { host: config.bootstrapper.host, port: config.bootstrapper.port }
          : undefined,
        seenTtlMs: config.spreadSuppressionMs,
        powDifficulty: config.powDifficulty,
        relayUnsubscribed: config.relayUnsubscribed,
        lazyPush: config.lazyPush,
        shuffleIntervalMs: config.shuffleIntervalMs,
        verifyPeerAddress: config.verifyPeerAddress,
        exemptNetworks: [...DEFAULT_EXEMPT_NETWORKS, ...config.exemptNetworks],
        allowPlaintext: config.allowPlaintext,
        bootstrapperIdentity: config.bootstrapperIdentity,
      },
      {
        validator: this.bridge.validator,
        logger: log.child({ component: 'p2p' }),
        clock: this.clock,
        randomBytes: components.random,
        transport: components.transport,
        powSolver: components.powSolver,
        identity: components.identity,
      },
    );
    this.timings.watchJoins(this.p2p);
    if (config.metricsAddress) {
      this.p2p.on('item', (item) => events.recordItem('received', item.messageId, item.dataType, item.from));
      this.p2p.on('neighbour-up', (peer) => events.record({ kind: 'link-up', peer: formatPeerAddress(peer) }));
      this.p2p.on('neighbour-down', (peer) => events.record({ kind: 'link-down', peer: formatPeerAddress(peer) }));
    }
    this.flow = new AnnounceFlow(this.api, this.p2p, this.clock);
    this.bridge.attach(this.p2p, this.flow);
  }

  /** Bind both ports (API first, so modules can connect while the overlay forms) and join the network. */
  async start(): Promise<void> {
    const { config } = this;
    let api: { host: string; port: number };
    try {
      api = await this.api.start();
    } catch (err) {
      throw listenError(err, 'api_address', config.apiAddress.text, config.file);
    }
    let p2pAddress;
    try {
      p2pAddress = await this.p2p.start();
    } catch (err) {
      await this.api.stop();
      throw listenError(err, 'p2p_address', config.p2pAddress.text, config.file);
    }
    if (config.metricsAddress) {
      try {
        await this.startStatusServer(config.metricsAddress.host, config.metricsAddress.port);
      } catch (err) {
        await Promise.allSettled([this.p2p.stop(), this.api.stop()]);
        throw listenError(err, 'metrics_address', config.metricsAddress.text, config.file);
      }
    }
    this.log.info(
      {
        api: api.host.includes(':') ? `[${api.host}]:${api.port}` : `${api.host}:${api.port}`,
        p2p: formatPeerAddress(p2pAddress),
        bootstrapper: config.bootstrapper?.text ?? null,
        metrics: config.metricsAddress?.text ?? null,
        degree: config.degree,
        cacheSize: config.cacheSize,
        validationTimeoutMs: config.validationTimeoutMs,
        spreadSuppressionMs: config.spreadSuppressionMs,
      },
      config.bootstrapper ? 'gossip daemon started' : 'gossip daemon started as a bootstrapper',
    );
    if (this.identity) {
      this.log.info(
        { identity: this.identity.hex, keyType: this.identity.keyType, hostkey: config.hostkey, allowPlaintext: config.allowPlaintext },
        config.allowPlaintext
          ? 'P2P links: authenticated (TLS 1.3, hostkey), plaintext peers allowed (allow_plaintext)'
          : 'P2P links: authenticated only (TLS 1.3, hostkey)',
      );
    } else {
      this.log.warn(
        { hostkey: config.hostkey ?? null },
        'no hostkey: P2P links are plaintext and unauthenticated (set hostkey to a PEM private key; gossip5 keygen makes one)',
      );
    }
    this.stopStats = every(this.clock, STATS_INTERVAL_MS, () => this.logStats());
  }

  /** Everything the daemon counts, for the periodic log line and for tests. */
  stats(): DaemonStats {
    return {
      bridge: this.bridge.stats,
      announceFlow: { paused: this.flow.isPaused, pauses: this.flow.pauses, pausedMs: this.flow.pausedMs },
      api: this.api.stats(),
      p2p: this.p2p.stats(),
      neighbours: this.p2p.neighbours().length,
      modules: this.api.connectionCount(),
    };
  }

  /** What GET /status returns: neighbours, known peers, every counter and the config in force. */
  status(): Record<string, unknown> {
    const { warnings: _warnings, bootstrapperIdentity, ...rest } = this.config;
    const config = { ...rest, bootstrapperIdentity: bootstrapperIdentity ? Buffer.from(bootstrapperIdentity).toString('hex') : null };
    const self = this.p2p.address;
    return {
      address: self ? formatPeerAddress(self) : this.config.p2pAddress.text,
      neighbours: this.p2p.neighbourDetails().map((n) => ({
        address: formatPeerAddress(n.address),
        direction: n.direction,
        since: new Date(n.since).toISOString(),
        items_in: n.itemsIn,
        items_out: n.itemsOut,
        push: n.push,
        identity: n.identity ?? null,
      })),
      identity: this.identity?.hex ?? null,
      known_peers: this.p2p.stats().knownPeers,
      modules: this.api.modules().map((m) => ({ remote: m.remote, data_types: m.dataTypes })),
      counters: this.stats(),
      config,
    };
  }

  private async startStatusServer(host: string, port: number): Promise<void> {
    const server = createStatusServer({
      registry: createMetrics(this, [this.timings.validation, this.timings.join]),
      status: () => this.status(),
      events: (after) => this.events.after(after),
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.log.error({ err: err.message }, 'status server error'));
    this.statusServer = server;
  }

  private logStats(): void {
    this.log.info({ stats: this.stats() }, 'stats');
  }

  /** Stop accepting, close links and module connections. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopStats?.();
      this.flow.stop();
      const status = this.statusServer;
      if (status) {
        status.closeAllConnections();
        await new Promise<void>((resolve) => status.close(() => resolve()));
      }
      await Promise.allSettled([this.p2p.stop(), this.api.stop()]);
      this.log.info({ stats: this.stats() }, 'gossip daemon stopped');
    })();
    return this.stopping;
  }
}
