import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Subscriptions } from '../src/subscriptions.js';

test('several types per connection and several connections per type', () => {
  const s = new Subscriptions<string>();
  assert.ok(s.add(1, 'a'));
  assert.ok(s.add(2, 'a'));
  assert.ok(s.add(1, 'b'));
  assert.not.ok(s.add(1, 'a'), 'a repeated NOTIFY changes nothing');
  assert.equal(s.subscribers(1).sort(), ['a', 'b']);
  assert.equal(s.subscribers(2), ['a']);
  assert.equal(s.subscribers(3), []);
  assert.is(s.size, 3);
  assert.is(s.typeCount, 2);
  assert.is(s.countFor('a'), 2);
  assert.ok(s.has(2, 'a'));
  assert.not.ok(s.has(2, 'b'));
});

test('removeAll drops every subscription of a connection and empty types vanish', () => {
  const s = new Subscriptions<string>();
  s.add(1, 'a');
  s.add(2, 'a');
  s.add(1, 'b');
  s.removeAll('a');
  assert.equal(s.subscribers(1), ['b']);
  assert.not.ok(s.hasSubscribers(2));
  assert.is(s.size, 1);
  assert.is(s.typeCount, 1);
  assert.is(s.countFor('a'), 0);
  s.removeAll('b');
  s.removeAll('b');
  assert.is(s.size, 0);
  assert.is(s.typeCount, 0);
});

test('subscribers() is a snapshot, safe while subscriptions change', () => {
  const s = new Subscriptions<string>();
  s.add(1, 'a');
  s.add(1, 'b');
  const seen: string[] = [];
  for (const c of s.subscribers(1)) {
    s.removeAll('a');
    s.removeAll('b');
    seen.push(c);
  }
  assert.is(seen.length, 2);
});

test.run();
