/**
 * The overload cases (issue: overload without loss), against real daemon processes on 127.0.0.1:
 * - `announce`: node 0 of 2; one module on node 0 announces `items` x 64 B as fast as its socket
 *   drains; a second module on node 0 and a module on node 1 subscribe and answer valid.
 * - `stuck`: node 0 of 2 announces `stuckItems` x 4 KiB; on node 1 a module subscribes and never
 *   reads, beside a healthy validating module.
 * - `flood`: one daemon; an established neighbour writes `floodItems` PEER NOTIFICATIONs (distinct
 *   ids, ttl 0) as fast as its socket takes them; a validating module on the node.
 * Each case reports what every module got, the announce (or send) rate, and the node's RSS.
 */
import { connect } from 'node:net';
import { encodeMessage, MessageType } from '@gossip5/protocol';
import { FakeModule, FakePeer, waitFor } from '@gossip5/testkit';
import { LocalNetwork, STATUS_POLL_MS, type DaemonProcess } from '../harness/local-network.js';
import { LightPeer } from './lib/light-peer.js';
import { rssBytes } from './lib/proc.js';

const DATA_TYPE = 7;
const MiB = 2 ** 20;

export interface OverloadOptions {
  items: number;
  stuckItems: number;
  floodItems: number;
  daemonMain?: string;
  log: (line: string) => void;
}

export interface OverloadCase {
  case: 'announce' | 'stuck' | 'flood';
  items: number;
  dataBytes: number;
  /** Items per second written by the announcer (or the flooding neighbour). */
  sendPerSec: number;
  /** From the first write until every healthy module had every item (or the give-up). */
  allInS: number;
  /** Items each healthy module got, by name. */
  got: Record<string, number>;
  /** RSS (MiB) of the loaded node when the watched module had half and all of the items; peak meanwhile. */
  rssHalfMiB: number;
  rssFullMiB: number;
  rssPeakMiB: number;
  /** The loaded node's drop and close counters at stop (p2p drops, api closes and drops). */
  drops: Record<string, unknown>;
  /** node 0's announce-flow pauses, when an announcer was involved. */
  flow?: unknown;
}

export interface OverloadResult {
  cases: OverloadCase[];
}

const mib = (b: number) => b / MiB;

/** Two daemons of degree 1, linked to each other. */
async function twoLinkedNodes(o: OverloadOptions): Promise<LocalNetwork> {
  const net = await LocalNetwork.start({ n: 2, degree: 1, logLevel: 'info', daemonMain: o.daemonMain });
  await waitFor(() => net.connected(), { what: 'the two nodes to link', timeoutMs: 30_000, intervalMs: STATUS_POLL_MS }).catch(async (err: unknown) => {
    await net.stop();
    throw err;
  });
  return net;
}

/** Samples a process's RSS every 20 ms; records it when `progress()` crosses half and all of `total`. */
class RssWatch {
  half = NaN;
  full = NaN;
  peak = 0;
  private readonly timer: NodeJS.Timeout;
  constructor(pid: number | undefined, total: number, progress: () => number) {
    this.timer = setInterval(() => {
      const rss = rssBytes(pid);
      if (rss === undefined) return;
      this.peak = Math.max(this.peak, rss);
      const done = progress();
      if (Number.isNaN(this.half) && done >= total / 2) this.half = rss;
      if (Number.isNaN(this.full) && done >= total) this.full = rss;
    }, 20);
  }
  /** The readings in MiB, as an OverloadCase holds them. */
  figures(): Pick<OverloadCase, 'rssHalfMiB' | 'rssFullMiB' | 'rssPeakMiB'> {
    return { rssHalfMiB: mib(this.half), rssFullMiB: mib(this.full), rssPeakMiB: mib(this.peak) };
  }
  stop(pid: number | undefined): void {
    clearInterval(this.timer);
    const rss = rssBytes(pid) ?? NaN;
    if (Number.isNaN(this.full)) this.full = rss;
    this.peak = Math.max(this.peak, Number.isNaN(rss) ? 0 : rss);
  }
}

/** Write `count` ANNOUNCEs of `dataBytes` on a raw socket, waiting for 'drain' whenever the socket is full. */
async function announceFlatOut(apiPort: number, count: number, dataBytes: number): Promise<{ seconds: number; close: () => void }> {
  const socket = connect({ port: apiPort, host: '127.0.0.1' });
  await new Promise<void>((res, rej) => {
    socket.once('connect', () => res());
    socket.once('error', rej);
  });
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const data = new Uint8Array(dataBytes);
    new DataView(data.buffer).setUint32(0, i);
    const ok = socket.write(encodeMessage({ type: MessageType.GossipAnnounce, ttl: 0, dataType: DATA_TYPE, data }));
    if (!ok) await new Promise<void>((res) => socket.once('drain', () => res()));
  }
  return { seconds: (performance.now() - t0) / 1000, close: () => socket.destroy() };
}

async function subscribed(node: DaemonProcess, count: number): Promise<void> {
  // Subscriptions (module, data type) as the node's /status lists them.
  const listed = async () => ((await node.refresh())?.modules ?? []).reduce((sum, m) => sum + m.data_types.length, 0);
  await waitFor(async () => (await listed()) >= count, { what: 'subscriptions', timeoutMs: 10_000, intervalMs: STATUS_POLL_MS });
}

function dropsOf(stats: Record<string, unknown> | undefined): Record<string, unknown> {
  const p2p = stats?.['p2p'] as { drops?: unknown } | undefined;
  const api = stats?.['api'] as { drops?: unknown; closes?: unknown } | undefined;
  return { p2p: p2p?.drops, apiDrops: api?.drops, apiCloses: api?.closes };
}


async function announceCase(o: OverloadOptions): Promise<OverloadCase> {
  const net = await twoLinkedNodes(o);
  try {
    const [n0, n1] = net.nodes as [DaemonProcess, DaemonProcess];
    const local = await FakeModule.connect(n0.apiPort, '127.0.0.1', { policy: 'valid' });
    const remote = await FakeModule.connect(n1.apiPort, '127.0.0.1', { policy: 'valid' });
    local.subscribe(DATA_TYPE);
    remote.subscribe(DATA_TYPE);
    await Promise.all([subscribed(n0, 1), subscribed(n1, 1)]);
    const watch = new RssWatch(n0.pid, o.items, () => local.notifications.length);
    const t0 = performance.now();
    const sent = await announceFlatOut(n0.apiPort, o.items, 64);
    await waitFor(() => local.notifications.length >= o.items && remote.notifications.length >= o.items, {
      what: 'every item at both modules',
      timeoutMs: 120_000,
    }).catch(() => {});
    const allInS = (performance.now() - t0) / 1000;
    watch.stop(n0.pid);
    const got = { 'second module, node 0': local.notifications.length, 'module, node 1': remote.notifications.length };
    sent.close();
    local.destroy();
    remote.destroy();
    await net.stop();
    const s0 = net.nodes[0]!.finalStats;
    return {
      case: 'announce',
      items: o.items,
      dataBytes: 64,
      sendPerSec: o.items / sent.seconds,
      allInS,
      got,
      ...watch.figures(),
      drops: dropsOf(s0),
      flow: s0?.['announceFlow'],
    };
  } finally {
    await net.stop();
  }
}

async function stuckCase(o: OverloadOptions): Promise<OverloadCase> {
  const net = await twoLinkedNodes(o);
  try {
    const [n0, n1] = net.nodes as [DaemonProcess, DaemonProcess];
    const healthy = await FakeModule.connect(n1.apiPort, '127.0.0.1', { policy: 'valid' });
    const stuck = await FakeModule.connect(n1.apiPort, '127.0.0.1', { policy: 'silent' });
    healthy.subscribe(DATA_TYPE);
    stuck.subscribe(DATA_TYPE);
    await subscribed(n1, 2);
    stuck.pauseReading();
    const watch = new RssWatch(n1.pid, o.stuckItems, () => healthy.notifications.length);
    const t0 = performance.now();
    const sent = await announceFlatOut(n0.apiPort, o.stuckItems, 4096);
    await waitFor(() => healthy.notifications.length >= o.stuckItems, { what: 'every item at the healthy module', timeoutMs: 120_000 }).catch(
      () => {},
    );
    const allInS = (performance.now() - t0) / 1000;
    watch.stop(n1.pid);
    const got = { 'healthy module, node 1': healthy.notifications.length };
    sent.close();
    healthy.destroy();
    stuck.destroy();
    await net.stop();
    return {
      case: 'stuck',
      items: o.stuckItems,
      dataBytes: 4096,
      sendPerSec: o.stuckItems / sent.seconds,
      allInS,
      got,
      ...watch.figures(),
      drops: dropsOf(net.nodes[1]!.finalStats),
    };
  } finally {
    await net.stop();
  }
}

async function floodCase(o: OverloadOptions): Promise<OverloadCase> {
  const net = await LocalNetwork.start({ n: 1, degree: 4, powDifficulty: 4, logLevel: 'info', daemonMain: o.daemonMain });
  try {
    const node = net.nodes[0]!;
    const fake = await FakePeer.connect({ host: '127.0.0.1', port: node.p2pPort });
    await fake.handshake();
    const peer = new LightPeer(fake);
    await waitFor(async () => (await node.refresh())?.neighbours.length === 1, { what: 'the neighbour', timeoutMs: 20_000, intervalMs: STATUS_POLL_MS });
    const module = await FakeModule.connect(node.apiPort, '127.0.0.1', { policy: 'valid' });
    module.subscribe(DATA_TYPE);
    await subscribed(node, 1);
    const watch = new RssWatch(node.pid, o.floodItems, () => module.notifications.length);
    const t0 = performance.now();
    const sent = await peer.blast({ count: o.floodItems, ttl: 0, dataType: DATA_TYPE, dataBytes: 64, idHigh: 0x5eed });
    const sendS = (performance.now() - t0) / 1000;
    await waitFor(() => module.notifications.length >= sent, { what: 'every flooded item at the module', timeoutMs: 60_000 }).catch(() => {});
    const allInS = (performance.now() - t0) / 1000;
    watch.stop(node.pid);
    const got = { 'module on the node': module.notifications.length };
    peer.close();
    module.destroy();
    await net.stop();
    return {
      case: 'flood',
      items: sent,
      dataBytes: 64,
      sendPerSec: sent / sendS,
      allInS,
      got,
      ...watch.figures(),
      drops: dropsOf(node.finalStats),
    };
  } finally {
    await net.stop();
  }
}

export async function runOverload(o: OverloadOptions): Promise<OverloadResult> {
  const cases: OverloadCase[] = [];
  o.log(`overload (announce): ${o.items} x 64 B announced flat out on node 0 of 2`);
  cases.push(await announceCase(o));
  o.log(`overload (stuck): ${o.stuckItems} x 4 KiB to node 1, where one module never reads beside a healthy one`);
  cases.push(await stuckCase(o));
  o.log(`overload (flood): a neighbour writes ${o.floodItems} PEER NOTIFICATIONs flat out`);
  cases.push(await floodCase(o));
  for (const c of cases) o.log(`  ${c.case}: ${JSON.stringify(c.got)}, RSS ${c.rssHalfMiB.toFixed(1)} -> ${c.rssFullMiB.toFixed(1)} MiB (peak ${c.rssPeakMiB.toFixed(1)})`);
  return { cases };
}
