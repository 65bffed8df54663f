/** The local side of the accounting identity: every ANNOUNCE a module sends ends in one counted outcome. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_API_DATA, MAX_ITEM_DATA } from '@gossip5/protocol';
import { FakeModule, freePort, waitFor } from '@gossip5/testkit';
import { parseConfig } from '../src/config.js';
import { createGossipDaemon } from '../src/daemon.js';

test('announces in = originated + refused too large, and the other local module gets each originated one', async () => {
  const [p2p, api] = [await freePort(), await freePort()];
  const config = await parseConfig(
    `[gossip]\ncache_size = 10\ndegree = 3\np2p_address = 127.0.0.1:${p2p}\napi_address = 127.0.0.1:${api}\n`,
    '/etc/gossip/accounting-test.ini',
    {},
  );
  const daemon = createGossipDaemon(config);
  await daemon.start();
  try {
    const sub = await FakeModule.connect(api);
    sub.subscribe(9);
    await waitFor(() => daemon.stats().api.subscriptions === 1, { what: 'the subscription' });
    const announcer = await FakeModule.connect(api);
    const sizes = [0, 1, 64, MAX_ITEM_DATA, MAX_ITEM_DATA + 1, MAX_API_DATA, 4096, MAX_ITEM_DATA + 2];
    const rounds = 50;
    for (let r = 0; r < rounds; r++) for (const n of sizes) announcer.announce({ ttl: 0, dataType: 9, data: new Uint8Array(n).fill(r) });
    const total = rounds * sizes.length;
    const tooLarge = rounds * sizes.filter((n) => n > MAX_ITEM_DATA).length;
    await waitFor(() => daemon.stats().api.announces === total, { what: 'every ANNOUNCE read', timeoutMs: 20_000 });
    const s = daemon.stats();
    assert.is(s.bridge.announced + s.bridge.announceRefusedTooLarge, s.api.announces, 'each announce has one outcome');
    assert.is(s.bridge.announceRefusedTooLarge, tooLarge);
    // Content-derived ids: the 50 empty announces are one item (size 0 cannot differ), so 49 are duplicates.
    assert.is(s.p2p.itemsOriginatedDuplicate, rounds - 1);
    assert.is(
      s.p2p.itemsOriginated + s.p2p.itemsOriginatedDuplicate,
      s.bridge.announced,
      'each accepted announce originated once on the overlay, or was the same content again',
    );
    await sub.waitForNotifications(total - tooLarge);
    assert.is(sub.notifications.length, total - tooLarge, 'each originated item reached the other module once');
    assert.ok(announcer.notifications.length === 0, 'the announcer never gets its own items back');
    announcer.destroy();
    sub.destroy();
  } finally {
    await daemon.stop();
  }
});

test.run();
