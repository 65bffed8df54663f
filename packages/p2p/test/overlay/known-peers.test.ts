import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatPeerAddress, makePeerAddress, type PeerAddress } from '@gossip5/protocol';
import { FakeClock, seededRandomBytes } from '@gossip5/testkit';
import { KnownPeers } from '../../src/overlay/known-peers.js';

const addr = (port: number) => makePeerAddress('127.0.0.1', port);

function make(limit = 10, clock = new FakeClock(0)) {
  const evicted: PeerAddress[] = [];
  const known = new KnownPeers({
    clock,
    random: seededRandomBytes(7),
    limit,
    retryMs: 100,
    maxFailures: 3,
    onEvict: (a) => evicted.push(a),
  });
  return { known, evicted, clock };
}

test('holds at most `limit` addresses and forgets the oldest, telling onEvict', () => {
  const { known, evicted } = make(3);
  for (let p = 1; p <= 5; p++) known.add(addr(p));
  assert.is(known.size, 3);
  assert.equal(known.list(), [addr(3), addr(4), addr(5)]);
  assert.equal(evicted, [addr(1), addr(2)]);
  assert.not.ok(known.add(addr(4)), 'adding a known address is a no-op');
});

test('a failed address cools down for a doubling time, and is forgotten after maxFailures', () => {
  const { known, clock } = make();
  const a = addr(1);
  const key = formatPeerAddress(a);
  known.add(a);
  known.markFailed(key);
  assert.not.ok(known.isAvailable(key));
  assert.equal(known.sample(5), []);
  clock.advance(100);
  assert.ok(known.isAvailable(key));
  known.markFailed(key);
  clock.advance(199);
  assert.not.ok(known.isAvailable(key));
  clock.advance(1);
  assert.ok(known.isAvailable(key));
  known.markFailed(key);
  assert.not.ok(known.has(key));
});

test('success clears the failures', () => {
  const { known, clock } = make();
  const key = formatPeerAddress(addr(1));
  known.add(addr(1));
  known.markFailed(key);
  known.markFailed(key);
  known.markSucceeded(key);
  assert.ok(known.isAvailable(key));
  known.markFailed(key);
  known.markFailed(key);
  assert.ok(known.has(key));
  clock.advance(1_000);
  assert.ok(known.isAvailable(key));
});

test('sample returns distinct available addresses accepted by the filter', () => {
  const { known } = make(100);
  for (let p = 1; p <= 20; p++) known.add(addr(p));
  const picked = known.sample(8, (k) => !k.endsWith(':1'));
  assert.is(picked.length, 8);
  assert.is(new Set(picked.map(formatPeerAddress)).size, 8);
  assert.not.ok(picked.some((a) => a.port === 1));
  assert.is(known.sample(50).length, 20);
});

test.run();
