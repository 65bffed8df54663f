import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '@gossip5/testkit';
import { KnowledgeBase } from '../../src/spread/knowledge-base.js';

const item = (id: bigint) => ({ messageId: id, ttl: 3, dataType: 7, data: new Uint8Array([Number(id)]) });

test('keeps the last `capacity` items, evicting the oldest first', () => {
  const clock = new FakeClock(0);
  const kb = new KnowledgeBase(3, 1_000_000, clock);
  for (let i = 1n; i <= 5n; i++) {
    kb.add(item(i), 0);
    clock.advance(10);
  }
  assert.is(kb.size, 3);
  assert.equal(
    kb.list().map((s) => s.item.messageId),
    [3n, 4n, 5n],
  );
  assert.not.ok(kb.has(1n));
  assert.is(kb.get(4n)?.storedAt, 30);
  assert.is(kb.evicted, 2);
});

test('storing an id again replaces it and makes it the newest', () => {
  const clock = new FakeClock(0);
  const kb = new KnowledgeBase(2, 1_000_000, clock);
  kb.add(item(1n), 0);
  kb.add(item(2n), 0);
  kb.add({ ...item(1n), ttl: 9 }, 8);
  kb.add(item(3n), 0);
  assert.equal(
    kb.list().map((s) => s.item.messageId),
    [1n, 3n],
  );
  assert.is(kb.get(1n)?.item.ttl, 9);
});

test('capacity 0 stores nothing', () => {
  const kb = new KnowledgeBase(0, 1_000_000, new FakeClock(0));
  kb.add(item(1n), 0);
  assert.is(kb.size, 0);
});

test('bounded in bytes as well as items; an item larger than the budget is not stored', () => {
  const clock = new FakeClock(0);
  const kb = new KnowledgeBase(100, 10, clock);
  const sized = (id: bigint, n: number) => ({ messageId: id, ttl: 3, dataType: 7, data: new Uint8Array(n) });
  kb.add(sized(1n, 4), 0);
  kb.add(sized(2n, 4), 0);
  assert.is(kb.bytes, 8);
  kb.add(sized(3n, 4), 0); // 12 > 10: the oldest goes
  assert.equal(kb.list().map((s) => s.item.messageId), [2n, 3n]);
  assert.is(kb.bytes, 8);
  assert.is(kb.evicted, 1);
  kb.add(sized(4n, 11), 0);
  assert.not.ok(kb.has(4n));
  assert.is(kb.bytes, 8);
  kb.add(sized(3n, 1), 0); // replacing frees the old bytes
  assert.is(kb.bytes, 5);
  kb.add(sized(5n, 10), 0);
  assert.equal(kb.list().map((s) => s.item.messageId), [5n]);
  assert.is(kb.bytes, 10);
});

test('each item keeps the ttl it is forwarded (and served to a GRAFT) with, or none', () => {
  const kb = new KnowledgeBase(10, 1 << 20, new FakeClock());
  kb.add(item(1n), 4);
  kb.add(item(2n), undefined);
  assert.is(kb.get(1n)!.forwardTtl, 4);
  assert.is(kb.get(2n)!.forwardTtl, undefined);
});


test('evicted items are let go at once: the eviction order stays within 2 x capacity + 1 slots', () => {
  const clock = new FakeClock(0);
  const kb = new KnowledgeBase(64, 1_000_000, clock);
  let most = 0;
  for (let i = 1n; i <= 5_000n; i++) {
    kb.add(item(i), 0);
    if (i % 7n === 0n) kb.add(item(i - 3n), 0); // replacements leave stale slots too
    most = Math.max(most, kb.orderSlots);
  }
  assert.is(kb.size, 64);
  assert.ok(most <= 2 * 64 + 1, `${most} slots held`);
});

test('a stored item owns its bytes: it does not hold on to the larger chunk it was read from', () => {
  const kb = new KnowledgeBase(4, 1_000_000, new FakeClock(0));
  const chunk = new Uint8Array(65_536).fill(9);
  const data = chunk.subarray(100, 108);
  kb.add({ messageId: 1n, ttl: 3, dataType: 7, data }, 0);
  const stored = kb.get(1n)!.item.data;
  assert.equal([...stored], [...data]);
  assert.is(stored.buffer.byteLength, 8);
  chunk.fill(0); // the socket reuses or frees its chunk: the cached copy is unaffected
  assert.is(stored[0], 9);
  const own = new Uint8Array([1, 2, 3]);
  kb.add({ messageId: 2n, ttl: 3, dataType: 7, data: own }, 0);
  assert.is(kb.get(2n)!.item.data, own, 'data that is its whole buffer is kept, not copied');
});

test('with a retention, an item younger than retention.ms stays past capacity, and goes once old', () => {
  const clock = new FakeClock(0);
  let young = 0;
  const kb = new KnowledgeBase(2, 1_000_000, clock, { ms: 100, limit: 1_000, onEvictYoung: () => young++ });
  for (let i = 1n; i <= 5n; i++) {
    kb.add(item(i), 0);
    clock.advance(10);
  }
  assert.is(kb.size, 5, 'all five are younger than 100 ms: none evicted for the capacity of 2');
  clock.advance(55); // item 1 is now 105 ms old, item 2 95
  kb.add(item(6n), 0);
  assert.equal(kb.list().map((s) => s.item.messageId), [2n, 3n, 4n, 5n, 6n]);
  clock.advance(1_000); // all old: back to the capacity
  kb.add(item(7n), 0);
  assert.equal(kb.list().map((s) => s.item.messageId), [6n, 7n]);
  assert.is(kb.evicted, 5);
  assert.is(young, 0);
});

test('retention stops at its count limit and at maxBytes, and each young item evicted is reported', () => {
  const clock = new FakeClock(0);
  let young = 0;
  const kb = new KnowledgeBase(2, 1_000_000, clock, { ms: 1_000, limit: 4, onEvictYoung: () => young++ });
  for (let i = 1n; i <= 6n; i++) kb.add(item(i), 0);
  assert.equal(kb.list().map((s) => s.item.messageId), [3n, 4n, 5n, 6n]);
  assert.is(young, 2);
  const small = new KnowledgeBase(10, 8, clock, { ms: 1_000, limit: 100, onEvictYoung: () => young++ });
  const sized = (id: bigint) => ({ messageId: id, ttl: 3, dataType: 7, data: new Uint8Array(4) });
  for (let i = 1n; i <= 3n; i++) small.add(sized(i), 0);
  assert.equal(small.list().map((s) => s.item.messageId), [2n, 3n]);
  assert.is(small.bytes, 8);
  assert.is(young, 3);
});

test.run();
