import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatPeerAddress } from '@gossip5/protocol';
import { waitFor } from '@gossip5/testkit';
import { assertAccounted } from '../accounting.js';
import { startNetwork, type TestNetwork } from '../../src/testing/index.js';
import { memoryWorld } from '../memory-world.js';
import type { ReceivedItem, Verdict } from '../../src/types.js';

const N = 20;
const DEGREE = 4;
/** Fixed seeds; P2P_TEST_SEED_OFFSET shifts them all, to soak the suite over other networks. */
const SEED_OFFSET = Number(process.env.P2P_TEST_SEED_OFFSET ?? 0);
const PN = 'PEER NOTIFICATION';

/**
 * The suite, over real TCP on loopback (real time) or over the in-memory transport (virtual time:
 * `until` runs the scheduler instead of polling, so nothing waits on the wall clock).
 */
function spreadingSuite(kind: 'tcp' | 'memory'): void {
  const s = suite(`spreading over ${kind}`);
  const memory = kind === 'memory' ? memoryWorld(201 + SEED_OFFSET) : undefined;
  const now = (): number => (memory ? memory.scheduler.now() : Date.now());
  const until = async (cond: () => boolean, opts: { what: string; timeoutMs?: number }): Promise<void> => {
    if (!memory) {
      await waitFor(cond, opts);
      return;
    }
    const ok = await memory.scheduler.runUntil(cond, memory.scheduler.now() + (opts.timeoutMs ?? 30_000));
    if (!ok) throw new Error(`timed out (virtual time) waiting for ${opts.what}`);
  };

  /** One 20-node network per suite; each test uses its own data type and message ids. */
  let net: TestNetwork;
  /** Per node: the verdict its validator gives (switched by tests). */
  const policy: Array<(item: ReceivedItem) => Verdict> = [];
  /** Per node: every 'item' event. */
  const received: ReceivedItem[][] = [];

  function sum(f: (i: number) => number): number {
    return net.alive().reduce((acc, i) => acc + f(i), 0);
  }

  function sentPN(i: number): number {
    return net.nodes[i]!.stats().messagesSent[PN] ?? 0;
  }

  /**
   * No PEER NOTIFICATION in flight or still to be produced: every one sent was
   * received, and no verdict is pending.
   */
  function quiet(): boolean {
    return (
      sum((i) => net.nodes[i]!.stats().pendingValidations) === 0 &&
      sum(sentPN) === sum((i) => net.nodes[i]!.stats().messagesReceived[PN] ?? 0)
    );
  }

  /** Indices of nodes that got `id` through an 'item' event, with how often. */
  function holders(id: bigint): Map<number, number> {
    const out = new Map<number, number>();
    received.forEach((items, i) => {
      const n = items.filter((x) => x.messageId === id).length;
      if (n > 0) out.set(i, n);
    });
    return out;
  }

  function neighbourIndices(i: number): number[] {
    const keys = new Set(net.nodes[i]!.neighbours().map(formatPeerAddress));
    return net.addresses.map((a, j) => (keys.has(formatPeerAddress(a)) ? j : -1)).filter((j) => j >= 0);
  }

  s.before(async () => {
    for (let i = 0; i < N; i++) {
      policy.push(() => 'valid');
      received.push([]);
    }
    net = await startNetwork({
      n: N,
      seed: 201 + SEED_OFFSET,
      init: { degree: DEGREE, ...(memory ? { host: '10.1.0.1', port: 6000 } : {}) },
      nodeInit: memory ? (i) => ({ host: `10.1.${i}.1` }) : undefined,
      transport: memory ? (i) => memory.network.endpoint(`10.1.${i}.1`) : undefined,
      scheduler: memory?.scheduler,
      // Over memory the per-item path without a Promise (Validator.check), answering at once, the
      // case where a verdict arrives inside the spreader's own call; over TCP the Promise path.
      validator: (i) =>
        memory
          ? { validate: async (item) => policy[i]!(item), check: (item, decided) => decided(item, policy[i]!(item)) }
          : { validate: async (item) => policy[i]!(item) },
    });
    let lastChange = now();
    net.nodes.forEach((node, i) => {
      node.on('item', (item) => received[i]!.push(item));
      node.on('neighbour-up', () => (lastChange = now()));
      node.on('neighbour-down', () => (lastChange = now()));
    });
    // Formed, and settled: no view changed for a while (the ttl tests reason about neighbours).
    await until(
      () => net.isConnected() && net.nodes.every((n) => n.neighbours().length >= 1) && now() - lastChange > 500,
      { what: 'the network to form and settle', timeoutMs: 15_000 },
    );
  });

  s.after(async () => {
    await net.stop();
  });

  s('an item from one node reaches all 20 exactly once each, duplicates suppressed', async () => {
    const origin = 5;
    const dupsBefore = sum((i) => net.nodes[i]!.stats().itemsDuplicate);
    const id = net.nodes[origin]!.originate({ ttl: 0, dataType: 100, data: new Uint8Array([7, 7]) });
    await until(() => holders(id).size === N - 1 && quiet(), { what: 'the item to reach everyone' });
    const h = holders(id);
    assert.not.ok(h.has(origin), 'the origin does not receive its own item');
    for (const [i, count] of h) assert.is(count, 1, `node ${i} got it once`);
    for (const [i] of h) {
      const item = received[i]!.find((x) => x.messageId === id)!;
      assert.equal([...item.data], [7, 7]);
      assert.is(item.dataType, 100);
      assert.is(item.ttl, 0, 'ttl 0 stays 0');
    }
    // In a graph with cycles, copies arrive over several paths and are counted, not delivered.
    assert.ok(sum((i) => net.nodes[i]!.stats().itemsDuplicate) > dupsBefore);
    assert.ok(net.nodes.every((n) => n.knowledge().some((x) => x.messageId === id)), 'stored everywhere');
  });

  s('ttl 1 reaches only the direct neighbours of the origin', async () => {
    const origin = 9;
    const direct = neighbourIndices(origin);
    const id = net.nodes[origin]!.originate({ ttl: 1, dataType: 101, data: new Uint8Array([1]) });
    await until(() => holders(id).size === direct.length && quiet(), { what: 'the direct neighbours to get it' });
    assert.equal([...holders(id).keys()].sort(), direct.sort());
    for (const i of direct) assert.is(received[i]!.find((x) => x.messageId === id)!.ttl, 1);
  });

  s('ttl 2 reaches the neighbours and their neighbours, no further', async () => {
    const origin = 13;
    const direct = neighbourIndices(origin);
    const expiredBefore = sum((i) => net.nodes[i]!.stats().itemsTtlExpired);
    const id = net.nodes[origin]!.originate({ ttl: 2, dataType: 102, data: new Uint8Array([2]) });
    await until(() => direct.every((i) => holders(id).has(i)) && quiet(), { what: 'two hops to get it' });
    const ttlAt = new Map([...holders(id).keys()].map((i) => [i, received[i]!.find((x) => x.messageId === id)!.ttl]));
    // Over the memory transport each pair of hosts has its own delay (1 to 20 ms), so a two-hop path
    // may beat the direct link: such a neighbour's first copy has ttl 1. Over TCP on loopback it never does.
    const viaTwoHops = direct.filter((i) => ttlAt.get(i) !== 2);
    if (!memory) assert.equal(viaTwoHops, [], 'every direct neighbour got it straight from the origin');
    for (const i of viaTwoHops) assert.is(ttlAt.get(i), 1, `neighbour ${i} got it over two hops`);
    assert.ok(viaTwoHops.length < direct.length, 'some direct neighbour got it straight from the origin');
    const second = [...ttlAt].filter(([i]) => !direct.includes(i));
    assert.ok(second.length > 0, 'some node two hops away got it');
    for (const [i, ttl] of second) assert.is(ttl, 1, `node ${i} got it over two hops`);
    // Copies with ttl 1 end where they arrive.
    assert.is(sum((i) => net.nodes[i]!.stats().itemsTtlExpired) - expiredBefore, second.length + viaTwoHops.length);
  });

  s('an invalid verdict stops the item at that node (it is still seen)', async () => {
    const origin = 2;
    for (let i = 0; i < N; i++) policy[i] = (item) => (item.dataType === 103 ? 'invalid' : 'valid');
    try {
      const direct = neighbourIndices(origin);
      const sentBefore = net.nodes.map((_, i) => sentPN(i));
      const stoppedBefore = net.nodes.map((n) => n.stats().itemsStoppedInvalid);
      const id = net.nodes[origin]!.originate({ ttl: 0, dataType: 103, data: new Uint8Array([3]) });
      await until(() => holders(id).size === direct.length && quiet(), { what: 'the neighbours to judge it' });
      assert.equal([...holders(id).keys()].sort(), direct.sort());
      for (const i of net.alive()) {
        if (i === origin) continue;
        assert.is(sentPN(i), sentBefore[i], `node ${i} forwarded nothing`);
      }
      for (const i of direct) assert.is(net.nodes[i]!.stats().itemsStoppedInvalid, stoppedBefore[i]! + 1);
      for (const i of direct) {
        assert.not.ok(net.nodes[i]!.knowledge().some((x) => x.messageId === id), `node ${i} did not store what it refused`);
      }
    } finally {
      for (let i = 0; i < N; i++) policy[i] = () => 'valid';
    }
  });

  s('one node judging an item invalid does not forward it; the others still spread it', async () => {
    const origin = 0;
    const judge = neighbourIndices(origin)[0]!;
    policy[judge] = (item) => (item.dataType === 104 ? 'invalid' : 'valid');
    try {
      const sentBefore = sentPN(judge);
      const id = net.nodes[origin]!.originate({ ttl: 0, dataType: 104, data: new Uint8Array([4]) });
      await until(() => holders(id).has(judge) && quiet(), { what: 'the judge to see it' });
      assert.is(sentPN(judge), sentBefore, 'the judge forwarded nothing');
      assert.is(holders(id).get(judge), 1);
    } finally {
      policy[judge] = () => 'valid';
    }
  });

  s('unsubscribed items are relayed as opaque data', async () => {
    for (let i = 0; i < N; i++) policy[i] = () => 'unsubscribed';
    try {
      const id = net.nodes[17]!.originate({ ttl: 0, dataType: 105, data: new Uint8Array(1000) });
      await until(() => holders(id).size === N - 1 && quiet(), { what: 'the opaque item to reach everyone' });
    } finally {
      for (let i = 0; i < N; i++) policy[i] = () => 'valid';
    }
  });

  s('after every case above, each node accounts for every notification it took in', async () => {
    await until(() => quiet() && net.alive().every((i) => net.nodes[i]!.stats().pendingValidations === 0), {
      what: 'every verdict given',
    });
    let total = 0;
    for (const i of net.alive()) {
      const s = net.nodes[i]!.stats();
      assertAccounted(s, `node ${i}`);
      total += s.notificationsIn;
    }
    assert.ok(total > 0, 'the cases above did send notifications');
  });

  s.run();
}

spreadingSuite('tcp');
spreadingSuite('memory');
