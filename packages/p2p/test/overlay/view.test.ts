import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock, seededRandomBytes } from '@gossip5/testkit';
import { View } from '../../src/overlay/view.js';

interface Member {
  key: string | undefined;
  since: number;
}

test('holds at most `degree` members, one per key', () => {
  const clock = new FakeClock(0);
  const view = new View<Member>(2, seededRandomBytes(1));
  const a = { key: 'a', since: clock.now() };
  assert.ok(view.add(a));
  assert.not.ok(view.add({ key: 'a', since: 1 }), 'second member with the same key');
  assert.not.ok(view.add({ key: undefined, since: 1 }), 'member without a key');
  assert.ok(view.add({ key: 'b', since: 2 }));
  assert.ok(view.isFull);
  assert.is(view.room, 0);
  assert.not.ok(view.add({ key: 'c', since: 3 }));
  assert.is(view.size, 2);
});

test('remove only removes the very member held under its key', () => {
  const view = new View<Member>(3, seededRandomBytes(1));
  const a = { key: 'a', since: 0 };
  view.add(a);
  assert.not.ok(view.remove({ key: 'a', since: 0 }));
  assert.ok(view.remove(a));
  assert.is(view.size, 0);
});

test('oldest is the member established first; sample leaves out the given key', () => {
  const clock = new FakeClock(100);
  const view = new View<Member>(5, seededRandomBytes(3));
  for (const key of ['a', 'b', 'c', 'd']) {
    view.add({ key, since: clock.now() });
    clock.advance(10);
  }
  assert.is(view.oldest()?.key, 'a');
  for (let i = 0; i < 20; i++) {
    const s = view.sample(3, 'b');
    assert.is(s.length, 3);
    assert.not.ok(s.some((m) => m.key === 'b'));
    assert.is(new Set(s).size, 3);
  }
  assert.is(view.sample(10).length, 4);
});

test.run();
