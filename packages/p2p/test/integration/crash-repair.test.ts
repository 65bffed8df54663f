/**
 * Repair after peers' processes die (their kernels close the sockets, so links end at once and dials
 * are refused): an address that failed and then refused a dial is forgotten at once instead of
 * being tried again after its cooldowns.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startNetwork } from '../../src/testing/index.js';
import { memoryWorld } from '../memory-world.js';

const host = (i: number) => `10.0.${i}.1`;
// Maintenance and retries far away (nothing redials the dead address by itself): whatever happens within a few seconds is the loss handling's doing.
const init = { degree: 4, exemptNetworks: [], port: 6000, maintenanceIntervalMs: 600_000, pingIntervalMs: 600_000, dialRetryMs: 60_000 };

async function world(n: number, seed: number) {
  const { scheduler, network } = memoryWorld(seed);
  const net = await startNetwork({
    n,
    seed,
    scheduler,
    init,
    nodeInit: (i) => ({ host: host(i) }),
    transport: (i) => network.endpoint(host(i)),
  });
  const crash = async (i: number) => {
    network.crash(host(i), false);
    await net.stopNode(i);
  };
  const stop = async () => {
    const stopping = net.stop();
    await scheduler.runFor(10_000);
    await stopping;
  };
  return { scheduler, net, crash, stop };
}

test('an address whose link ended and whose next dial is refused is forgotten at once', async () => {
  const w = await world(3, 12);
  try {
    const node = w.net.nodes[0]!;
    const dead = w.net.addresses[2]!;
    await w.crash(2);
    // The link's end cooled the address down (one failure); let the cooldown pass, then dial it.
    await w.scheduler.runFor(61_000);
    const known = node.stats().knownPeers;
    assert.ok(node.connect(dead), 'the dial starts');
    await w.scheduler.runFor(1_000);
    assert.is(node.stats().handshakesFailed['dial-failed'] ?? 0, 1);
    assert.is(node.stats().knownPeers, known - 1, 'forgotten after one refusal (maxDialFailures is 3)');
  } finally {
    await w.stop();
  }
});

test.run();
