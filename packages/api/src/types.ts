/** The structural logger this package takes (pino fits it). */
export interface Logger {
  child(bindings: Record<string, unknown>): Logger;
  debug(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

/** Time source and timers; the real one wraps Date.now and the global timers. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Options of the API server (the daemon's slice of the configuration). */
export interface ApiServerInit {
  /** IPv4 or IPv6 literal to listen on, e.g. '127.0.0.1' or '::1'. */
  host: string;
  /** TCP port; 0 = any free port (start() returns the real one). */
  port: number;
  /** How long deliver() waits for VALIDATIONs (the daemon's -v), in ms. */
  validationTimeoutMs: number;
  /** Outgoing bytes one connection may have queued before it is disconnected (default 4 MiB). */
  maxQueuedBytesPerConnection?: number;
  /** Simultaneous connections; extra ones are closed at once, counted and logged (default 1024). */
  maxConnections?: number;
  /** A frame started but not completed within this closes the connection (default 30 s). */
  idleTimeoutMs?: number;
  /** NOTIFICATIONs awaiting an answer per connection, 1..65536 (default 4096). */
  maxPendingValidationsPerConnection?: number;
  /** Data types one connection may subscribe to, 1..65536 (default 1024). */
  maxSubscriptionsPerConnection?: number;
}

/** What the server takes from its surroundings; everything has a real default. */
export interface ApiComponents {
  /** Default: silent. */
  logger?: Logger;
  /** Default: Date.now and the global timers. */
  clock?: Clock;
}

/**
 * Outcome of deliver():
 * - `valid`: every notified module answered V=1 before the validation timeout;
 * - `invalid`: some module answered V=0, or an answer was missing (timeout,
 *   module disconnected, module's pending-validation limit full, server stopped);
 * - `unsubscribed`: no module (other than the excluded one) subscribed to the data type.
 */
export type Verdict = 'valid' | 'invalid' | 'unsubscribed';

/** A module's connection, as the rest of the daemon sees it. */
export interface ModuleConnection {
  /** Unique per server, counting from 1. */
  readonly id: number;
  /** Remote address, "ip:port" ("[v6]:port" for IPv6). */
  readonly remote: string;
}

/** One well-formed GOSSIP ANNOUNCE (its size is not checked here: the daemon enforces MAX_ITEM_DATA). */
export interface AnnounceEvent {
  ttl: number;
  dataType: number;
  /** A copy owned by the listener. */
  data: Uint8Array;
  from: ModuleConnection;
}

export interface DeliverOptions {
  /** Never notify this connection (the one that announced the item). */
  exclude?: ModuleConnection;
  /**
   * false: send the NOTIFICATIONs but do not wait for answers (used for items
   * announced locally, which are trusted); resolves at once to 'valid' if
   * anyone was notified, else 'unsubscribed'. Answers to those ids are
   * ignored. Default true.
   */
  awaitValidation?: boolean;
}

/** An item to hand to local subscribers. */
export interface DeliverItem {
  dataType: number;
  data: Uint8Array;
}

/** Why a module connection was closed. */
export type CloseReason =
  | 'remote-closed'
  | 'socket-error'
  | 'malformed'
  | 'idle-timeout'
  | 'slow-consumer'
  | 'validation-stalled'
  | 'subscription-limit'
  | 'server-stopped';

/** Things not done without closing the connection they concern. */
export type DropReason =
  /** A connection over maxConnections, closed as soon as it was accepted. */
  | 'connection-limit'
  /** A module that could not be asked because its pending validations were full. */
  | 'pending-limit';

/** Counters and current sizes, for tests and monitoring. */
export interface ApiStats {
  connectionsAccepted: number;
  connectionsRejected: number;
  connectionsClosed: number;
  connectionsOpen: number;
  bytesIn: number;
  framesIn: number;
  announces: number;
  subscribes: number;
  validationsIn: number;
  /** VALIDATIONs for unknown, already answered or trusted (not awaited) message ids. */
  validationsIgnored: number;
  notificationsSent: number;
  /** Times reading from announcing modules was paused because the spreading path was full. */
  announcerPauses: number;
  deliveries: number;
  verdicts: Record<Verdict, number>;
  closes: Record<CloseReason, number>;
  /** Malformed-input closes by error code (GOSSIP_ERR_...). */
  malformed: Record<string, number>;
  drops: Record<DropReason, number>;
  /** Current (data type, connection) subscription pairs. */
  subscriptions: number;
  /** Current data types with at least one subscriber. */
  subscribedTypes: number;
  /** Current NOTIFICATIONs awaiting an answer, over all connections. */
  pendingValidations: number;
  /** Current deliver() calls not yet resolved, plus trusted deliveries whose answer window is open. */
  pendingDeliveries: number;
  /** Current timers held by the server (validation windows and idle timeouts). */
  activeTimers: number;
}
