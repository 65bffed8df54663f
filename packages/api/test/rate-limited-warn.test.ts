import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock, RecordingLogger } from '@gossip5/testkit';
import { RateLimitedWarn } from '../src/rate-limited-warn.js';

test('at most one warning per reason per interval, with the count suppressed since the last', () => {
  const clock = new FakeClock(0);
  const logger = new RecordingLogger();
  const w = new RateLimitedWarn(logger, clock, 10_000);
  assert.ok(w.warn('pending-limit', { n: 1 }, 'full'));
  assert.not.ok(w.warn('pending-limit', { n: 2 }, 'full'));
  assert.not.ok(w.warn('pending-limit', { n: 3 }, 'full'));
  assert.ok(w.warn('connection-limit', {}, 'too many'), 'reasons are limited separately');
  clock.advance(9_999);
  assert.not.ok(w.warn('pending-limit', { n: 4 }, 'full'));
  clock.advance(1);
  assert.ok(w.warn('pending-limit', { n: 5 }, 'full'));
  const warns = logger.find('pending-limit', 'warn');
  assert.is(warns.length, 2);
  assert.is(warns[0]!.fields['suppressedSinceLastWarning'], 0);
  assert.is(warns[1]!.fields['suppressedSinceLastWarning'], 3);
  assert.is(warns[1]!.fields['n'], 5);
});

test.run();
