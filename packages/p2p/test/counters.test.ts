import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock, RecordingLogger } from '@gossip5/testkit';
import { DropCounter } from '../src/counters.js';

test('drops are counted by reason and warned about at most once per interval, with the count', () => {
  const clock = new FakeClock(0);
  const log = new RecordingLogger();
  const drops = new DropCounter(log, clock, 10_000);
  drops.drop('queue-full', { peer: 'x' });
  drops.drop('queue-full');
  drops.drop('queue-full');
  drops.drop('other');
  assert.equal(drops.counts, { 'queue-full': 3, other: 1 });
  assert.is(log.find('queue-full', 'warn').length, 1);
  assert.is(log.find('other', 'warn').length, 1);
  clock.advance(10_000);
  drops.drop('queue-full');
  const warnings = log.find('queue-full', 'warn');
  assert.is(warnings.length, 2);
  assert.is(warnings[1]!.fields.dropped, 3, 'the two suppressed drops and this one');
  assert.is(warnings[1]!.fields.total, 4);
});

test('many drops at once are counted as many, in one warning', () => {
  const clock = new FakeClock(0);
  const log = new RecordingLogger();
  const drops = new DropCounter(log, clock, 10_000);
  drops.drop('seen-evicted-early', {}, 'forgot', 250);
  drops.drop('seen-evicted-early', {}, 'forgot', 50);
  assert.equal(drops.counts, { 'seen-evicted-early': 300 });
  const warnings = log.find('seen-evicted-early', 'warn');
  assert.is(warnings.length, 1);
  assert.is(warnings[0]!.fields.dropped, 250);
  clock.advance(10_000);
  drops.drop('seen-evicted-early', {}, 'forgot', 1);
  assert.is(log.find('seen-evicted-early', 'warn')[1]!.fields.dropped, 51, 'the 50 suppressed and this one');
});

test.run();
