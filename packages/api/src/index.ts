export { createApiServer } from './server.js';
export type { ApiServer, DisconnectEvent, ModuleInfo } from './server.js';
export type { VerdictCallback } from './delivery.js';
export type {
  AnnounceEvent,
  ApiComponents,
  ApiServerInit,
  ApiStats,
  Clock,
  CloseReason,
  DeliverItem,
  DeliverOptions,
  DropReason,
  Logger,
  ModuleConnection,
  Verdict,
} from './types.js';
export { ApiError, ApiErrorCode, isApiError } from './errors.js';
export {
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_PENDING_VALIDATIONS_PER_CONNECTION,
  DEFAULT_MAX_QUEUED_BYTES_PER_CONNECTION,
  DEFAULT_MAX_SUBSCRIPTIONS_PER_CONNECTION,
  MAX_PENDING_VALIDATIONS_LIMIT,
  MAX_SUBSCRIPTIONS_LIMIT,
  WARN_INTERVAL_MS,
} from './constants.js';
