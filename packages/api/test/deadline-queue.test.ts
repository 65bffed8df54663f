import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '@gossip5/testkit';
import { DeadlineQueue } from '../src/deadline-queue.js';
import { Timers } from '../src/timers.js';

function setup(delay = 100) {
  const clock = new FakeClock(0);
  const timers = new Timers(clock);
  const fired: Array<[string, number]> = [];
  const onDue: Record<string, () => void> = {};
  const q = new DeadlineQueue<string>(timers, () => clock.now(), delay, (k) => {
    fired.push([k, clock.now()]);
    onDue[k]?.();
  });
  const add = (k: string) => q.add(k);
  return { clock, timers, q, fired, add, onDue };
}

test('each entry fires delayMs after it was added, in order, on one timer', () => {
  const s = setup();
  s.add('a');
  s.clock.advance(30);
  s.add('b');
  s.clock.advance(30);
  s.add('c');
  assert.is(s.timers.active, 1, 'one timer for three deadlines');
  s.clock.advance(1000);
  assert.equal(s.fired, [
    ['a', 100],
    ['b', 130],
    ['c', 160],
  ]);
  assert.is(s.q.size, 0);
  assert.is(s.timers.active, 0);
});

test('a deleted entry never fires; deleting the last disarms the timer', () => {
  const s = setup();
  s.add('a');
  s.add('b');
  s.q.delete('a');
  s.clock.advance(100);
  assert.equal(s.fired, [['b', 100]]);
  s.add('c');
  s.q.delete('c');
  assert.is(s.timers.active, 0);
  s.clock.advance(1000);
  assert.is(s.fired.length, 1);
});

test('deleting the head re-arms for the next deadline after at most one spare wake-up', () => {
  const s = setup();
  s.add('a');
  s.clock.advance(50);
  s.add('b');
  s.q.delete('a');
  s.clock.advance(50); // a's old deadline: nothing due
  assert.equal(s.fired, []);
  assert.is(s.timers.active, 1);
  s.clock.advance(50);
  assert.equal(s.fired, [['b', 150]]);
  assert.is(s.timers.active, 0);
});

test('an entry added by a firing callback gets a full delay', () => {
  const s = setup();
  s.onDue['a'] = () => s.add('again');
  s.add('a');
  s.clock.advance(500);
  assert.equal(s.fired, [
    ['a', 100],
    ['again', 200],
  ]);
});

test.run();
