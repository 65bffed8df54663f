import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '@gossip5/testkit';
import { SEEN_GENERATIONS, SeenIds } from '../../src/spread/seen-ids.js';

const seed: [number, number] = [0x12345678, 0x9abcdef0];

test('an id is held at least ttlMs and at most ttlMs plus one generation', () => {
  const clock = new FakeClock(0);
  const seen = new SeenIds({ clock, ttlMs: 8_000, limit: 1_000, seed });
  assert.is(seen.addNew(42n), 0);
  assert.ok(seen.has(42n));
  clock.advance(7_999);
  assert.ok(seen.has(42n), 'still there just before ttlMs');
  clock.advance(8_000 / SEEN_GENERATIONS + 1);
  assert.not.ok(seen.has(42n), 'gone after ttlMs plus one generation');
  assert.is(seen.size, 0);
});

test('ids 0 and 2^64-1 and many colliding low bits are all held', () => {
  const clock = new FakeClock(0);
  const seen = new SeenIds({ clock, ttlMs: 1_000, limit: 100_000, seed });
  const ids = [0n, 0xffffffffffffffffn];
  for (let i = 1n; i <= 5_000n; i++) ids.push(i << 32n); // identical low 32 bits
  for (const id of ids) assert.is(seen.addNew(id), 0);
  for (const id of ids) assert.ok(seen.has(id), `has ${id}`);
  assert.not.ok(seen.has(5_001n << 32n));
  assert.is(seen.size, ids.length);
});

test('replay after a flood of distinct ids within -s is still recognised (no early forgetting below the limit)', () => {
  const clock = new FakeClock(0);
  const ttlMs = 300_000;
  const seen = new SeenIds({ clock, ttlMs, limit: 1_000_000, seed });
  const first = 0x0123456789abcdefn;
  seen.addNew(first);
  let forgotten = 0;
  // 200 000 ids spread over almost all of -s.
  for (let i = 1; i <= 200_000; i++) {
    if (i % 1_000 === 0) clock.advance(1_000);
    forgotten += seen.addNew(BigInt(i) * 0x9e3779b97f4a7c15n & 0xffffffffffffffffn);
  }
  assert.is(forgotten, 0);
  assert.ok(seen.has(first), 'the first id is still seen');
  assert.ok(seen.bytes <= 200_001 * 32 + 64 * 8 * (SEEN_GENERATIONS + 2), `compact: ${seen.bytes} bytes`);
});

test('past the limit the oldest generation is forgotten, and every forgotten id is reported', () => {
  const clock = new FakeClock(0);
  const seen = new SeenIds({ clock, ttlMs: 8_000, limit: 10, seed });
  let forgotten = 0;
  for (let i = 1; i <= 25; i++) {
    forgotten += seen.addNew(BigInt(i));
    clock.advance(500);
  }
  assert.ok(seen.size <= 10);
  assert.is(seen.size + forgotten, 25);
  assert.ok(seen.has(25n), 'the newest id is held');
});

test('has() then addNew() of the same id, as the spreader does, across many ids', () => {
  const clock = new FakeClock(0);
  const seen = new SeenIds({ clock, ttlMs: 1_000, limit: 10_000, seed });
  for (let i = 1n; i <= 1_000n; i++) {
    assert.not.ok(seen.has(i));
    seen.addNew(i);
    assert.ok(seen.has(i));
  }
  assert.is(seen.size, 1_000);
});

test.run();
