/**
 * Overload check against real daemon processes (issue: overload without loss):
 * node 0 of 2; one module on node 0 announces ITEMS items of 64 B as fast as its socket drains,
 * a second module on node 0 and a module on node 1 subscribe and validate. Prints how many each
 * got, the announce rate, and node 0's RSS at 50 % and 100 % of the items.
 *   pnpm --filter @gossip5/daemon exec tsx bench/overload.ts [ITEMS]
 */
import { connect } from 'node:net';
import { encodeMessage, MessageType } from '@gossip5/protocol';
import { FakeModule, waitFor } from '@gossip5/testkit';
import { LocalNetwork } from '../harness/local-network.js';
import { rssBytes } from './lib/proc.js';

const items = Number(process.argv[2] ?? 100_000);
const dataType = 7;
const net = await LocalNetwork.start({ n: 2, degree: 1, logLevel: 'info' });
try {
  await waitFor(() => net.isConnected(), { what: 'the two nodes to link', timeoutMs: 30_000 });
  const [n0, n1] = net.nodes as [(typeof net.nodes)[0], (typeof net.nodes)[0]];
  const local = await FakeModule.connect(n0.apiPort, '127.0.0.1', { policy: 'valid' });
  const remote = await FakeModule.connect(n1.apiPort, '127.0.0.1', { policy: 'valid' });
  local.subscribe(dataType);
  remote.subscribe(dataType);
  await waitFor(() => [n0, n1].every((d) => d.logs.some((l) => l.msg === 'module subscribed')), { what: 'subscriptions' });

  const socket = connect({ port: n0.apiPort, host: '127.0.0.1' });
  await new Promise<void>((res) => socket.once('connect', () => res()));
  const rss: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < items; i++) {
    const data = new Uint8Array(64);
    new DataView(data.buffer).setUint32(0, i);
    const ok = socket.write(encodeMessage({ type: MessageType.GossipAnnounce, ttl: 0, dataType, data }));
    if (!ok) await new Promise<void>((res) => socket.once('drain', () => res()));
    if (i === items / 2) rss.push(rssBytes(n0.pid) ?? NaN);
  }
  const writtenS = (performance.now() - t0) / 1000;
  await waitFor(() => local.notifications.length >= items && remote.notifications.length >= items, {
    what: 'every item at both modules',
    timeoutMs: 120_000,
  }).catch(() => {});
  const doneS = (performance.now() - t0) / 1000;
  rss.push(rssBytes(n0.pid) ?? NaN);
  const mib = (b: number) => (b / 2 ** 20).toFixed(1);
  console.log(`items ${items} x 64 B announced in ${writtenS.toFixed(2)} s (${Math.round(items / writtenS)} /s); all in by ${doneS.toFixed(2)} s`);
  console.log(`second module on node 0: ${local.notifications.length} / ${items}`);
  console.log(`module on node 1:        ${remote.notifications.length} / ${items}`);
  console.log(`node 0 RSS at 50 %: ${mib(rss[0]!)} MiB, at 100 %: ${mib(rss[1]!)} MiB (+${(((rss[1]! - rss[0]!) / rss[0]!) * 100).toFixed(0)} %)`);
  socket.destroy();
  local.destroy();
  remote.destroy();
} finally {
  await net.stop();
  const s0 = net.nodes[0]!.finalStats;
  if (s0) console.log(`node 0 final: ${JSON.stringify({ flow: (s0 as { announceFlow?: unknown }).announceFlow, p2pDrops: (s0 as { p2p?: { drops?: unknown } }).p2p?.drops, apiDrops: (s0 as { api?: { drops?: unknown; closes?: unknown } }).api?.closes })}`);
}
