import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatPeerAddress } from '@gossip5/protocol';
import { waitFor } from '@gossip5/testkit';
import { startNetwork, type TestNetwork } from '../../src/testing/index.js';

const N = 20;
const DEGREE = 4;
/** Fixed seeds; P2P_TEST_SEED_OFFSET shifts them all, to soak the suite over other networks. */
const SEED_OFFSET = Number(process.env.P2P_TEST_SEED_OFFSET ?? 0);

function sizes(net: TestNetwork): number[] {
  return net.alive().map((i) => net.nodes[i]!.neighbours().length);
}

/** Every live node has 1..degree neighbours, links are symmetric, and the graph is connected. */
function formed(net: TestNetwork, min = 1): boolean {
  return net.isConnected() && sizes(net).every((s) => s >= min && s <= DEGREE);
}

function totalLinksUp(net: TestNetwork, nodes: number[]): number {
  return nodes.reduce((sum, i) => sum + net.nodes[i]!.stats().linksUp, 0);
}

/**
 * A network with the shuffle on (every ~second in tests): it is what heals a
 * group of nodes whose full views hold only each other.
 */
async function withNetwork(
  seed: number,
  join: 'sequential' | 'concurrent',
  body: (net: TestNetwork) => Promise<void>,
): Promise<void> {
  const net = await startNetwork({
    n: N,
    seed: seed + SEED_OFFSET,
    join,
    init: { degree: DEGREE, shuffleIntervalMs: 1_000 },
  });
  try {
    await waitFor(() => formed(net), { what: 'the network to form', timeoutMs: 15_000 });
    await body(net);
  } finally {
    await net.stop();
  }
}

test('20 nodes started at once through one bootstrapper form a connected overlay, views within bounds', async () => {
  await withNetwork(101, 'concurrent', async (net) => {
    // Beyond merely connected: every view at least half full, and at least 75% of all possible links made.
    const links = () => sizes(net).reduce((a, b) => a + b, 0) / 2;
    await waitFor(() => formed(net, DEGREE / 2) && links() >= 0.75 * ((N * DEGREE) / 2), {
      what: 'the views to fill',
      timeoutMs: 15_000,
    });
    const s = sizes(net);
    assert.ok(Math.max(...s) <= DEGREE, `no view above degree: ${s}`);
    // One link per peer address and none to itself.
    for (const i of net.alive()) {
      const mine = net.nodes[i]!.neighbours().map(formatPeerAddress);
      assert.is(new Set(mine).size, mine.length);
      assert.not.ok(mine.includes(formatPeerAddress(net.addresses[i]!)));
    }
    // The bootstrapper is not the hub: its view is bounded like any other.
    assert.ok(net.nodes[0]!.neighbours().length <= DEGREE);
  });
});

test('killing 5 nodes: survivors drop them and replace the lost links', async () => {
  await withNetwork(102, 'sequential', async (net) => {
    const victims = [3, 7, 11, 15, 19];
    const survivors = net.alive().filter((i) => !victims.includes(i));
    const dead = new Set(victims.map((i) => formatPeerAddress(net.addresses[i]!)));
    const lost = survivors.filter((i) => net.nodes[i]!.neighbours().some((a) => dead.has(formatPeerAddress(a))));
    assert.ok(lost.length > 0, 'some survivor was linked to a victim');
    const upBefore = totalLinksUp(net, survivors);
    await Promise.all(victims.map((i) => net.stopNode(i)));
    await waitFor(
      () =>
        survivors.every((i) => net.nodes[i]!.neighbours().every((a) => !dead.has(formatPeerAddress(a)))) &&
        formed(net, DEGREE / 2) &&
        totalLinksUp(net, survivors) > upBefore,
      { what: 'survivors to drop the dead and make new links', timeoutMs: 15_000 },
    );
    for (const i of lost) {
      const s = net.nodes[i]!.stats();
      assert.ok(s.linksDown >= 1, `node ${i} saw its neighbour leave`);
    }
  });
});

test('the bootstrapper’s death does not partition a formed network', async () => {
  await withNetwork(103, 'sequential', async (net) => {
    const boot = formatPeerAddress(net.addresses[0]!);
    await net.stopNode(0);
    await waitFor(
      () => net.alive().every((i) => !net.nodes[i]!.neighbours().some((a) => formatPeerAddress(a) === boot)),
      { what: 'links to the bootstrapper to go' },
    );
    await waitFor(() => formed(net), { what: 'the 19 survivors to be connected', timeoutMs: 15_000 });
    // And it still spreads: an item from the last node reaches the 18 others.
    const got = new Set<number>();
    for (const i of net.alive()) net.nodes[i]!.on('item', () => got.add(i));
    net.nodes[N - 1]!.originate({ ttl: 0, dataType: 1, data: new Uint8Array([1, 2, 3]) });
    await waitFor(() => got.size === N - 2, { what: 'the item to reach every survivor' });
  });
});

test.run();
