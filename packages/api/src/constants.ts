/**
 * Defaults and hard limits of the API server. Every queue, map and buffer
 * that grows with what modules send is bounded by one of these.
 */

/**
 * Default cap on bytes waiting in one connection's outgoing queue (written
 * but not yet taken by the kernel). A module that does not read its socket is
 * disconnected once a NOTIFICATION would push its queue past this.
 */
export const DEFAULT_MAX_QUEUED_BYTES_PER_CONNECTION = 4 * 1024 * 1024;

/** Default cap on simultaneous module connections; further ones are closed at once. */
export const DEFAULT_MAX_CONNECTIONS = 1024;

/**
 * Default time a started frame may stay incomplete. A connection holding half
 * a frame for longer is closed (idle timeout); a connection with no partial
 * frame may stay silent forever.
 */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

/**
 * Default cap on NOTIFICATIONs awaiting a VALIDATION on one connection. When a
 * connection is full, an item cannot be handed to that module (counted as
 * `pending-limit`, verdict `invalid`).
 */
export const DEFAULT_MAX_PENDING_VALIDATIONS_PER_CONNECTION = 4096;

/** Upper bound of `maxPendingValidationsPerConnection`: the u16 message_id space. */
export const MAX_PENDING_VALIDATIONS_LIMIT = 65_536;

/**
 * Default cap on data types one connection may subscribe to. A NOTIFY beyond
 * it closes the connection with a warning (reason `subscription-limit`).
 */
export const DEFAULT_MAX_SUBSCRIPTIONS_PER_CONNECTION = 1024;

/** Upper bound of `maxSubscriptionsPerConnection`: the u16 data_type space. */
export const MAX_SUBSCRIPTIONS_LIMIT = 65_536;

/**
 * Rate-limited warnings (drops that are not one connection's own fault) are
 * logged at most once per reason per this many ms of the injected clock, with
 * the count of occurrences since the previous warning.
 */
export const WARN_INTERVAL_MS = 10_000;

/** Largest message_id (u16). */
export const MAX_MESSAGE_ID = 0xffff;

