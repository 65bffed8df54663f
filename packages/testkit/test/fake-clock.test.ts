import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../src/fake-clock.js';

test('FakeClock fires due timers in deadline order and skips cleared ones', () => {
  const clock = new FakeClock(0);
  const fired: string[] = [];
  clock.setTimeout(() => fired.push('b'), 20);
  const h = clock.setTimeout(() => fired.push('x'), 15);
  clock.setTimeout(() => fired.push('a'), 10);
  clock.clearTimeout(h);
  clock.advance(15);
  assert.equal(fired, ['a']);
  assert.is(clock.now(), 15);
  clock.advance(5);
  assert.equal(fired, ['a', 'b']);
  assert.is(clock.pending, 0);
});

test('a timer set by a firing timer fires in the same advance when due', () => {
  const clock = new FakeClock(0);
  const fired: number[] = [];
  clock.setTimeout(() => {
    fired.push(clock.now());
    clock.setTimeout(() => fired.push(clock.now()), 5);
  }, 5);
  clock.advance(20);
  assert.equal(fired, [5, 10]);
});

test.run();
