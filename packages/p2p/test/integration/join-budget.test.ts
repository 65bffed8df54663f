/**
 * The eviction budget is per source group: a bootstrapper with a full view and a budget of one eviction a
 * minute still admits a stream of joiners from distinct groups (a global budget refused all but the first,
 * and a refused joiner learns no other address: the simulator saw 189 of 1 000 nodes join).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startNetwork } from '../../src/testing/index.js';
import { memoryWorld } from '../memory-world.js';

test('twelve joiners from twelve /24s all get a neighbour through a full bootstrapper with maxEvictionsPerMinute 1', async () => {
  const { scheduler, network } = memoryWorld(5);
  const host = (i: number) => `10.0.${i}.1`;
  const net = await startNetwork({
    n: 13,
    seed: 5,
    scheduler,
    // Joins within 20 s of virtual time each: a global budget of 1 a minute cannot serve them.
    joinLimitMs: 20_000,
    init: { degree: 3, maxEvictionsPerMinute: 1, exemptNetworks: [], port: 6000 },
    nodeInit: (i) => ({ host: host(i) }),
    transport: (i) => network.endpoint(host(i)),
  });
  try {
    assert.ok(net.nodes.every((n) => n.neighbours().length > 0));
    assert.ok((net.nodes[0]!.stats().drops['eviction-budget-spent'] ?? 0) === 0, 'no joiner refused for the budget');
  } finally {
    const stopping = net.stop();
    await scheduler.runFor(10_000);
    await stopping;
  }
});

test.run();
