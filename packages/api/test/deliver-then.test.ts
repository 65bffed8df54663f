/** ApiServer.deliverThen: the per-item path without a Promise, the same rules as deliver(). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { waitFor } from '@gossip5/testkit';
import { ApiErrorCode, isApiError, type Verdict } from '../src/index.js';
import { VALIDATION_TIMEOUT_MS, assertDrained, bytes, startHarness } from './helpers.js';

const T = 4343;

test('each verdict comes once to the one callback, with the token of its item', async () => {
  const h = await startHarness();
  try {
    await h.subscriber(T, 'valid');
    const got: Array<[string, Verdict]> = [];
    const done = (token: { name: string }, v: Verdict) => got.push([token.name, v]);
    h.server.deliverThen({ dataType: T, data: bytes(1) }, { name: 'a' }, done);
    h.server.deliverThen({ dataType: T, data: bytes(2) }, { name: 'b' }, done);
    assert.equal(got, [], 'awaited: nothing before the answers');
    await waitFor(() => got.length === 2, { what: 'both verdicts' });
    assert.equal(got.sort(), [
      ['a', 'valid'],
      ['b', 'valid'],
    ]);
    assertDrained(h);
  } finally {
    await h.stop();
  }
});

test('nobody subscribed: unsubscribed at once, inside the call', async () => {
  const h = await startHarness();
  try {
    let verdict: Verdict | undefined;
    h.server.deliverThen({ dataType: T, data: bytes(1) }, 7, (token, v) => {
      assert.is(token, 7);
      verdict = v;
    });
    assert.is(verdict, 'unsubscribed');
    assert.is(h.server.stats().verdicts.unsubscribed, 1);
  } finally {
    await h.stop();
  }
});

test('V=0 gives invalid; silence gives invalid at the validation timeout, once', async () => {
  const h = await startHarness();
  try {
    const liar = await h.subscriber(T, 'invalid');
    const got: Verdict[] = [];
    h.server.deliverThen({ dataType: T, data: bytes(1) }, undefined, (_t, v) => got.push(v));
    await waitFor(() => got.length === 1, { what: 'the V=0' });
    assert.equal(got, ['invalid']);
    liar.destroy();
    await waitFor(() => h.server.connectionCount() === 0, { what: 'the liar gone' });
    await h.subscriber(T, 'silent');
    h.server.deliverThen({ dataType: T, data: bytes(2) }, undefined, (_t, v) => got.push(v));
    await waitFor(() => h.server.stats().notificationsSent === 2, { what: 'the second NOTIFICATION' });
    h.clock.advance(VALIDATION_TIMEOUT_MS - 1);
    assert.equal(got, ['invalid'], 'not before the timeout');
    h.clock.advance(1);
    assert.equal(got, ['invalid', 'invalid']);
    h.clock.advance(10 * VALIDATION_TIMEOUT_MS);
    assert.is(got.length, 2, 'once');
    assertDrained(h);
  } finally {
    await h.stop();
  }
});

test('a bad item throws ApiError BadItem and calls nothing', async () => {
  const h = await startHarness();
  try {
    let called = 0;
    for (const item of [{ dataType: 70000, data: bytes() }, { dataType: T, data: 'x' as unknown as Uint8Array }]) {
      try {
        h.server.deliverThen(item, undefined, () => called++);
        assert.unreachable('should throw');
      } catch (err) {
        assert.ok(isApiError(err) && err.code === ApiErrorCode.BadItem);
      }
    }
    assert.is(called, 0);
  } finally {
    await h.stop();
  }
});

test.run();
