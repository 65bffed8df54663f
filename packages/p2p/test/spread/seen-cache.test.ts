import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '@gossip5/testkit';
import { SeenCache } from '../../src/spread/seen-cache.js';

test('an id is seen for at least ttlMs, then forgotten', () => {
  const clock = new FakeClock(0);
  const seen = new SeenCache<bigint>({ clock, ttlMs: 1_000, limit: 10 });
  assert.ok(seen.add(1n));
  assert.ok(seen.has(1n));
  clock.advance(999);
  assert.ok(seen.has(1n));
  clock.advance(1);
  assert.not.ok(seen.has(1n));
  assert.is(seen.size, 0);
});

test('expired ids are purged from the front, unexpired ones stay', () => {
  const clock = new FakeClock(0);
  const seen = new SeenCache<bigint>({ clock, ttlMs: 100, limit: 10 });
  seen.add(1n);
  clock.advance(50);
  seen.add(2n);
  clock.advance(60);
  assert.is(seen.size, 1);
  assert.not.ok(seen.has(1n));
  assert.ok(seen.has(2n));
});

test('when full of unexpired ids, add refuses instead of forgetting early', () => {
  const clock = new FakeClock(0);
  const seen = new SeenCache<bigint>({ clock, ttlMs: 100, limit: 2 });
  assert.ok(seen.add(1n));
  assert.ok(seen.add(2n));
  assert.not.ok(seen.add(3n));
  assert.ok(seen.has(1n));
  assert.not.ok(seen.has(3n));
  // Once the oldest expired there is room again.
  clock.advance(100);
  assert.ok(seen.add(3n));
  assert.is(seen.size, 1);
});

test('re-adding a known id refreshes it without needing room', () => {
  const clock = new FakeClock(0);
  const seen = new SeenCache<string>({ clock, ttlMs: 100, limit: 2 });
  seen.add('a');
  seen.add('b');
  clock.advance(60);
  assert.ok(seen.add('a'));
  clock.advance(60);
  assert.ok(seen.has('a'));
  assert.not.ok(seen.has('b'));
});

test('memory stays bounded under a stream of ids', () => {
  const clock = new FakeClock(0);
  const seen = new SeenCache<number>({ clock, ttlMs: 10, limit: 50 });
  let refused = 0;
  for (let i = 0; i < 10_000; i++) {
    if (!seen.add(i)) refused++;
    clock.advance(1);
    assert.ok(seen.size <= 50);
  }
  assert.is(refused, 0);
});

test.run();
