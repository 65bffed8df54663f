/**
 * End to end: real daemon processes on 127.0.0.1, real modules on their API ports.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeModule, waitFor, type ValidationPolicy } from '@gossip5/testkit';
import { LocalNetwork, STATUS_POLL_MS, type DaemonProcess } from '../../harness/local-network.js';

const text = (s: string) => new TextEncoder().encode(s);
const decode = (b: Uint8Array) => new TextDecoder().decode(b);

/** Connect a module to `node`, subscribe it to `types`, and wait until the daemon's /status lists them. */
async function moduleOn(node: DaemonProcess, types: number[], policy: ValidationPolicy = 'valid'): Promise<FakeModule> {
  const m = await FakeModule.connect(node.apiPort, '127.0.0.1', { policy });
  for (const t of types) m.subscribe(t);
  await node.waitForSubscription(m.localAddress, types);
  return m;
}

/**
 * Announce a last item from `origin` and wait until every module in `expect` has it: the network is
 * quiet for everything announced before (a late duplicate would have had to overtake it).
 */
async function barrier(origin: FakeModule, modules: FakeModule[], dataType: number): Promise<void> {
  origin.announce({ ttl: 0, dataType, data: text('barrier') });
  await waitFor(() => modules.every((m) => m.notifications.some((n) => decode(n.data) === 'barrier')), {
    what: 'the barrier item everywhere',
    timeoutMs: 20_000,
  });
}

test('three daemons: subscribers on nodes 1 and 2 each get exactly one NOTIFICATION; V=0 stops the spread; types stay apart', async () => {
  const net = await LocalNetwork.start({ n: 3, degree: 4, logLevel: 'debug', validationTimeout: 5 });
  const modules: FakeModule[] = [];
  try {
    await waitFor(() => net.connected(), { what: 'a connected overlay', timeoutMs: 20_000, intervalMs: STATUS_POLL_MS });
    const [n0, n1, n2] = net.nodes as [DaemonProcess, DaemonProcess, DaemonProcess];

    // (a) node 0's module is not subscribed and announces; nodes 1 and 2 subscribe to type 1 and validate.
    const m0 = await moduleOn(n0, []);
    const m1 = await moduleOn(n1, [1]);
    const m2 = await moduleOn(n2, [1]);
    modules.push(m0, m1, m2);
    m0.announce({ ttl: 5, dataType: 1, data: text('hello') });
    await waitFor(() => m1.notifications.length >= 1 && m2.notifications.length >= 1, { what: 'both notified' });
    await barrier(m0, [m1, m2], 1);
    for (const m of [m1, m2]) {
      const hello = m.notifications.filter((n) => decode(n.data) === 'hello');
      assert.is(hello.length, 1, 'exactly one NOTIFICATION of the item');
      assert.is(hello[0]!.dataType, 1);
    }
    assert.is(m0.notifications.length, 0, 'the announcer never gets its item back');

    // (b) modules on nodes 1 and 2 answer V=0: node 0 hands the item to both (they bootstrapped from it),
    // neither forwards it, so each module gets exactly one NOTIFICATION of it.
    m1.policy = 'invalid';
    m2.policy = 'invalid';
    m0.announce({ ttl: 5, dataType: 1, data: text('rejected') });
    const isRejected = (m: FakeModule) => m.notifications.some((n) => decode(n.data) === 'rejected');
    await waitFor(() => isRejected(m1) && isRejected(m2), { what: 'both modules asked about the item' });
    m1.policy = 'valid';
    m2.policy = 'valid';
    await barrier(m0, [m1, m2], 1);
    for (const m of [m1, m2]) {
      assert.is(m.notifications.filter((n) => decode(n.data) === 'rejected').length, 1, 'exactly once');
    }
    for (const n of [n1, n2]) {
      const { p2p } = (await n.status()).counters;
      assert.ok(p2p.itemsStoppedInvalid >= 1, `${n.name} stopped an item on an invalid verdict`);
    }

    // (c) a module subscribed only to type 5 never sees type 4.
    const m5 = await moduleOn(n2, [5]);
    modules.push(m5);
    m0.announce({ ttl: 5, dataType: 4, data: text('four') });
    m0.announce({ ttl: 5, dataType: 5, data: text('five') });
    await waitFor(() => m5.notifications.some((n) => decode(n.data) === 'five'), { what: 'type 5 delivered' });
    await barrier(m0, [m5], 5);
    assert.ok(m5.notifications.every((n) => n.dataType === 5), 'only type 5 reaches the type-5 module');
  } finally {
    await Promise.all(modules.map((m) => m.close()));
    const codes = await net.stop();
    assert.ok(codes.every((c) => c === 0), `daemons exit 0 on SIGTERM: ${codes}`);
  }
});

test('ten daemons: 100 items from one node reach every subscriber exactly once', async () => {
  // A shuffle every few seconds merges clusters of full nodes, should formation leave two of them.
  const net = await LocalNetwork.start({ n: 10, degree: 4, logLevel: 'info', extra: { shuffle_interval: 3 } });
  const modules: FakeModule[] = [];
  try {
    await waitFor(() => net.connected(), { what: 'a connected overlay', timeoutMs: 45_000, intervalMs: STATUS_POLL_MS });
    for (const node of net.nodes) modules.push(await moduleOn(node, [7]));
    const [origin, ...others] = modules as [FakeModule, ...FakeModule[]];
    for (let i = 0; i < 100; i++) origin.announce({ ttl: 0, dataType: 7, data: text(`item ${i}`) });
    await waitFor(() => others.every((m) => m.notifications.length >= 100), {
      what: '100 items everywhere',
      timeoutMs: 30_000,
    });
    // The origin's own module is the announcer: it gets nothing back.
    await barrier(origin, others, 7);
    for (const m of others) {
      const items = m.notifications.filter((n) => decode(n.data).startsWith('item ')).map((n) => decode(n.data));
      assert.is(items.length, 100, 'no item twice');
      assert.is(new Set(items).size, 100, 'every item once');
    }
    assert.is(origin.notifications.length, 0);
  } finally {
    await Promise.all(modules.map((m) => m.close()));
    await net.stop();
  }
});

test('ten daemons, degree 2, ttl 1: an item reaches only the origin\'s neighbours', async () => {
  // Degree 2 makes the overlay a set of rings, which may well be several: that is fine here. What
  // matters is that a one-hop item stops at the origin's direct neighbours.
  const net = await LocalNetwork.start({ n: 10, degree: 2, logLevel: 'info' });
  const modules: FakeModule[] = [];
  try {
    await waitFor(async () => (await net.refresh(), net.nodes.every((n) => n.neighbours.size === 2)), {
      what: 'every view full (2 neighbours each)',
      timeoutMs: 30_000,
      intervalMs: STATUS_POLL_MS,
    });
    for (const node of net.nodes) modules.push(await moduleOn(node, [3]));
    // waitForSubscription polled each node's /status at its own moment: take the views again, all at once.
    await waitFor(async () => (await net.refresh(), net.nodes.every((n) => n.neighbours.size === 2)), {
      what: 'every view full again',
      timeoutMs: 30_000,
      intervalMs: STATUS_POLL_MS,
    });
    // The parts of the overlay, as the daemons' /status said: where an unlimited item can go.
    const componentOf = (start: DaemonProcess) => {
      const seen = new Set([start.p2pAddress]);
      for (let grew = true; grew; ) {
        grew = false;
        for (const n of net.nodes) {
          if (!seen.has(n.p2pAddress) && [...n.neighbours].some((p) => seen.has(p))) {
            seen.add(n.p2pAddress);
            grew = true;
          }
        }
      }
      return seen;
    };
    // An origin (not the bootstrapper) whose ring is longer than itself and its two neighbours.
    const originIndex = net.nodes.findIndex((n, i) => i > 0 && componentOf(n).size > 3);
    assert.ok(originIndex > 0, 'some ring has four nodes or more');
    const originNode = net.nodes[originIndex]!;
    const component = componentOf(originNode);
    const origin = modules[originIndex]!;
    const before = new Set(originNode.neighbours);
    const indexOf = new Map(net.nodes.map((n, i) => [n.p2pAddress, i]));
    const reachable = net.nodes
      .filter((n, i) => i !== originIndex && component.has(n.p2pAddress))
      .map((n) => modules[net.nodes.indexOf(n)]!);
    assert.ok(reachable.length > before.size, 'the ring goes on past the direct neighbours');

    origin.announce({ ttl: 1, dataType: 3, data: text('one hop') });
    // Barrier with unlimited ttl: once it is everywhere it can go, a one-hop item has had every chance to go further.
    await barrier(origin, reachable, 3);
    // A link of a degree-2 view may change between the snapshot and the announce (a shuffle, an
    // eviction): the neighbours at the announce are among those before or after it, and those in both
    // were neighbours throughout.
    await originNode.refresh();
    const after = new Set(originNode.neighbours);
    const throughout = [...before].filter((a) => after.has(a)).map((a) => modules[indexOf.get(a)!]!);
    const possible = new Set([...before, ...after].map((a) => modules[indexOf.get(a)!]!));
    const reached = modules.filter((m) => m.notifications.some((n) => decode(n.data) === 'one hop'));
    assert.ok(throughout.every((m) => reached.includes(m)), 'every neighbour of the whole time got it');
    assert.ok(reached.length > 0 && reached.every((m) => possible.has(m)), `only direct neighbours got it (${reached.length} did)`);
    assert.ok(reached.length < 9, `ttl 1 with degree 2 does not reach all 9 other nodes (reached ${reached.length})`);
  } finally {
    await Promise.all(modules.map((m) => m.close()));
    await net.stop();
  }
});

test.run();
