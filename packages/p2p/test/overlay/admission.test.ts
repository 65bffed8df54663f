import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveConfig } from '../../src/config.js';
import { Counters } from '../../src/counters.js';
import { silentLogger } from '../../src/defaults.js';
import { Admission, EVICTION_GROUPS_LIMIT } from '../../src/overlay/admission.js';
import { View } from '../../src/overlay/view.js';
import { Scheduler, seededRandom } from '../../src/testing/index.js';
import type { Link } from '../../src/transport/link.js';

/** A full bootstrapper (degree 2, one eviction a minute per group) and newcomers named by group. */
function bootstrapper() {
  const clock = new Scheduler(1_000_000);
  const random = seededRandom(1);
  const config = resolveConfig({ host: '10.0.0.1', port: 6000, degree: 2, maxEvictionsPerMinute: 1, cacheSize: 16, pushTtl: 2, seenTtlMs: 60_000 });
  const counters = new Counters(silentLogger, clock, 10_000);
  const view = new View<Link>(2, random);
  for (const key of ['10.9.0.1:1', '10.9.1.1:1']) view.add({ key, since: 0, group: key, firstItems: 0 } as unknown as Link);
  const admission = new Admission({ config, clock, random, counters, view });
  admission.start('10.0.0.1:6000', true);
  const evicts = (group: string) => 'evict' in admission.whenFull({ group } as unknown as Link);
  return { clock, counters, evicts };
}

test('a group gets its eviction budget back after a minute, not before', async () => {
  const { clock, evicts } = bootstrapper();
  assert.ok(evicts('a'), 'first newcomer of group a: room made');
  assert.not.ok(evicts('a'), 'budget of 1 a minute spent');
  await clock.runFor(59_000);
  assert.not.ok(evicts('a'), 'still within the minute');
  await clock.runFor(1_000);
  assert.ok(evicts('a'), 'a minute later');
});

test(`past ${EVICTION_GROUPS_LIMIT} groups the one longest without a newcomer is forgotten, not the first seen`, () => {
  const { evicts } = bootstrapper();
  assert.ok(evicts('a'));
  for (let g = 1; g < EVICTION_GROUPS_LIMIT; g++) assert.ok(evicts(`g${g}`));
  // The memory is full (a + 4 095 others). Group a comes again: refused, and now the most recent.
  assert.not.ok(evicts('a'));
  // A new group makes room by forgetting g1 (longest without a newcomer), so a keeps its spent budget.
  assert.ok(evicts('new'));
  assert.not.ok(evicts('a'), 'a still remembered');
  assert.ok(evicts('g1'), 'g1 was forgotten: its budget is back');
});

test.run();
