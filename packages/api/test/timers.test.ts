import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '@gossip5/testkit';
import { Timers } from '../src/timers.js';

test('counts armed timers: fired and cleared ones leave the count', () => {
  const clock = new FakeClock(0);
  const timers = new Timers(clock);
  let fired = 0;
  const a = timers.set(() => fired++, 10);
  timers.set(() => fired++, 20);
  assert.is(timers.active, 2);
  timers.clear(a);
  timers.clear(a);
  assert.is(timers.active, 1);
  assert.is(clock.pending, 1, 'the clock timer was cleared too');
  clock.advance(20);
  assert.is(fired, 1);
  assert.is(timers.active, 0);
  timers.clear(undefined);
  assert.is(timers.active, 0);
});

test('clearing a timer that already fired changes nothing', () => {
  const clock = new FakeClock(0);
  const timers = new Timers(clock);
  const t = timers.set(() => {}, 5);
  clock.advance(5);
  timers.clear(t);
  assert.is(timers.active, 0);
});

test.run();
