import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Scheduler } from '../../src/testing/scheduler.js';

test('events run by deadline, and in the order they were scheduled within one millisecond', async () => {
  const s = new Scheduler();
  const ran: string[] = [];
  s.setTimeout(() => ran.push('b@20'), 20);
  s.setTimeout(() => ran.push('a@10'), 10);
  s.setTimeout(() => ran.push('c@20'), 19.2); // rounded up to 20, scheduled after b
  s.setTimeout(() => ran.push('d@0'), -5);
  await s.runUntil(() => false);
  assert.equal(ran, ['d@0', 'a@10', 'b@20', 'c@20']);
  assert.is(s.now(), 20);
  assert.is(s.executed, 4);
});

test('what a batch schedules for now runs in that batch, after what was due, and promise continuations settle first', async () => {
  const s = new Scheduler();
  const ran: string[] = [];
  s.setTimeout(() => {
    ran.push('first');
    s.setTimeout(() => ran.push('now, from first'), 0);
    void Promise.resolve().then(() => s.setTimeout(() => ran.push('now, from a promise'), 0));
  }, 5);
  s.setTimeout(() => ran.push('second'), 5);
  s.setTimeout(() => ran.push('later'), 6);
  await s.runUntil(() => false);
  assert.equal(ran, ['first', 'second', 'now, from first', 'now, from a promise', 'later']);
});

test('cleared timers never run and leave the count; runUntil stops at done() or at the limit; runFor moves time', async () => {
  const s = new Scheduler();
  const ran: number[] = [];
  const t = s.setTimeout(() => ran.push(1), 10);
  s.setTimeout(() => ran.push(2), 10);
  s.setTimeout(() => ran.push(3), 30);
  assert.is(s.pending, 3);
  s.clearTimeout(t);
  s.clearTimeout(t);
  assert.is(s.pending, 2);
  assert.is(await s.runUntil(() => false, 25), false);
  assert.equal(ran, [2]);
  assert.is(s.now(), 25, 'time stands at the limit');
  assert.is(s.next(), 30);
  await s.runFor(100);
  assert.equal(ran, [2, 3]);
  assert.is(s.now(), 125);
  assert.is(s.next(), undefined);
  s.setTimeout(() => ran.push(4), 1);
  s.setTimeout(() => ran.push(5), 2);
  assert.is(await s.runUntil(() => ran.length >= 3), true);
  assert.equal(ran, [2, 3, 4], 'done() is checked after each batch');
});

test('a long run with many cancelled timers keeps (deadline, scheduling order) exactly', async () => {
  const s = new Scheduler();
  let x = 7;
  const rnd = () => (x = (x * 1103515245 + 12345) >>> 0) % 50;
  const seen: Array<[number, number]> = [];
  let seq = 0;
  for (let i = 0; i < 2_000; i++) {
    const id = seq++;
    const t = s.setTimeout(() => seen.push([s.now(), id]), rnd());
    if (i % 3 === 0) s.clearTimeout(t);
  }
  await s.runUntil(() => false);
  assert.is(seen.length, 2_000 - Math.ceil(2_000 / 3));
  for (let i = 1; i < seen.length; i++) {
    const [a, ia] = seen[i - 1]!;
    const [b, ib] = seen[i]!;
    assert.ok(a < b || (a === b && ia < ib), `event ${ib} at ${b} after ${ia} at ${a}`);
  }
});

test.run();
