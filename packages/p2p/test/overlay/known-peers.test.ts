import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatPeerAddress, makePeerAddress, type PeerAddress } from '@gossip5/protocol';
import { FakeClock, seededRandomBytes } from '@gossip5/testkit';
import { KnownPeers } from '../../src/overlay/known-peers.js';

const addr = (port: number) => makePeerAddress('127.0.0.1', port);

function make(limit = 10, clock = new FakeClock(0), perSource = 1_000) {
  const evicted: PeerAddress[] = [];
  const known = new KnownPeers({
    clock,
    random: seededRandomBytes(7),
    limit,
    perSource,
    retryMs: 100,
    maxFailures: 3,
    onEvict: (a) => evicted.push(a),
  });
  return { known, evicted, clock };
}

test('holds at most `limit` addresses; what a full list forgets or does not keep goes to onEvict', () => {
  const { known, evicted } = make(3);
  for (let p = 1; p <= 5; p++) known.add(addr(p), `src-${p}`);
  assert.is(known.size, 3);
  assert.is(evicted.length, 2);
  const kept = new Set(known.list().map(formatPeerAddress));
  for (const a of evicted) assert.not.ok(kept.has(formatPeerAddress(a)));
  const someKnown = known.list()[0]!;
  assert.not.ok(known.add(someKnown, 'src'), 'adding a known address is a no-op');
});

test('a full list is a uniform sample of every address offered, not the latest ones', () => {
  const { known, evicted } = make(20);
  for (let p = 1; p <= 2_000; p++) known.add(addr(p), `src-${p}`);
  assert.is(known.size, 20);
  assert.is(evicted.length, 2_000 - 20);
  const ports = known.list().map((a) => a.port);
  // Uniform over 1..2000: about half below 1000 (keeping the latest would keep 1981..2000 only).
  const early = ports.filter((p) => p <= 1_000).length;
  assert.ok(early >= 5 && early <= 15, `kept ${ports.join(' ')}`);
  assert.ok(ports.filter((p) => p > 1_980).length <= 3, 'the latest are not favoured');
});

test('verifiedOnly samples only addresses a link was established with', () => {
  const { known } = make();
  known.add(addr(1), 'a');
  known.add(addr(2), 'b');
  known.markSucceeded(formatPeerAddress(addr(2)));
  assert.equal(known.sample(5, undefined, true), [addr(2)]);
  assert.is(known.sample(5).length, 2);
});

test('a failed address cools down for a doubling time, and is forgotten after maxFailures', () => {
  const { known, clock } = make();
  const a = addr(1);
  const key = formatPeerAddress(a);
  known.add(a, 'src');
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
  known.add(addr(1), 'src');
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
  for (let p = 1; p <= 20; p++) known.add(addr(p), 'src');
  const picked = known.sample(8, (k) => !k.endsWith(':1'));
  assert.is(picked.length, 8);
  assert.is(new Set(picked.map(formatPeerAddress)).size, 8);
  assert.not.ok(picked.some((a) => a.port === 1));
  assert.is(known.sample(50).length, 20);
});

test('one source holds at most perSource addresses: more from it replace its own oldest', () => {
  const { known } = make(100, new FakeClock(0), 4);
  for (let p = 1; p <= 3; p++) known.add(addr(p), 'honest');
  for (let p = 100; p < 356; p++) known.add(addr(p), 'attacker');
  assert.is(known.size, 3 + 4, 'the flood kept one bucket of 4');
  for (let p = 1; p <= 3; p++) assert.ok(known.has(formatPeerAddress(addr(p))), 'honest addresses survive');
  assert.is(known.sources, 2);
});

test('a full list forgets from the largest bucket, and sampling draws buckets evenly', () => {
  const { known, evicted } = make(20, new FakeClock(0), 1_000);
  for (let p = 1; p <= 4; p++) known.add(addr(p), `honest-${p}`);
  for (let p = 100; p < 400; p++) known.add(addr(p), 'attacker');
  assert.is(known.size, 20);
  assert.ok(evicted.every((a) => a.port >= 100), 'only the largest bucket paid');
  let honest = 0;
  for (let i = 0; i < 200; i++) if (known.sample(1)[0]!.port < 100) honest++;
  // 4 honest buckets of one and an attacker bucket of 16: uniform over addresses gives 4/20 honest, over buckets 4/5.
  assert.ok(honest > 120, `${honest} of 200 draws honest`);
});

test.run();
