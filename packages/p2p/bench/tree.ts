/**
 * Lazy push in virtual time: N nodes over the memory transport (links of 1-5 ms one way, no CPU
 * cost), 20 warm-up items from node 0, then a burst of M; payload copies per node per item and
 * pulls, counted from the nodes' stats. It shows what the tree does when hops take milliseconds,
 * which the daemon bench cannot on a crowded 2-core machine (there, a burst queues behind CPU).
 *
 *   tsx bench/tree.ts [--items M]
 */
import { parseArgs } from 'node:util';
import { startNetwork } from '../src/testing/index.js';
import { memoryWorld } from '../test/memory-world.js';

const { values } = parseArgs({ options: { items: { type: 'string', default: '1000' } } });
const M = Number(values.items);

for (const [n, degree] of [[10, 9], [30, 6]] as const) {
  for (const lazyPush of [true, false]) {
    const { scheduler: clock, network } = memoryWorld(5, 1, 5);
    const host = (i: number) => `10.2.${i}.1`;
    const net = await startNetwork({
      n,
      seed: 3,
      scheduler: clock,
      init: { degree, fullViewAdmitChance: 0, lazyPush },
      transport: (i) => network.endpoint(host(i)),
      nodeInit: (i) => ({ host: host(i), port: 6000 }),
    });
    let got = 0;
    net.nodes.forEach((x) => x.on('item', () => got++));
    await clock.runUntil(() => net.isConnected(), clock.now() + 60_000);
    await clock.runFor(10_000);
    const sum = (f: (s: ReturnType<(typeof net.nodes)[number]['stats']>) => number) => net.nodes.reduce((a, x) => a + f(x.stats()), 0);
    const burst = async (count: number) => {
      got = 0;
      const t0 = clock.now();
      for (let k = 0; k < count; k++) net.nodes[0]!.originate({ ttl: 0, dataType: 1, data: new Uint8Array(64) });
      await clock.runUntil(() => got >= count * (n - 1), clock.now() + 120_000);
      const ms = clock.now() - t0;
      await clock.runFor(3_000);
      return ms;
    };
    await burst(20);
    const c0 = sum((s) => s.notificationsIn);
    const g0 = sum((s) => s.lazyPush.graftIdsSent);
    const ms = await burst(M);
    const copies = (sum((s) => s.notificationsIn) - c0) / (M * (n - 1));
    console.log(
      `N=${n} degree ${degree}, lazy push ${lazyPush ? 'on ' : 'off'}: ${copies.toFixed(3)} copies/node/item, ` +
        `${sum((s) => s.lazyPush.graftIdsSent) - g0} GRAFT ids, ${got}/${M * (n - 1)} delivered, all in ${ms} ms virtual, ` +
        `eager link ends ${sum((s) => s.lazyPush.eagerLinks)}`,
    );
    const stopping = net.stop();
    await clock.runFor(10_000);
    await stopping;
  }
}
