import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '@gossip5/testkit';
import { Backoff } from '../../src/overlay/backoff.js';

test('delays double from min up to max, and reset goes back to min', () => {
  const clock = new FakeClock(0);
  const backoff = new Backoff(clock, 100, 500);
  const fired: number[] = [];
  const delays: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = clock.now();
    delays.push(backoff.nextDelay);
    assert.ok(backoff.schedule(() => fired.push(clock.now() - start)));
    clock.advance(backoff.nextDelay * 2);
  }
  assert.equal(delays, [100, 200, 400, 500, 500]);
  assert.equal(fired, [100, 200, 400, 500, 500]);
  backoff.reset();
  assert.is(backoff.nextDelay, 100);
  assert.is(backoff.attempts, 0);
});

test('a task fires only when its delay has passed', () => {
  const clock = new FakeClock(0);
  const backoff = new Backoff(clock, 100, 1_000);
  let fired = 0;
  backoff.schedule(() => fired++);
  clock.advance(99);
  assert.is(fired, 0);
  assert.ok(backoff.pending);
  clock.advance(1);
  assert.is(fired, 1);
  assert.not.ok(backoff.pending);
});

test('at most one task is pending; cancel drops it', () => {
  const clock = new FakeClock(0);
  const backoff = new Backoff(clock, 100, 1_000);
  let fired = 0;
  assert.ok(backoff.schedule(() => fired++));
  assert.not.ok(backoff.schedule(() => fired++));
  backoff.cancel();
  clock.advance(10_000);
  assert.is(fired, 0);
  assert.is(clock.pending, 0);
});

test.run();
