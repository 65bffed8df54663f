import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '@gossip5/testkit';
import { PARENT_POLL_MS, every, shouldWatchParent, watchParent } from '../src/index.js';

test('watchParent fires once when the parent pid changes, then leaves no timer', () => {
  const clock = new FakeClock();
  let ppid = 100;
  const calls: Array<[number, number]> = [];
  watchParent(clock, (was, now) => calls.push([was, now]), () => ppid);
  clock.advance(PARENT_POLL_MS * 3);
  assert.equal(calls, []);
  ppid = 1;
  clock.advance(PARENT_POLL_MS);
  assert.equal(calls, [[100, 1]]);
  clock.advance(PARENT_POLL_MS * 5);
  assert.equal(calls.length, 1);
  assert.is(clock.pending, 0);
});

test('a stopped watch never fires and leaves no timer', () => {
  const clock = new FakeClock();
  let ppid = 100;
  let fired = false;
  const stop = watchParent(clock, () => (fired = true), () => ppid);
  stop();
  ppid = 1;
  clock.advance(PARENT_POLL_MS * 5);
  assert.not.ok(fired);
  assert.is(clock.pending, 0);
});

test('the watch is on under a package script, off otherwise, and can be forced', () => {
  assert.ok(shouldWatchParent({ npm_lifecycle_event: 'start' }));
  assert.not.ok(shouldWatchParent({}));
  assert.ok(shouldWatchParent({ GOSSIP5_WATCH_PARENT: '1' }));
  assert.not.ok(shouldWatchParent({ npm_lifecycle_event: 'start', GOSSIP5_WATCH_PARENT: '0' }));
});

test('every() repeats on the clock until stopped', () => {
  const clock = new FakeClock();
  let n = 0;
  const stop = every(clock, 10, () => n++);
  clock.advance(35);
  assert.is(n, 3);
  stop();
  clock.advance(100);
  assert.is(n, 3);
  assert.is(clock.pending, 0);
});

test.run();
