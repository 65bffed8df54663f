import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PendingValidations } from '../src/pending-validations.js';

test('ids are unique among pending ones and taken in rising order', () => {
  const p = new PendingValidations<string>(10);
  assert.is(p.allocate('a'), 0);
  assert.is(p.allocate('b'), 1);
  assert.is(p.allocate('c'), 2);
  assert.is(p.size, 3);
  assert.is(p.take(1), 'b');
  assert.is(p.take(1), undefined, 'an answered id is gone');
  assert.is(p.allocate('d'), 3, 'a freed id is not reused at once');
});

test('never reuses an id still pending when wrapping around the u16 space', () => {
  const p = new PendingValidations<number>(65_536);
  for (let i = 0; i < 65_536; i++) assert.is(p.allocate(i), i);
  assert.ok(p.isFull);
  assert.is(p.allocate(-1), undefined, 'full: no id');
  p.take(7);
  p.take(40_000);
  assert.is(p.allocate(100), 7);
  assert.is(p.allocate(101), 40_000);
  assert.is(p.allocate(102), undefined);
});

test('wraps from 65535 to 0, skipping ids still pending', () => {
  const p = new PendingValidations<number>(100);
  assert.is(p.allocate(-1), 0);
  assert.is(p.allocate(-2), 1);
  for (let i = 2; i <= 65_535; i++) {
    const id = p.allocate(i)!;
    assert.is(id, i);
    p.take(id);
  }
  // 0 and 1 are still awaiting answers: the wrap must skip them.
  assert.is(p.allocate(7), 2);
  assert.is(p.take(0), -1);
  assert.is(p.allocate(8), 3, 'rising order continues after the wrap');
});

test('limit bounds the map; cancel and clear empty it', () => {
  const p = new PendingValidations<string>(2);
  const a = p.allocate('a')!;
  p.allocate('b');
  assert.is(p.allocate('c'), undefined);
  assert.ok(p.cancel(a));
  assert.not.ok(p.cancel(a));
  assert.ok(p.allocate('c') !== undefined);
  assert.equal(p.clear().sort(), ['b', 'c']);
  assert.is(p.size, 0);
});

test('rejects limits outside 1..65536', () => {
  assert.throws(() => new PendingValidations(0));
  assert.throws(() => new PendingValidations(65_537));
  assert.throws(() => new PendingValidations(1.5));
});

test.run();
