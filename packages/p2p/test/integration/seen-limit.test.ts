import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { waitFor } from '@gossip5/testkit';
import { startNetwork } from '../../src/testing/index.js';
import type { ReceivedItem } from '../../src/types.js';

test('a full seen set forgets its oldest ids instead of refusing new items', async () => {
  const net = await startNetwork({ n: 2, seed: 77, init: { degree: 2, seenLimit: 3 } });
  try {
    await waitFor(() => net.nodes.every((n) => n.neighbours().length === 1), { what: 'the two nodes to link' });
    const received: ReceivedItem[] = [];
    net.nodes[1]!.on('item', (item) => received.push(item));
    const ids: bigint[] = [];
    for (let i = 0; i < 10; i++) ids.push(net.nodes[0]!.originate({ ttl: 0, dataType: 9, data: new Uint8Array([i]) }));
    await waitFor(() => received.length === 10, { what: 'all ten items at node 1' });
    assert.equal(
      received.map((r) => r.messageId),
      ids,
      'every item accepted, in order, although only three ids fit',
    );
    const stats = net.nodes[1]!.stats();
    assert.ok(stats.seenIds >= 1 && stats.seenIds <= 3, `seenIds ${stats.seenIds}`);
    assert.is(stats.seenIds + stats.drops['seen-evicted-early']!, 10, 'every id is held or counted as forgotten');
  } finally {
    await net.stop();
  }
});

test.run();
