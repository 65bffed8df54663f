/**
 * Single-node ceiling: one real daemon with 8 neighbours (testkit FakePeers
 * that complete the handshake, then counted by LightPeer) and one module
 * subscribed and validating on its API port. One neighbour sends PEER
 * NOTIFICATIONs with fresh ids; the node validates each through the module and
 * forwards it to the other seven.
 *
 * Two ways to send:
 * - `blast`: as fast as the sender's socket takes them (open loop). Items
 *   beyond the node's backlog of pending validations are dropped by the node.
 * - `window`: at most `window` items sent and not yet forwarded (closed loop),
 *   which measures what the node sustains with nothing dropped; it also samples
 *   the node's RSS every `rssEvery` items, to show memory as the caches fill.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeModule, FakePeer, waitFor } from '@gossip5/testkit';
import type { Repeats } from './lib/repeat.js';
import { LocalNetwork, STATUS_POLL_MS } from '../harness/local-network.js';
import { findProfile, summariseProfile, type ProfileSummary } from './lib/cpuprofile.js';
import { LightPeer } from './lib/light-peer.js';
import { cpuMs, rssBytes } from './lib/proc.js';
import { p2pStats, type P2PFinalStats } from './lib/final-stats.js';
import { idleReading, type IdleReading } from './lib/idle.js';

export interface CeilingOptions {
  mode: 'blast' | 'window';
  items: number;
  neighbours: number;
  /** ttl of the items sent: 2 means the node forwards them once (with ttl 1). */
  ttl: number;
  dataBytes: number;
  /** Closed loop: items in flight at most (below the node's 1 024 pending validations). */
  window: number;
  /** Open loop: stop sending after this long, even if fewer than `items` were sent. */
  blastMs: number;
  /** Sample RSS every this many accepted items (0: never). */
  rssEvery: number;
  /** -s of the daemon in seconds (default: the daemon's own default). */
  spreadSuppression?: number;
  /** Write a CPU profile of the node to this folder and summarise it. */
  cpuProfDir?: string;
  idleMs: number;
  /** Another build's dist/main.js (A/B runs); default this package's. */
  daemonMain?: string;
  /** Extra node options for the daemon (e.g. V8 flags under test). */
  nodeArgs?: string[];
  log: (line: string) => void;
}

export interface CeilingResult {
  mode: 'blast' | 'window';
  neighbours: number;
  ttl: number;
  dataBytes: number;
  window?: number;
  /** -s given to the daemon, seconds (undefined: its default). */
  spreadSuppression?: number;
  offered: number;
  /** Seconds from the first item sent to the last forward seen. */
  seconds: number;
  accepted: number;
  forwardedItems: number;
  forwardMessagesSeen: number;
  acceptedPerSec: number;
  forwardedPerSec: number;
  forwardMessagesPerSec: number;
  offeredPerSec: number;
  notificationsAtModule: number;
  nodeCpuMs: number;
  /** Node CPU time over wall time during the run (1.0 = one core busy). */
  nodeCpuShare: number;
  cpuUsPerItem: number;
  benchCpuShare: number;
  idle: IdleReading;
  rssAfterMiB: number;
  /** [accepted items, RSS MiB] every `rssEvery` items. */
  rssByItems: Array<[number, number]>;
  drops: Record<string, number>;
  stats: P2PFinalStats;
  profile?: ProfileSummary;  /** Set when the case ran several times: this is the median run, with the others' ranges. */
  repeats?: Repeats;
}

const DATA_TYPE = 7;

export async function runCeiling(o: CeilingOptions): Promise<CeilingResult> {
  const nodeArgs = [...(o.nodeArgs ?? []), ...(o.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`] : [])];
  const net = await LocalNetwork.start({
    n: 1,
    degree: o.neighbours,
    powDifficulty: 4,
    logLevel: 'info',
    daemonMain: o.daemonMain,
    nodeArgs,
    spreadSuppression: o.spreadSuppression,
  });
  const node = net.nodes[0]!;
  const peers: LightPeer[] = [];
  let module: FakeModule | undefined;
  try {
    for (let i = 0; i < o.neighbours; i++) {
      const fake = await FakePeer.connect({ host: '127.0.0.1', port: node.p2pPort });
      await fake.handshake();
      peers.push(new LightPeer(fake));
    }
    await waitFor(async () => (await node.refresh())?.neighbours.length === o.neighbours, {
      what: `${o.neighbours} neighbours`,
      timeoutMs: 20_000,
      intervalMs: STATUS_POLL_MS,
    });
    module = await FakeModule.connect(node.apiPort, '127.0.0.1', { policy: 'valid' });
    module.subscribe(DATA_TYPE);
    const m = module;
    await node.waitForSubscription(m.localAddress, [DATA_TYPE]);
    const idle = await idleReading([node.pid], o.idleMs);

    const [sender, ...sinks] = peers as [LightPeer, ...LightPeer[]];
    const probe = sinks[0]!;
    const rssByItems: Array<[number, number]> = [];
    let nextRss = o.rssEvery;
    const sampler = setInterval(() => {
      const done = m.notifications.length;
      while (o.rssEvery > 0 && done >= nextRss) {
        rssByItems.push([nextRss, (rssBytes(node.pid) ?? NaN) / 2 ** 20]);
        nextRss += o.rssEvery;
      }
    }, 20);
    const cpu0 = cpuMs(node.pid)!;
    const bench0 = process.cpuUsage();
    const t0 = performance.now();
    const sent = await sender.blast({
      count: o.items,
      ttl: o.ttl,
      dataType: DATA_TYPE,
      dataBytes: o.dataBytes,
      idHigh: (Math.random() * 2 ** 32) >>> 0,
      until: o.mode === 'blast' ? t0 + o.blastMs : undefined,
      // Closed loop: the next batch of 256 waits until at most `window` items are in flight.
      gate:
        o.mode === 'window'
          ? (s) => (s + 256 - probe.notifications > o.window ? probe.whenNotifications(s + 256 - o.window) : undefined)
          : undefined,
    });
    const sentAt = performance.now();
    // Done when nothing more arrives for a while (the node has dealt with everything it took).
    let last = -1;
    await waitFor(
      () => {
        const now = sinks.reduce((a, p) => a + p.notifications, 0) + m.notifications.length;
        const quiet = now === last;
        last = now;
        return quiet;
      },
      { what: 'the node to finish', timeoutMs: 120_000, intervalMs: 500 },
    );
    clearInterval(sampler);
    const t1 = Math.max(sentAt, ...sinks.map((p) => p.lastNotificationAt));
    const cpu1 = cpuMs(node.pid)!;
    const bench = process.cpuUsage(bench0);
    const rssAfter = rssBytes(node.pid) ?? NaN;
    if (o.rssEvery > 0 && rssByItems.length === 0) rssByItems.push([m.notifications.length, rssAfter / 2 ** 20]);
    const forwardMessagesSeen = sinks.reduce((a, p) => a + p.notifications, 0);
    const notificationsAtModule = m.notifications.length;

    await m.close();
    for (const p of peers) p.close();
    await net.stop();
    const stats = p2pStats(node.finalStats);
    const seconds = (t1 - t0) / 1000;
    const accepted = stats.itemsReceived;
    const result: CeilingResult = {
      mode: o.mode,
      neighbours: o.neighbours,
      ttl: o.ttl,
      dataBytes: o.dataBytes,
      ...(o.mode === 'window' ? { window: o.window } : {}),
      ...(o.spreadSuppression !== undefined ? { spreadSuppression: o.spreadSuppression } : {}),
      offered: sent,
      seconds,
      accepted,
      forwardedItems: stats.itemsForwarded,
      forwardMessagesSeen,
      acceptedPerSec: accepted / seconds,
      forwardedPerSec: stats.itemsForwarded / seconds,
      forwardMessagesPerSec: forwardMessagesSeen / seconds,
      offeredPerSec: sent / ((sentAt - t0) / 1000),
      notificationsAtModule,
      nodeCpuMs: cpu1 - cpu0,
      nodeCpuShare: (cpu1 - cpu0) / (t1 - t0),
      cpuUsPerItem: ((cpu1 - cpu0) * 1000) / Math.max(1, accepted),
      benchCpuShare: (bench.user + bench.system) / 1000 / (t1 - t0),
      idle,
      rssAfterMiB: rssAfter / 2 ** 20,
      rssByItems,
      drops: { ...stats.drops },
      stats,
    };
    const profileFile = o.cpuProfDir ? await findProfile(o.cpuProfDir, node.pid) : undefined;
    if (profileFile) result.profile = summariseProfile(profileFile, { markers: ['onNotification'], top: 25 });
    o.log(
      `  ${o.mode}: ${sent} offered, ${accepted} accepted, ${stats.itemsForwarded} forwarded in ${seconds.toFixed(2)} s` +
        ` (${Math.round(result.acceptedPerSec)} items/s, node CPU ${(100 * result.nodeCpuShare).toFixed(0)} %, ${result.cpuUsPerItem.toFixed(1)} µs/item)`,
    );
    return result;
  } finally {
    await module?.close().catch(() => undefined);
    for (const p of peers) p.close();
    await net.stop();
  }
}

/** A temp folder for CPU profiles (removed by the caller when copied). */
export async function profileDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'gossip5-prof-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
