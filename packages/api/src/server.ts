import { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { MAX_API_DATA, MessageType, type Message } from '@gossip5/protocol';
import { WARN_INTERVAL_MS } from './constants.js';
import { Delivery, type DeliveryOwner, type VerdictCallback } from './delivery.js';
import { ApiError, ApiErrorCode } from './errors.js';
import { Connection, type ConnectionHandler } from './module-connection.js';
import { resolveInit, type ResolvedApiServerInit } from './options.js';
import { RateLimitedWarn } from './rate-limited-warn.js';
import { copyCounters, createCounters, type ApiCounters } from './stats.js';
import { Subscriptions } from './subscriptions.js';
import { DeadlineQueue } from './deadline-queue.js';
import { StalledModules } from './stalled-modules.js';
import { Timers, systemClock } from './timers.js';
import type {
  AnnounceEvent,
  ApiComponents,
  ApiServerInit,
  ApiStats,
  CloseReason,
  DeliverItem,
  DeliverOptions,
  Logger,
  ModuleConnection,
  Verdict,
} from './types.js';

const silentLogger: Logger = {
  child: () => silentLogger,
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

/** Payload of the 'disconnect' event. */
export interface DisconnectEvent {
  connection: ModuleConnection;
  reason: CloseReason;
}

/** One open module connection, as `modules()` reports it. */
export interface ModuleInfo {
  id: number;
  remote: string;
  /** Data types it subscribed to, ascending. */
  dataTypes: number[];
}

/** The module-facing API server. Events: 'announce', 'connection', 'disconnect'. */
export interface ApiServer extends EventEmitter {
  /** Listen; resolves to the bound address (the real port when 0 was asked). */
  start(): Promise<{ host: string; port: number }>;
  on(event: 'announce', listener: (a: AnnounceEvent) => void): this;
  on(event: 'connection', listener: (c: ModuleConnection) => void): this;
  on(event: 'disconnect', listener: (d: DisconnectEvent) => void): this;
  once(event: 'announce', listener: (a: AnnounceEvent) => void): this;
  once(event: 'connection', listener: (c: ModuleConnection) => void): this;
  once(event: 'disconnect', listener: (d: DisconnectEvent) => void): this;
  /**
   * Hand an item to every subscriber of its data type as GOSSIP NOTIFICATION; resolves to the verdict.
   * `data` is written as it is, without a copy: do not change its bytes afterwards.
   */
  deliver(item: DeliverItem, options?: DeliverOptions): Promise<Verdict>;
  /**
   * The same without a Promise, for the per-item path: `done(token, verdict)` is called exactly
   * once, now (nobody subscribed, nobody could be asked, a trusted item) or when the verdict is
   * known. Pass the same `done` for every item and the per-item state as `token`, so nothing is
   * allocated for the call but the delivery itself. Throws ApiError on a bad item.
   */
  deliverThen<T>(item: DeliverItem, token: T, done: VerdictCallback<T>, options?: DeliverOptions): void;
  /** True when at least one open connection subscribed to `dataType`. */
  hasSubscribers(dataType: number): boolean;
  /** Open module connections. */
  connectionCount(): number;
  /** Every open module connection with the data types it subscribed to (a snapshot, for status pages). */
  modules(): ModuleInfo[];
  /**
   * Stop reading every module that has announced (and any that announces while paused), so a fast
   * announcer is slowed to what the network takes instead of its items being lost further on.
   */
  pauseAnnouncers(): void;
  resumeAnnouncers(): void;
  /** The most bytes queued towards any one module now. */
  maxQueuedBytes(): number;
  /** The fullest module's pending validations, as a share of its limit (0..1). */
  maxPendingShare(): number;
  /** Counters and current internal sizes (a snapshot). */
  stats(): ApiStats;
  /** Stop accepting, close every connection, resolve pending deliveries as 'invalid'. Idempotent. */
  stop(): Promise<void>;
}

/** Create the API server (not yet listening: call start()). Throws ApiError on bad options. */
export function createApiServer(init: ApiServerInit, components: ApiComponents = {}): ApiServer {
  return new ApiServerImpl(resolveInit(init), components);
}

/** Resolves a deliver() Promise: the token is its resolve function. */
const resolveWith: VerdictCallback<(v: Verdict) => void> = (resolve, verdict) => resolve(verdict);

class ApiServerImpl extends EventEmitter implements ApiServer, ConnectionHandler, DeliveryOwner {
  private readonly log: Logger;
  private readonly timers: Timers;
  /** Validation windows of all deliveries, on one timer. */
  readonly deadlines: DeadlineQueue<Delivery>;
  private readonly rateWarn: RateLimitedWarn;
  private readonly counters: ApiCounters = createCounters();
  private readonly connections = new Set<Connection>();
  private readonly subscriptions = new Subscriptions<Connection>();
  /** Deliveries holding message ids or a timer. */
  private readonly deliveries = new Set<Delivery>();
  private readonly stalled: StalledModules<Connection>;
  private announcersPaused = false;
  private server: Server | undefined;
  private nextConnId = 1;
  private state: 'new' | 'starting' | 'listening' | 'stopped' = 'new';
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly init: ResolvedApiServerInit,
    components: ApiComponents,
  ) {
    super();
    const clock = components.clock ?? systemClock;
    // The daemon hands in a logger already bound to {component: 'api'}.
    this.log = components.logger ?? silentLogger;
    this.timers = new Timers(clock);
    this.deadlines = new DeadlineQueue<Delivery>(this.timers, () => clock.now(), init.validationTimeoutMs, expire);
    this.rateWarn = new RateLimitedWarn(this.log, clock, WARN_INTERVAL_MS);
    this.stalled = new StalledModules<Connection>(() => clock.now(), init.validationTimeoutMs);
  }

  start(): Promise<{ host: string; port: number }> {
    if (this.state !== 'new') {
      return Promise.reject(new ApiError(ApiErrorCode.BadState, `start() called while ${this.state}`));
    }
    this.state = 'starting';
    const server = createServer({ noDelay: true }, (socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        this.state = 'stopped';
        this.server = undefined;
        reject(
          new ApiError(ApiErrorCode.Listen, `cannot listen on ${this.init.host}:${this.init.port}: ${err.message}`, {
            cause: err,
          }),
        );
      };
      server.once('error', onError);
      server.listen({ host: this.init.host, port: this.init.port }, () => {
        server.off('error', onError);
        server.on('error', (err) => this.log.error({ err: err.message }, 'API listener error'));
        if (this.state !== 'starting') {
          // stop() was called before the listener was up.
          server.close();
          reject(new ApiError(ApiErrorCode.BadState, 'stop() was called before the server was listening'));
          return;
        }
        this.state = 'listening';
        const addr = server.address();
        const bound =
          typeof addr === 'object' && addr
            ? { host: addr.address, port: addr.port }
            : { host: this.init.host, port: this.init.port };
        this.log.info(bound, 'API server listening');
        resolve(bound);
      });
    });
  }

  deliver(item: DeliverItem, options?: DeliverOptions): Promise<Verdict> {
    try {
      checkItem(item);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<Verdict>((resolve) => this.deliverThen(item, resolve, resolveWith, options));
  }

  deliverThen<T>(item: DeliverItem, token: T, done: VerdictCallback<T>, options?: DeliverOptions): void {
    checkItem(item);
    const { dataType, data } = item;
    this.counters.deliveries++;
    const trusted = options?.awaitValidation === false;
    const exclude = options?.exclude;
    const subscribers = this.subscriptions.subscribersOf(dataType);
    if (subscribers === undefined) {
      this.decided('unsubscribed');
      done(token, 'unsubscribed');
      return;
    }
    // No copy here: each connection copies the bytes into its turn's write.
    const delivery = new Delivery(this, trusted, token, done as VerdictCallback<unknown>);
    this.deliveries.add(delivery);
    // The live set: a connection closed while notifying (slow consumer) leaves it, which a Set's
    // iteration allows; nothing adds to it on this path.
    for (const conn of subscribers) {
      if (conn === exclude || !conn.isOpen) continue;
      const id = conn.pending.allocate(delivery);
      if (id === undefined) {
        // One module that cannot be asked never keeps the item from the others; its missing
        // answer makes the verdict invalid (the item is not forwarded), as the spec says.
        this.dropPendingLimit(conn, dataType);
        delivery.fail();
        this.stalled.full(conn);
        continue;
      }
      if (conn.sendNotification(id, dataType, data)) {
        this.counters.notificationsSent++;
        delivery.add(conn, id);
      } else {
        delivery.fail();
      }
    }
    delivery.begin();
  }

  // DeliveryOwner

  decided(verdict: Verdict): void {
    this.counters.verdicts[verdict]++;
  }

  released(delivery: Delivery): void {
    this.deliveries.delete(delivery);
  }

  hasSubscribers(dataType: number): boolean {
    return this.subscriptions.hasSubscribers(dataType);
  }

  modules(): ModuleInfo[] {
    return [...this.connections].map((c) => ({ id: c.id, remote: c.remote, dataTypes: this.subscriptions.typesOf(c) }));
  }

  connectionCount(): number {
    return this.connections.size;
  }

  pauseAnnouncers(): void {
    if (this.announcersPaused) return;
    this.announcersPaused = true;
    this.counters.announcerPauses++;
    for (const c of this.connections) if (c.announcer) c.pauseReading();
  }

  resumeAnnouncers(): void {
    if (!this.announcersPaused) return;
    this.announcersPaused = false;
    for (const c of this.connections) c.resumeReading();
  }

  maxPendingShare(): number {
    let max = 0;
    for (const c of this.connections) if (c.pending.size > max) max = c.pending.size;
    return max / this.init.maxPendingValidationsPerConnection;
  }

  maxQueuedBytes(): number {
    let max = 0;
    for (const c of this.connections) if (c.queuedBytes > max) max = c.queuedBytes;
    return max;
  }

  stats(): ApiStats {
    let pendingValidations = 0;
    for (const c of this.connections) pendingValidations += c.pending.size;
    return {
      ...copyCounters(this.counters),
      connectionsOpen: this.connections.size,
      subscriptions: this.subscriptions.size,
      subscribedTypes: this.subscriptions.typeCount,
      pendingValidations,
      pendingDeliveries: this.deliveries.size,
      activeTimers: this.timers.active,
    };
  }

  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    const server = this.server;
    this.state = 'stopped';
    this.stopping = new Promise<void>((resolve) => {
      for (const conn of [...this.connections]) conn.close('server-stopped');
      for (const d of [...this.deliveries]) d.abort();
      if (!server?.listening) {
        resolve(); // never started, or the pending listen callback closes it
        return;
      }
      server.close(() => {
        this.log.info('API server stopped');
        resolve();
      });
    });
    return this.stopping;
  }

  // ConnectionHandler

  onBytes(_conn: Connection, bytes: number): void {
    this.counters.bytesIn += bytes;
  }

  onFrame(_conn: Connection): void {
    this.counters.framesIn++;
  }

  onMessage(conn: Connection, msg: Message): void {
    switch (msg.type) {
      case MessageType.GossipAnnounce: {
        this.counters.announces++;
        if (!conn.announcer) {
          conn.announcer = true;
          if (this.announcersPaused) conn.pauseReading();
        }
        const event: AnnounceEvent = { ttl: msg.ttl, dataType: msg.dataType, data: new Uint8Array(msg.data), from: conn };
        this.safeEmit('announce', event);
        return;
      }
      case MessageType.GossipNotify: {
        this.counters.subscribes++;
        if (this.subscriptions.has(msg.dataType, conn)) return;
        if (this.subscriptions.countFor(conn) >= this.init.maxSubscriptionsPerConnection) {
          conn.close('subscription-limit', {
            dataType: msg.dataType,
            limit: this.init.maxSubscriptionsPerConnection,
            why: `more than ${this.init.maxSubscriptionsPerConnection} data types`,
          });
          return;
        }
        this.subscriptions.add(msg.dataType, conn);
        this.log.info({ conn: conn.id, remote: conn.remote, dataType: msg.dataType }, 'module subscribed');
        return;
      }
      case MessageType.GossipValidation: {
        this.counters.validationsIn++;
        this.stalled.answered(conn);
        const delivery = conn.pending.take(msg.messageId);
        if (!delivery || !delivery.answer(conn, msg.valid)) {
          this.counters.validationsIgnored++;
          this.log.debug(
            { conn: conn.id, remote: conn.remote, messageId: msg.messageId },
            'VALIDATION for an unknown, already answered or unawaited message_id ignored',
          );
        }
        return;
      }
      default:
        // module-connection lets only the three module types through.
        return;
    }
  }

  onMalformed(_conn: Connection, code: string): void {
    this.counters.malformed[code] = (this.counters.malformed[code] ?? 0) + 1;
  }

  onClose(conn: Connection, reason: CloseReason): void {
    if (!this.connections.delete(conn)) return;
    this.counters.connectionsClosed++;
    this.counters.closes[reason]++;
    this.subscriptions.removeAll(conn);
    this.stalled.forget(conn);
    // Every answer still awaited from this module is now missing.
    for (const delivery of conn.pending.clear()) delivery.lost(conn);
    this.safeEmit('disconnect', { connection: conn, reason } satisfies DisconnectEvent);
  }

  // internals

  private accept(socket: Socket): void {
    const remote = formatRemote(socket);
    if (this.state !== 'listening' && this.state !== 'starting') {
      socket.destroy();
      return;
    }
    if (this.connections.size >= this.init.maxConnections) {
      socket.destroy();
      this.counters.connectionsRejected++;
      this.counters.drops['connection-limit']++;
      this.rateWarn.warn(
        'connection-limit',
        { remote, limit: this.init.maxConnections },
        `module connection from ${remote} refused: ${this.init.maxConnections} connections already open`,
      );
      return;
    }
    this.counters.connectionsAccepted++;
    const conn = new Connection(
      socket,
      {
        id: this.nextConnId++,
        remote,
        idleTimeoutMs: this.init.idleTimeoutMs,
        maxQueuedBytes: this.init.maxQueuedBytesPerConnection,
        maxPendingValidations: this.init.maxPendingValidationsPerConnection,
      },
      { timers: this.timers, logger: this.log, handler: this },
    );
    this.connections.add(conn);
    this.log.debug({ conn: conn.id, remote }, 'module connected');
    this.safeEmit('connection', conn);
  }

  private dropPendingLimit(conn: Connection, dataType: number): void {
    this.counters.drops['pending-limit']++;
    this.rateWarn.warn(
      'pending-limit',
      { conn: conn.id, remote: conn.remote, dataType, limit: this.init.maxPendingValidationsPerConnection },
      `module ${conn.remote} not notified: its ${this.init.maxPendingValidationsPerConnection} pending validations are full`,
    );
  }

  /** A throwing listener is the daemon's bug: log it, never let it kill a connection handler. */
  private safeEmit(event: string, payload: unknown): void {
    try {
      this.emit(event, payload);
    } catch (err) {
      this.log.error({ err: err instanceof Error ? err.message : String(err), event }, `'${event}' listener threw`);
    }
  }
}

function expire(delivery: Delivery): void {
  delivery.expire();
}

function checkItem(item: DeliverItem): void {
  const { dataType, data } = item ?? ({} as DeliverItem);
  if (!Number.isInteger(dataType) || dataType < 0 || dataType > 0xffff) {
    throw new ApiError(ApiErrorCode.BadItem, `dataType must be a u16, got ${String(dataType)}`);
  }
  if (!(data instanceof Uint8Array) || data.length > MAX_API_DATA) {
    throw new ApiError(ApiErrorCode.BadItem, `data must be a Uint8Array of at most ${MAX_API_DATA} bytes`);
  }
}

function formatRemote(socket: Socket): string {
  const host = socket.remoteAddress ?? 'unknown';
  return `${host.includes(':') ? `[${host}]` : host}:${socket.remotePort ?? 0}`;
}
