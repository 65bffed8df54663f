/** The meaning of a stop signal by its timing (src/stop-signals.ts), on a fake clock. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '@gossip5/testkit';
import { REPEATED_SIGNAL_GRACE_MS, StopSignals } from '../src/stop-signals.js';

test('the first signal stops; a repeat within the grace (pnpm relaying it) is ignored; a later one exits now', () => {
  const clock = new FakeClock();
  const signals = new StopSignals(clock);
  assert.is(signals.next(), 'stop');
  assert.is(signals.next(), 'ignore', 'the same instant: relayed');
  clock.advance(REPEATED_SIGNAL_GRACE_MS - 1);
  assert.is(signals.next(), 'ignore');
  clock.advance(1);
  assert.is(signals.next(), 'exit-now', 'a person pressing Ctrl-C again');
  assert.is(signals.next(), 'exit-now');
});

test('the grace counts from the first signal, not from the last repeat', () => {
  const clock = new FakeClock();
  const signals = new StopSignals(clock, 100);
  assert.is(signals.next(), 'stop');
  clock.advance(90);
  assert.is(signals.next(), 'ignore');
  clock.advance(20);
  assert.is(signals.next(), 'exit-now');
});

test.run();
