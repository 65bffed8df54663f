import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '@gossip5/testkit';
import { Delivery, type DeliveryTarget } from '../src/delivery.js';
import { PendingValidations } from '../src/pending-validations.js';
import { DeadlineQueue } from '../src/deadline-queue.js';
import { Timers } from '../src/timers.js';
import type { Verdict } from '../src/types.js';

function setup(trusted = false, timeoutMs = 1000) {
  const clock = new FakeClock(0);
  const timers = new Timers(clock);
  const verdicts: Verdict[] = [];
  let released = 0;
  const deadlines: DeadlineQueue<Delivery> = new DeadlineQueue<Delivery>(timers, () => clock.now(), timeoutMs, (x) => x.expire());
  const owner = { deadlines, decided: () => {}, released: () => released++ };
  const d = new Delivery(owner, trusted, 'token', (token, v) => {
    assert.is(token, 'token');
    verdicts.push(v);
  });
  const target = (): DeliveryTarget & { id: number } => {
    const t = { pending: new PendingValidations<Delivery>(16), id: -1 };
    t.id = t.pending.allocate(d)!;
    d.add(t, t.id);
    return t;
  };
  const answer = (t: DeliveryTarget & { id: number }, valid: boolean): boolean => {
    const owner = t.pending.take(t.id);
    return owner ? owner.answer(t, valid) : false;
  };
  return { clock, timers, d, verdicts, target, answer, released: () => released };
}

test('valid as soon as the last V=1 arrives; timer and ids released', () => {
  const s = setup();
  const a = s.target();
  const b = s.target();
  s.d.begin();
  assert.is(s.timers.active, 1);
  assert.ok(s.answer(a, true));
  assert.equal(s.verdicts, []);
  assert.ok(s.answer(b, true));
  assert.equal(s.verdicts, ['valid']);
  assert.is(s.timers.active, 0);
  assert.is(s.released(), 1);
});

test('invalid at the first V=0, without waiting for the rest; the others are freed', () => {
  const s = setup();
  const a = s.target();
  const b = s.target();
  s.d.begin();
  assert.ok(s.answer(a, false));
  assert.equal(s.verdicts, ['invalid']);
  assert.is(b.pending.size, 0, "b's id is released");
  assert.not.ok(s.answer(b, true), 'a late answer is ignored');
  assert.equal(s.verdicts, ['invalid']);
  assert.is(s.timers.active, 0);
});

test('invalid at the timeout when an answer is missing', () => {
  const s = setup(false, 1000);
  const a = s.target();
  const b = s.target();
  s.d.begin();
  s.answer(a, true);
  s.clock.advance(999);
  assert.equal(s.verdicts, []);
  s.clock.advance(1);
  assert.equal(s.verdicts, ['invalid']);
  assert.is(b.pending.size, 0);
  assert.is(s.released(), 1);
});

test('a lost target is a missing answer, settled at once', () => {
  const s = setup();
  const a = s.target();
  s.target();
  s.d.begin();
  a.pending.clear();
  s.d.lost(a);
  assert.equal(s.verdicts, ['invalid']);
  assert.is(s.timers.active, 0);
});

test('nobody notified: unsubscribed, no timer', () => {
  const s = setup();
  s.d.begin();
  assert.equal(s.verdicts, ['unsubscribed']);
  assert.is(s.timers.active, 0);
  assert.is(s.released(), 1);
});

test('fail() during setup: invalid at begin; the targets notified keep their ids until answered or timed out', () => {
  const s = setup();
  const a = s.target();
  const b = s.target();
  s.d.fail();
  assert.equal(s.verdicts, [], 'not before begin: the others are still being notified');
  s.d.begin();
  assert.equal(s.verdicts, ['invalid']);
  assert.is(s.d.outstanding, 2);
  assert.not.ok(s.answer(a, true), 'answers no longer count');
  assert.is(s.released(), 0);
  s.clock.advance(1000);
  assert.is(s.released(), 1);
  assert.is(b.pending.size, 0);
  assert.is(s.timers.active, 0);
  assert.equal(s.verdicts, ['invalid']);
});

test('fail() with nobody notified settles invalid at begin and releases at once', () => {
  const s = setup();
  s.d.fail();
  s.d.begin();
  assert.equal(s.verdicts, ['invalid']);
  assert.is(s.released(), 1);
  assert.is(s.timers.active, 0);
});

test('trusted: valid at once, ids reserved until answered, answers ignored', () => {
  const s = setup(true);
  const a = s.target();
  const b = s.target();
  s.d.begin();
  assert.equal(s.verdicts, ['valid']);
  assert.is(s.d.outstanding, 2);
  assert.not.ok(s.answer(a, false), 'answers to trusted items do not count');
  assert.is(s.released(), 0);
  assert.not.ok(s.answer(b, true));
  assert.is(s.released(), 1);
  assert.is(s.timers.active, 0);
  assert.equal(s.verdicts, ['valid']);
});

test('trusted: ids released at the end of the window; lost targets do not change the verdict', () => {
  const s = setup(true, 1000);
  const a = s.target();
  const b = s.target();
  a.pending.clear();
  s.d.lost(a);
  s.d.begin();
  assert.equal(s.verdicts, ['valid']);
  s.clock.advance(1000);
  assert.is(b.pending.size, 0);
  assert.is(s.released(), 1);
  assert.is(s.timers.active, 0);
});

test('trusted with nobody notified: unsubscribed', () => {
  const s = setup(true);
  s.d.fail();
  s.d.begin();
  assert.equal(s.verdicts, ['unsubscribed']);
  assert.is(s.released(), 1);
});

test('abort settles a pending delivery as invalid and releases everything', () => {
  const s = setup();
  const a = s.target();
  s.d.begin();
  s.d.abort();
  s.d.abort();
  assert.equal(s.verdicts, ['invalid']);
  assert.is(a.pending.size, 0);
  assert.is(s.timers.active, 0);
  assert.is(s.released(), 1);
});

test.run();
