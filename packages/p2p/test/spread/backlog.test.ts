import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BACKLOG_HARD_FACTOR, ValidationBacklog } from '../../src/spread/backlog.js';

class FakeLink {
  paused = false;
  pauses = 0;
  pauseReading() {
    if (!this.paused) this.pauses++;
    this.paused = true;
  }
  resumeReading() {
    this.paused = false;
  }
}

test('at the limit every link is paused; they resume once the backlog is down to half', () => {
  const a = new FakeLink();
  const b = new FakeLink();
  const backlog = new ValidationBacklog<FakeLink>(4, () => [a, b], () => 2);
  backlog.take(a);
  backlog.take(b);
  backlog.take(b);
  assert.ok(b.paused, 'b used its share (4 / 2 neighbours)');
  assert.not.ok(a.paused);
  backlog.take(a);
  assert.ok(a.paused && b.paused, 'the limit pauses all');
  backlog.release(a);
  assert.ok(a.paused, 'not yet at half');
  backlog.release(b);
  assert.not.ok(a.paused, 'a has 1 of its share of 2: resumed');
  assert.not.ok(b.paused, 'b has 1 of its share of 2: resumed');
  assert.is(backlog.pausedLinks, 0);
  assert.is(backlog.size, 2);
});

test('pause and resume repeat round after round', () => {
  const a = new FakeLink();
  const backlog = new ValidationBacklog<FakeLink>(4, () => [a], () => 1);
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 4; i++) backlog.take(a);
    assert.ok(a.paused, `round ${round}: paused`);
    for (let i = 0; i < 4; i++) backlog.release(a);
    assert.not.ok(a.paused, `round ${round}: resumed`);
  }
  assert.is(a.pauses, 3);
  assert.is(backlog.size, 0);
});

test('the hard limit is a multiple of the soft one', () => {
  const a = new FakeLink();
  const backlog = new ValidationBacklog<FakeLink>(3, () => [a], () => 1);
  for (let i = 0; i < 3 * BACKLOG_HARD_FACTOR; i++) {
    assert.ok(backlog.hasRoom());
    backlog.take(a);
  }
  assert.not.ok(backlog.hasRoom());
});

test.run();
