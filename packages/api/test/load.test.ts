import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeModule, waitFor } from '@gossip5/testkit';
import { bytes, startHarness } from './helpers.js';

const N = 1_000;
const COMMON = 1;

test(`${N} connections opened, subscribed, served and dropped leave nothing behind`, async () => {
  const h = await startHarness({ maxConnections: N + 10 });
  try {
    const mods: FakeModule[] = [];
    for (let batch = 0; batch < N; batch += 100) {
      const opened = await Promise.all(Array.from({ length: 100 }, () => FakeModule.connect(h.port, h.host)));
      for (const [i, m] of opened.entries()) {
        m.subscribe(COMMON);
        m.subscribe(100 + ((batch + i) % 50));
      }
      mods.push(...opened);
    }
    await waitFor(() => h.server.stats().subscriptions === 2 * N, { what: `${2 * N} subscriptions` });
    assert.is(h.server.connectionCount(), N);
    assert.is(h.server.stats().subscribedTypes, 51);

    // One item reaches all of them, and every one answers.
    assert.is(await h.server.deliver({ dataType: COMMON, data: bytes(1, 2) }), 'valid');
    await Promise.all(mods.map((m) => m.waitForNotifications(1)));

    // Half leave politely (FIN), half vanish (RST).
    for (const [i, m] of mods.entries()) {
      if (i % 2 === 0) void m.close();
      else m.destroy();
    }
    await waitFor(() => h.server.connectionCount() === 0, { what: 'all connections closed' });
    const s = h.server.stats();
    assert.is(s.connectionsAccepted, N);
    assert.is(s.connectionsClosed, N);
    assert.equal(
      [s.subscriptions, s.subscribedTypes, s.pendingValidations, s.pendingDeliveries, s.activeTimers],
      [0, 0, 0, 0, 0],
    );
    assert.not.ok(h.server.hasSubscribers(COMMON));
    assert.is(h.clock.pending, 0);

    // And the server still serves a newcomer.
    const late = await h.subscriber(COMMON);
    assert.is(await h.server.deliver({ dataType: COMMON, data: bytes(3) }), 'valid');
    assert.is((await late.nextNotification()).data[0], 3);
  } finally {
    await h.stop();
  }
});

test.run();
