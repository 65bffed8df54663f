/** The composition root in process: three daemons over the in-memory P2P transport, modules over real API sockets. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemoryNetwork, systemClock } from '@gossip5/p2p';
import { inlineSolver, seededRandom } from '@gossip5/p2p/testing';
import { FakeModule, freePort, waitFor } from '@gossip5/testkit';
import { parseConfig } from '../src/config.js';
import { createGossipDaemon, type Daemon } from '../src/daemon.js';

test('createGossipDaemon wires the injected transport and randomness: three daemons spread an item, no TCP between them', async () => {
  const net = new MemoryNetwork({ clock: systemClock, latency: () => 1 });
  const daemons: Daemon[] = [];
  const modules: FakeModule[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const api = await freePort();
      const config = await parseConfig(
        `[gossip]\ncache_size = 10\ndegree = 2\npow_difficulty = 4\np2p_address = 10.0.${i}.1:6001\napi_address = 127.0.0.1:${api}\n` +
          (i > 0 ? 'bootstrapper = 10.0.0.1:6001\n' : ''),
        `/etc/gossip/in-process-${i}.ini`,
        {},
      );
      const d = createGossipDaemon(config, {
        transport: net.endpoint(`10.0.${i}.1`),
        random: seededRandom(40 + i),
        powSolver: inlineSolver,
      });
      daemons.push(d);
      await d.start();
      const m = await FakeModule.connect(api);
      m.subscribe(3);
      modules.push(m);
    }
    await waitFor(() => daemons.every((d) => d.stats().neighbours > 0 && d.stats().api.subscriptions === 1), {
      what: 'a connected overlay and the subscriptions',
    });
    modules[0]!.announce({ ttl: 0, dataType: 3, data: Uint8Array.of(1, 2, 3) });
    await modules[1]!.waitForNotifications(1);
    await modules[2]!.waitForNotifications(1);
    assert.equal([...modules[2]!.notifications[0]!.data], [1, 2, 3]);
    assert.is(modules[0]!.notifications.length, 0);
    // The P2P address in status is the memory one: nothing listens on it over TCP.
    assert.ok((daemons[1]!.status().neighbours as Array<{ address: string }>).some((n) => n.address === '10.0.0.1:6001'));
  } finally {
    for (const m of modules) m.destroy();
    await Promise.all(daemons.map((d) => d.stop()));
  }
});

test.run();
