import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemoryNetwork } from '../../src/transport/memory.js';
import { Scheduler, startNetwork } from '../../src/testing/index.js';
import { memoryWorld } from '../memory-world.js';

const N = 20;

/** Builds a 20-node network over the memory transport (10-60 ms links), spreads 20 items, returns a trace. */
async function run(seed: number): Promise<{ trace: string; delivered: number; virtualMs: number; events: number }> {
  const { scheduler: clock, network: net } = memoryWorld(seed * 1000 + 7, 10, 60);
  const hash = createHash('sha256');
  const host = (i: number) => `10.0.${i}.1`;
  const p2p = await startNetwork({
    n: N,
    seed,
    scheduler: clock,
    transport: (i) => net.endpoint(host(i)),
    nodeInit: (i) => ({ host: host(i), port: 6000 }),
  });
  let delivered = 0;
  p2p.nodes.forEach((node, i) =>
    node.on('item', (item) => {
      delivered++;
      hash.update(`${clock.now()} ${i} ${item.messageId} ${item.from}\n`);
    }),
  );
  try {
    await clock.runUntil(() => p2p.isConnected(), clock.now() + 30_000);
    for (let k = 0; k < 20; k++) {
      p2p.nodes[k % N]!.originate({ ttl: 0, dataType: 1, data: Uint8Array.of(k) });
      await clock.runFor(50);
    }
    await clock.runUntil(() => delivered === 20 * (N - 1), clock.now() + 30_000);
    for (const [k, ns] of p2p.graph()) hash.update(`${k}: ${ns.join(',')}\n`);
    return { trace: hash.digest('hex'), delivered, virtualMs: clock.now(), events: clock.executed };
  } finally {
    const stopping = p2p.stop();
    await clock.runFor(10_000);
    await stopping;
  }
}

test('20 nodes over the memory transport form one overlay and every item reaches every other node', async () => {
  const r = await run(1);
  assert.is(r.delivered, 20 * (N - 1));
});

test('the same seed gives the same run event for event; another seed another one', async () => {
  const a = await run(2);
  const b = await run(2);
  const c = await run(3);
  assert.is(a.trace, b.trace);
  assert.is(a.virtualMs, b.virtualMs);
  assert.is(a.events, b.events);
  assert.is.not(a.trace, c.trace);
});

test('a port taken on a host is EADDRINUSE; port 0 picks a free one', async () => {
  const clock = new Scheduler();
  const net = new MemoryNetwork({ clock });
  const listener = await net.endpoint('10.9.9.9').listen('10.9.9.9', 0, () => {}, () => {});
  const clash = await net.endpoint('10.9.9.9').listen('10.9.9.9', listener.port, () => {}, () => {}).catch((e: NodeJS.ErrnoException) => e.code);
  assert.is(clash, 'EADDRINUSE');
  assert.ok(listener.port > 0);
});

test.run();
