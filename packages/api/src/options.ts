import { isIP } from 'node:net';
import {
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_PENDING_VALIDATIONS_PER_CONNECTION,
  DEFAULT_MAX_QUEUED_BYTES_PER_CONNECTION,
  DEFAULT_MAX_SUBSCRIPTIONS_PER_CONNECTION,
  MAX_PENDING_VALIDATIONS_LIMIT,
  MAX_SUBSCRIPTIONS_LIMIT,
} from './constants.js';
import { ApiError, ApiErrorCode } from './errors.js';
import type { ApiServerInit } from './types.js';

/** ApiServerInit with every default filled in and every value checked. */
export type ResolvedApiServerInit = Readonly<Required<ApiServerInit>>;

function bad(field: string, detail: string): never {
  throw new ApiError(ApiErrorCode.BadOption, `ApiServerInit.${field} ${detail}`);
}

function integer(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    bad(field, `must be an integer in ${min}..${max}, got ${String(value)}`);
  }
  return value;
}

/** Check `init` and fill in defaults; throws ApiError GOSSIP_ERR_API_BAD_OPTION naming the field. */
export function resolveInit(init: ApiServerInit): ResolvedApiServerInit {
  if (typeof init?.host !== 'string' || isIP(init.host) === 0) {
    bad('host', `must be an IPv4 or IPv6 literal, got ${String(init?.host)}`);
  }
  const v = init.validationTimeoutMs;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    bad('validationTimeoutMs', `must be a positive number of ms, got ${String(v)}`);
  }
  const idle = init.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  if (typeof idle !== 'number' || !Number.isFinite(idle) || idle <= 0) {
    bad('idleTimeoutMs', `must be a positive number of ms, got ${String(idle)}`);
  }
  return Object.freeze({
    host: init.host,
    port: integer('port', init.port, 0, 65_535),
    validationTimeoutMs: v,
    idleTimeoutMs: idle,
    maxQueuedBytesPerConnection: integer(
      'maxQueuedBytesPerConnection',
      init.maxQueuedBytesPerConnection ?? DEFAULT_MAX_QUEUED_BYTES_PER_CONNECTION,
      1,
      Number.MAX_SAFE_INTEGER,
    ),
    maxConnections: integer('maxConnections', init.maxConnections ?? DEFAULT_MAX_CONNECTIONS, 1, 1_000_000),
    maxPendingValidationsPerConnection: integer(
      'maxPendingValidationsPerConnection',
      init.maxPendingValidationsPerConnection ?? DEFAULT_MAX_PENDING_VALIDATIONS_PER_CONNECTION,
      1,
      MAX_PENDING_VALIDATIONS_LIMIT,
    ),
    maxSubscriptionsPerConnection: integer(
      'maxSubscriptionsPerConnection',
      init.maxSubscriptionsPerConnection ?? DEFAULT_MAX_SUBSCRIPTIONS_PER_CONNECTION,
      1,
      MAX_SUBSCRIPTIONS_LIMIT,
    ),
  });
}
