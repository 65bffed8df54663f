import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '@gossip5/testkit';
import { KnowledgeBase } from '../../src/spread/knowledge-base.js';

const item = (id: bigint) => ({ messageId: id, ttl: 3, dataType: 7, data: new Uint8Array([Number(id)]) });

test('keeps the last `capacity` items, evicting the oldest first', () => {
  const clock = new FakeClock(0);
  const kb = new KnowledgeBase(3, clock);
  for (let i = 1n; i <= 5n; i++) {
    kb.add(item(i));
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
  const kb = new KnowledgeBase(2, clock);
  kb.add(item(1n));
  kb.add(item(2n));
  kb.add({ ...item(1n), ttl: 9 });
  kb.add(item(3n));
  assert.equal(
    kb.list().map((s) => s.item.messageId),
    [1n, 3n],
  );
  assert.is(kb.get(1n)?.item.ttl, 9);
});

test('capacity 0 stores nothing', () => {
  const kb = new KnowledgeBase(0, new FakeClock(0));
  kb.add(item(1n));
  assert.is(kb.size, 0);
});

test.run();
