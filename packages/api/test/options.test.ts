import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ApiErrorCode,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_PENDING_VALIDATIONS_PER_CONNECTION,
  DEFAULT_MAX_QUEUED_BYTES_PER_CONNECTION,
  DEFAULT_MAX_SUBSCRIPTIONS_PER_CONNECTION,
  createApiServer,
  isApiError,
} from '../src/index.js';
import { resolveInit } from '../src/options.js';

const base = { host: '127.0.0.1', port: 0, validationTimeoutMs: 1000 };

test('defaults are filled in from constants', () => {
  const r = resolveInit(base);
  assert.is(r.maxQueuedBytesPerConnection, DEFAULT_MAX_QUEUED_BYTES_PER_CONNECTION);
  assert.is(r.maxConnections, DEFAULT_MAX_CONNECTIONS);
  assert.is(r.idleTimeoutMs, DEFAULT_IDLE_TIMEOUT_MS);
  assert.is(r.maxPendingValidationsPerConnection, DEFAULT_MAX_PENDING_VALIDATIONS_PER_CONNECTION);
  assert.is(r.maxSubscriptionsPerConnection, DEFAULT_MAX_SUBSCRIPTIONS_PER_CONNECTION);
  assert.ok(Object.isFrozen(r));
  assert.is(resolveInit({ ...base, host: '::1' }).host, '::1');
});

const badCases: Array<[string, Record<string, unknown>]> = [
  ['host', { host: 'localhost' }],
  ['host', { host: '' }],
  ['port', { port: 65_536 }],
  ['port', { port: -1 }],
  ['validationTimeoutMs', { validationTimeoutMs: 0 }],
  ['validationTimeoutMs', { validationTimeoutMs: Number.NaN }],
  ['idleTimeoutMs', { idleTimeoutMs: -5 }],
  ['maxPendingValidationsPerConnection', { maxPendingValidationsPerConnection: 65_537 }],
  ['maxPendingValidationsPerConnection', { maxPendingValidationsPerConnection: 0 }],
  ['maxSubscriptionsPerConnection', { maxSubscriptionsPerConnection: 0 }],
  ['maxConnections', { maxConnections: 0 }],
  ['maxQueuedBytesPerConnection', { maxQueuedBytesPerConnection: 1.5 }],
];

for (const [field, patch] of badCases) {
  test(`rejects a bad ${field}: ${JSON.stringify(patch)}`, () => {
    try {
      createApiServer({ ...base, ...patch } as never);
      assert.unreachable('should have thrown');
    } catch (err) {
      assert.ok(isApiError(err), String(err));
      assert.is((err as { code: string }).code, ApiErrorCode.BadOption);
      assert.match((err as Error).message, field);
    }
  });
}

test.run();
