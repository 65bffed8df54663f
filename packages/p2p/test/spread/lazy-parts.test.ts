/** The small parts of lazy push: per-link modes, per-turn batches, pull timers (fake clock). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '@gossip5/testkit';
import { EagerLazy } from '../../src/spread/eager-lazy.js';
import { LinkBatcher } from '../../src/spread/link-batcher.js';
import { MAX_ANNOUNCERS_PER_ID, PullTimers } from '../../src/spread/pull-timers.js';

interface L {
  name: string;
  state: string;
  flags: number;
}
const link = (name: string, flags = 1): L => ({ name, state: 'established', flags });

test('EagerLazy: capable links start eager, a prune makes them lazy once, a graft eager again; plain links never turn lazy', () => {
  const m = new EagerLazy<L>();
  const a = link('a');
  const plain = link('plain', 0);
  assert.ok(m.capable(a));
  assert.not.ok(m.capable(plain));
  assert.not.ok(m.isLazy(a));
  assert.ok(m.prune(a));
  assert.not.ok(m.prune(a), 'already lazy');
  assert.ok(m.isLazy(a));
  assert.not.ok(m.prune(plain));
  assert.not.ok(m.isLazy(plain));
  assert.equal(m.census([a, plain, link('b')]), { eager: 1, lazy: 1, plain: 1 });
  assert.is(m.pushing([a, plain, link('b')]), 2, 'items come whole from the eager and the plain link');
  assert.ok(m.graft(a));
  assert.not.ok(m.graft(a), 'already eager');
  assert.not.ok(m.isLazy(a));
});

test('EagerLazy: an eager link turns lazy once its duplicates less its first copies reach pruneAfter, counted afresh once grafted again', () => {
  const m = new EagerLazy<L>(3);
  const a = link('a');
  const plain = link('plain', 0);
  assert.not.ok(m.duplicate(a));
  assert.not.ok(m.duplicate(a));
  assert.not.ok(m.isLazy(a), 'two duplicates: still eager');
  assert.ok(m.duplicate(a), 'the third prunes it');
  assert.ok(m.isLazy(a));
  assert.not.ok(m.duplicate(a), 'already lazy');
  assert.ok(m.graft(a));
  assert.not.ok(m.duplicate(a));
  assert.not.ok(m.duplicate(a), 'the count starts again after a graft');
  m.delivered(a);
  m.delivered(a);
  m.delivered(a);
  assert.not.ok(m.duplicate(a), 'first copies it delivered took its duplicates off (never below 0)');
  assert.not.ok(m.duplicate(a));
  assert.ok(m.duplicate(a));
  for (let i = 0; i < 5; i++) assert.not.ok(m.duplicate(plain), 'plain links never turn lazy');
  const one = new EagerLazy<L>();
  assert.ok(one.duplicate(link('b')), "by default (Plumtree's rule) the first duplicate prunes");
});

test('EagerLazy with forgiveAfter: a link on a cycle (mostly first copies, a duplicate now and then) is pruned; a tree link with a stray duplicate is not', () => {
  const slow = new EagerLazy<L>(2, 4);
  const cycle = link('cycle');
  // One duplicate per 3 first copies: each duplicate adds 4, the 3 first copies take 3 off.
  let pruned = false;
  let items = 0;
  while (!pruned && items < 100) {
    for (let i = 0; i < 3; i++) slow.delivered(cycle);
    pruned = slow.duplicate(cycle);
    items += 4;
  }
  assert.ok(pruned, 'its duplicates outrun the forgiveness');
  assert.ok(items > 4, 'not at its first duplicate');
  const tree = link('tree');
  for (let round = 0; round < 20; round++) {
    assert.not.ok(slow.duplicate(tree));
    for (let i = 0; i < 4; i++) slow.delivered(tree);
  }
  assert.not.ok(slow.isLazy(tree), 'one duplicate per 4 first copies is forgiven in full');
  const eager = new EagerLazy<L>(2);
  const same = link('same');
  for (let i = 0; i < 25; i++) {
    for (let j = 0; j < 3; j++) eager.delivered(same);
    assert.not.ok(eager.duplicate(same));
  }
  assert.not.ok(eager.isLazy(same), 'with forgiveAfter 1 the same cycle link stays eager for ever');
});

test('EagerLazy probation: the next duplicate prunes, unless a first copy came before; plain and lazy links are not put on it', () => {
  const m = new EagerLazy<L>(16);
  const cycle = link('cycle');
  m.probation(cycle);
  assert.not.ok(m.isLazy(cycle), 'still eager');
  assert.ok(m.duplicate(cycle), 'its first duplicate prunes it');
  const needed = link('needed');
  m.probation(needed);
  m.delivered(needed);
  for (let i = 0; i < 15; i++) assert.not.ok(m.duplicate(needed), 'a first copy ends the probation: the usual count');
  assert.ok(m.duplicate(needed));
  const plain = link('plain', 0);
  m.probation(plain);
  assert.not.ok(m.duplicate(plain), 'plain links never turn lazy');
  const lazy = link('lazy');
  m.prune(lazy);
  m.probation(lazy);
  m.graft(lazy);
  assert.not.ok(m.duplicate(lazy), 'probation asked while lazy does not hold once grafted');
});

test('LinkBatcher with a delay: a round gathers what comes within delayMs of its first entry', () => {
  const clock = new FakeClock();
  const sent: Array<[string, number[]]> = [];
  const b = new LinkBatcher<L, number>(clock, 100, 500, (l, e) => sent.push([l.name, e]));
  const a = link('a');
  b.add(a, 1);
  clock.advance(300);
  b.add(a, 2);
  clock.advance(199);
  assert.equal(sent, [], 'nothing before the round ends');
  clock.advance(1);
  assert.equal(sent, [['a', [1, 2]]], 'one frame for the round, 500 ms after its first entry');
  b.add(a, 3);
  clock.advance(499);
  assert.is(sent.length, 1, 'a new round starts with the next entry');
  clock.advance(1);
  assert.equal(sent[1], ['a', [3]]);
});

test('LinkBatcher: entries of one turn leave as one frame per link, a full batch at once, closed links are skipped', () => {
  const clock = new FakeClock();
  const sent: Array<[string, number[]]> = [];
  const b = new LinkBatcher<L, number>(clock, 3, 0, (l, e) => sent.push([l.name, e]));
  const a = link('a');
  const c = link('c');
  b.add(a, 1);
  b.add(c, 10);
  b.add(a, 2);
  assert.equal(sent, [], 'nothing before the turn ends');
  assert.is(b.pending, 3);
  b.add(a, 3);
  assert.equal(sent, [['a', [1, 2, 3]]], 'a full batch goes at once');
  b.add(a, 4);
  c.state = 'closed';
  clock.advance(0);
  assert.equal(sent, [['a', [1, 2, 3]], ['a', [4]]], 'c closed before the flush: skipped');
  assert.is(b.pending, 0);
  b.add(a, 5);
  b.stop();
  clock.advance(10);
  assert.is(sent.length, 2, 'stop drops what waits');
  assert.is(clock.pending, 0);
});

function pulls(clock: FakeClock, limit = 100) {
  const asked: Array<[string, bigint]> = [];
  const events = { full: 0, abandoned: [] as bigint[] };
  const p = new PullTimers<L>({
    clock,
    timeoutMs: 100,
    retryMs: 40,
    limit,
    pull: (l, id) => asked.push([l.name, id]),
    onFull: () => events.full++,
    onAbandoned: (id) => events.abandoned.push(id),
  });
  return { p, asked, events };
}

test('PullTimers: pulled from the first announcer after the timeout, then from the next ones in turn, then abandoned', () => {
  const clock = new FakeClock();
  const { p, asked, events } = pulls(clock);
  const [a, b, c] = [link('a'), link('b'), link('c')];
  p.announced(a, 7n);
  clock.advance(50);
  p.announced(b, 7n);
  p.announced(b, 7n);
  p.announced(c, 7n);
  assert.equal(asked, []);
  clock.advance(50);
  assert.equal(asked, [['a', 7n]], 'first announcer at the timeout');
  b.state = 'closed';
  clock.advance(40);
  assert.equal(asked, [['a', 7n], ['c', 7n]], 'closed b skipped');
  assert.is(p.size, 1);
  clock.advance(40);
  assert.equal(events.abandoned, [7n]);
  assert.is(p.size, 0);
  assert.is(p.started, 2);
  assert.is(clock.pending, 0);
});

test('PullTimers: an item that arrives cancels its pull; ids and announcers are bounded', () => {
  const clock = new FakeClock();
  const { p, asked, events } = pulls(clock, 2);
  p.announced(link('a'), 1n);
  p.arrived(1n);
  clock.advance(1000);
  assert.equal(asked, []);
  assert.is(clock.pending, 0);
  p.announced(link('a'), 2n);
  p.announced(link('a'), 3n);
  p.announced(link('a'), 4n);
  assert.is(events.full, 1, 'the third missing id is refused');
  assert.is(p.size, 2);
  for (let i = 0; i < 10; i++) p.announced(link(`x${i}`), 2n);
  clock.advance(100 + 40 * 20);
  assert.is(asked.filter(([, id]) => id === 2n).length, MAX_ANNOUNCERS_PER_ID, 'at most this many announcers asked');
  p.announced(link('a'), 9n);
  p.stop();
  assert.is(clock.pending, 0);
});

test('PullTimers: the wait grows with the lag of items that come over the tree, up to 10 x the timeout', () => {
  const clock = new FakeClock();
  const { p, asked } = pulls(clock);
  assert.is(p.waitMs, 100, 'the timeout while no lag is known');
  // Items keep arriving 90 ms after their announcement: the mean lag approaches 90, the wait 180.
  for (let i = 0; i < 100; i++) {
    p.announced(link('a'), BigInt(i + 1));
    clock.advance(90);
    p.arrived(BigInt(i + 1));
  }
  assert.ok(p.waitMs > 170 && p.waitMs <= 180, `wait ${p.waitMs}`);
  assert.equal(asked, [], 'none was pulled: each came before its timer');
  p.announced(link('a'), 500n);
  clock.advance(150);
  assert.equal(asked, [], 'a 150 ms lag no longer triggers a pull');
  clock.advance(40);
  assert.equal(asked, [['a', 500n]]);
  // Pulled items do not count (item 500 arrives now, after its pull).
  const before = p.waitMs;
  p.arrived(500n);
  assert.is(p.waitMs, before);
  // Items that arrive just before their timer keep pushing the wait up, to the cap.
  for (let i = 0; i < 300; i++) {
    p.announced(link('a'), BigInt(1000 + i));
    clock.advance(p.waitMs - 1);
    p.arrived(BigInt(1000 + i));
  }
  assert.is(p.waitMs, 1000, 'at most 10 x the timeout');
  assert.is(asked.length, 1);
  p.stop();
});

test('PullTimers: an id announced with `now` is pulled at once; pullAllNow pulls every id not yet pulled, then retries as usual', () => {
  const clock = new FakeClock();
  const { p, asked } = pulls(clock);
  const [a, b] = [link('a'), link('b')];
  p.announced(a, 1n, true);
  assert.equal(asked, [['a', 1n]], 'no wait');
  p.announced(a, 2n);
  p.announced(b, 3n);
  clock.advance(10);
  assert.equal(asked.length, 1);
  p.announced(b, 2n, true);
  assert.equal(asked, [['a', 1n], ['a', 2n]], 'a later announcement with `now` pulls a waiting id from its first announcer');
  p.pullAllNow();
  assert.equal(asked, [['a', 1n], ['a', 2n], ['b', 3n]], 'ids already pulled are not pulled again');
  clock.advance(40);
  assert.equal(asked.slice(3), [['b', 2n]], 'the retry goes to the next announcer after retryMs');
  p.arrived(1n);
  p.arrived(2n);
  p.arrived(3n);
  assert.is(p.size, 0);
  assert.is(clock.pending, 0);
});

test.run();
