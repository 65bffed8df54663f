/**
 * Dissemination: N real daemon processes on 127.0.0.1, one module on every
 * node subscribed and validating (a FakeModule whose policy timestamps each
 * NOTIFICATION and answers valid), and node 0's module announcing M items of
 * 64 bytes. Latency is measured in this process, from the announce write to
 * each NOTIFICATION's arrival, so it includes this process's own delays.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { FakeModule, waitFor } from '@gossip5/testkit';
import type { GossipNotification } from '@gossip5/protocol';
import type { Repeats } from './lib/repeat.js';
import { LocalNetwork } from '../harness/local-network.js';
import { addStats, p2pStats, type P2PFinalStats } from './lib/final-stats.js';
import { idleReading, waitUntilQuiet, type IdleReading } from './lib/idle.js';
import { cpuMs, cpuSplitMs, cpuThreadsMs, PeakSampler, wakeUps } from './lib/proc.js';
import { summarise, type Summary } from './lib/stats.js';
import { findProfile, summariseProfile, type ProfileSummary } from './lib/cpuprofile.js';

export interface DisseminationOptions {
  nodes: number;
  items: number;
  degree: number;
  powDifficulty: number;
  dataBytes: number;
  /** ttl of each ANNOUNCE (0 = unlimited). */
  ttl: number;
  /** Items per second, or 0 to announce all at once (as fast as the socket takes them). */
  pace: number;
  idleMs: number;
  timeoutMs: number;
  /** Run node `profileNode` (default 1) with --cpu-prof into this folder and summarise its profile. */
  cpuProfDir?: string;
  profileNode?: number;
  /** Another build's dist/main.js (A/B runs); default this package's. */
  daemonMain?: string;
  /** Extra node options for every daemon (diagnostics: e.g. `--single-threaded-gc`, `--trace-gc`). */
  nodeArgs?: string[];
  /** `lazy_push` of every node (default: the daemon's default, on). */
  lazyPush?: boolean;
  /** Items announced (and awaited everywhere) before the measured ones: the tree forms on them. */
  warmUp: number;
  /** Authenticated links: every node gets a hostkey of this type. Absent: plaintext. */
  hostkey?: 'ed25519' | 'rsa' | undefined;
  log: (line: string) => void;
}

export interface DisseminationResult {
  nodes: number;
  items: number;
  degree: number;
  powDifficulty: number;
  ttl: number;
  dataBytes: number;
  mode: string;
  /** `tls (ed25519)` or `plaintext`. */
  links: string;
  startSeconds: number;
  connectSeconds: number;
  /** Neighbours per node when the items were announced: min, mean, max. */
  neighbours: { min: number; mean: number; max: number };
  deliveryRatio: number;
  delivered: number;
  expected: number;
  duplicatesAtModules: number;
  latencyMs: Summary;
  /** From the first announce to the last delivery anywhere. */
  allEverywhereMs: number;
  announceMs: number;
  /** (N-1) x M deliveries over allEverywhereMs. */
  deliveriesPerSec: number;
  /** PEER NOTIFICATIONs sent over the whole network, per item per node. */
  messagesPerItemPerNode: number;
  /** PEER NOTIFICATIONs received that were already seen, per item per node. */
  duplicatesPerItemPerNode: number;
  /**
   * Payload copies (PEER NOTIFICATIONs, duplicates included) received over the whole network during
   * the measured items (after the warm-up), per item per receiving node (N-1): 1.0 is no redundancy.
   * From each node's /status counters.
   */
  copiesPerItemPerNode: number;
  /** Items announced and delivered before the measured ones. */
  warmUp: number;
  lazyPush: boolean;
  /** IHAVE ids, GRAFT ids and PRUNEs sent over the network during the measured items, per item. */
  lazyPerItem: { ihaveIds: number; graftIds: number; prunes: number };
  idle: IdleReading;
  /** Per node: peak RSS during the batch, MiB. */
  loadRssMiB: number[];
  /** Per node: CPU ms used from the first announce until the network was quiet again. */
  loadCpuMs: number[];
  /** All nodes' CPU during the batch per item, ms (network-wide cost of one item). */
  cpuMsPerItem: number;
  /** cpuMsPerItem / N, in microseconds: what one item costs one node. */
  cpuUsPerItemPerNode: number;
  /** Share of that CPU spent in the kernel (system time: sockets, loopback TCP, epoll). */
  kernelCpuShare: number;
  /**
   * Share of that CPU spent outside the nodes' event-loop threads (V8 compiler and GC helper threads,
   * libuv workers), from /proc/<pid>/task: what a profile of the main thread does not show.
   */
  helperCpuShare: number;
  /** CPU ms of the nodes' event-loop threads over the run, and of their other threads by thread name. */
  mainThreadCpuMs: number;
  /** Voluntary context switches of the nodes' event-loop threads (sleeps, so wake-ups) per item per node. */
  wakeUpsPerItemPerNode: number;
  helperThreadCpuMs: Record<string, number>;
  loadSeconds: number;
  /** CPU of this benchmark process (the modules) over the batch, ms. */
  benchCpuMs: number;
  /** Links that went up or down (the linksUp + linksDown counters of every node's /status), from the first announce until quiet. */
  linkChangesDuringLoad: number;
  drops: Record<string, number>;
  stats: P2PFinalStats;
  profile?: ProfileSummary;  /** Set when the case ran several times: this is the median run, with the others' ranges. */
  repeats?: Repeats;
}

const DATA_TYPE = 42;
/** Warm-up items carry k from here on, so the measured items' k (0..M-1) stay apart. */
const WARM_UP_BASE = 0x7000_0000;

interface StatusP2P {
  notificationsIn: number;
  lazyPush?: { ihaveIdsSent: number; graftIdsSent: number; prunesSent: number };
}

/** A node's p2p counters from its GET /status. */
async function p2pStatus(port: number | undefined): Promise<StatusP2P> {
  if (port === undefined) throw new Error('a harness node without a status port');
  const res = await fetch(`http://127.0.0.1:${port}/status`);
  const body = (await res.json()) as { counters: { p2p: StatusP2P } };
  return body.counters.p2p;
}

export async function runDissemination(o: DisseminationOptions): Promise<DisseminationResult> {
  const { nodes: n, items: m } = o;
  const t0 = performance.now();
  const profiled = o.profileNode ?? 1;
  const net = await LocalNetwork.start({
    n,
    degree: o.degree,
    powDifficulty: o.powDifficulty,
    cacheSize: Math.max(1000, m),
    logLevel: 'info',
    daemonMain: o.daemonMain,
    ...(o.lazyPush === undefined ? {} : { extra: { lazy_push: o.lazyPush ? 'on' : 'off' } }),
    hostkey: o.hostkey,
    nodeArgs: (i) => [
      ...(o.nodeArgs ?? []),
      // Sampled every 100 us: a burst keeps one node busy for only some 100 ms, too few samples at the 1 ms default.
      ...(o.cpuProfDir && i === profiled ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`, '--cpu-prof-interval=100'] : []),
    ],
  });
  const modules: FakeModule[] = [];
  try {
    const startSeconds = (performance.now() - t0) / 1000;
    await waitFor(() => net.connected(), { what: 'the overlay to connect', timeoutMs: 60_000, intervalMs: 50 });
    // Let the views fill: wait until no link went up or down for a second (at most 20 s), as /status counts them.
    const linkChanges = async () => {
      await net.refresh();
      return net.nodes.reduce((sum, d) => sum + (d.lastStatus ? d.lastStatus.counters.p2p.linksUp + d.lastStatus.counters.p2p.linksDown : 0), 0);
    };
    let seenChanges = await linkChanges();
    let lastChange = performance.now();
    const settleUntil = performance.now() + 20_000;
    await waitFor(
      async () => {
        const now = await linkChanges();
        if (now !== seenChanges) [seenChanges, lastChange] = [now, performance.now()];
        return performance.now() - lastChange > 1000 || performance.now() > settleUntil;
      },
      { what: 'the overlay to settle', timeoutMs: 25_000, intervalMs: 100 },
    );
    await waitFor(() => net.connected(), { what: 'the overlay to be connected again', timeoutMs: 30_000, intervalMs: 50 });
    const connectSeconds = (performance.now() - t0) / 1000 - startSeconds;
    const degrees = net.nodes.map((d) => d.neighbours.size);

    const sentAt = new Float64Array(m).fill(NaN);
    const receivedAt = net.nodes.map(() => new Float64Array(m).fill(NaN));
    let delivered = 0;
    let warmDelivered = 0;
    let duplicates = 0;
    let lastDelivery = 0;
    for (const [i, node] of net.nodes.entries()) {
      const seen = receivedAt[i]!;
      const policy = (note: GossipNotification) => {
        const now = performance.now();
        const k = note.data.length >= 4 ? new DataView(note.data.buffer, note.data.byteOffset).getUint32(0) : -1;
        if (k >= 0 && k < m && Number.isNaN(seen[k]!)) {
          seen[k] = now;
          delivered++;
          lastDelivery = now;
        } else if (k >= WARM_UP_BASE && k < WARM_UP_BASE + o.warmUp) warmDelivered++;
        else duplicates++;
        return true;
      };
      const mod = await FakeModule.connect(node.apiPort, '127.0.0.1', { policy });
      mod.subscribe(DATA_TYPE);
      modules.push(mod);
    }
    await Promise.all(net.nodes.map((d, i) => d.waitForSubscription(modules[i]!.localAddress, [DATA_TYPE], 20_000)));
    const pids = net.nodes.map((d) => d.pid);
    const idle = await idleReading(pids, o.idleMs);
    o.log(
      `  N=${n} degree=${o.degree}: up in ${startSeconds.toFixed(1)} s, settled ${connectSeconds.toFixed(1)} s later; ` +
        `neighbours ${Math.min(...degrees)}..${Math.max(...degrees)}; announcing ${m} items (${o.pace > 0 ? `${o.pace}/s` : 'burst'})`,
    );

    const announcer = modules[0]!;
    const item = (k: number) => {
      const data = new Uint8Array(o.dataBytes).fill(0x62);
      new DataView(data.buffer).setUint32(0, k);
      return data;
    };
    // Warm-up: the first items go everywhere before the measured ones (lazy push forms its tree on them).
    for (let k = 0; k < o.warmUp; k++) announcer.announce({ ttl: o.ttl, dataType: DATA_TYPE, data: item(WARM_UP_BASE + k) });
    await waitFor(() => warmDelivered >= (n - 1) * o.warmUp, { what: 'the warm-up items everywhere', timeoutMs: 30_000, intervalMs: 5 });
    await sleep(500);
    const statusBefore = await Promise.all(net.nodes.map((d) => p2pStatus(d.statusPort)));

    const peaks = new PeakSampler(pids, 100);
    const cpuBefore = pids.map(cpuMs);
    const splitBefore = pids.map(cpuSplitMs);
    const threadsBefore = pids.map(cpuThreadsMs);
    const wakeUpsBefore = pids.map(wakeUps);
    const bench0 = process.cpuUsage();
    const first = performance.now();
    const changesBeforeLoad = await linkChanges();
    if (o.pace > 0) {
      let k = 0;
      while (k < m) {
        const due = Math.min(m, Math.floor(((performance.now() - first) * o.pace) / 1000) + 1);
        for (; k < due; k++) {
          sentAt[k] = performance.now();
          announcer.announce({ ttl: o.ttl, dataType: DATA_TYPE, data: item(k) });
        }
        await sleep(1);
      }
    } else {
      for (let k = 0; k < m; k++) {
        sentAt[k] = performance.now();
        announcer.announce({ ttl: o.ttl, dataType: DATA_TYPE, data: item(k) });
      }
    }
    const announceMs = performance.now() - first;
    const expected = (n - 1) * m;
    await waitFor(() => delivered >= expected, { what: 'every item on every node', timeoutMs: o.timeoutMs, intervalMs: 2 }).catch(
      () => o.log(`  timed out: ${delivered} of ${expected} deliveries`),
    );
    await waitUntilQuiet(pids, 'the network to be quiet').catch(() => undefined);
    const loadSeconds = (performance.now() - first) / 1000;
    const linkChangesDuringLoad = (await linkChanges()) - changesBeforeLoad;
    const cpuAfter = pids.map(cpuMs);
    const splitAfter = pids.map(cpuSplitMs);
    const threadsAfter = pids.map(cpuThreadsMs);
    const wakeUpsAfter = pids.map(wakeUps);
    const sleeps = wakeUpsAfter.reduce((a, x, i) => a + (x?.voluntary ?? 0) - (wakeUpsBefore[i]?.voluntary ?? 0), 0);
    const helpers = threadsAfter.reduce((a, x, i) => a + (x?.helpers ?? 0) - (threadsBefore[i]?.helpers ?? 0), 0);
    const mainThreads = threadsAfter.reduce((a, x, i) => a + (x?.main ?? 0) - (threadsBefore[i]?.main ?? 0), 0);
    const helperThreads: Record<string, number> = {};
    threadsAfter.forEach((x, i) => {
      for (const [name, ms] of Object.entries(x?.byName ?? {})) {
        helperThreads[name] = (helperThreads[name] ?? 0) + ms - (threadsBefore[i]?.byName[name] ?? 0);
      }
    });
    const kernel = splitAfter.reduce((a, x, i) => a + (x?.system ?? 0) - (splitBefore[i]?.system ?? 0), 0);
    const userland = splitAfter.reduce((a, x, i) => a + (x?.user ?? 0) - (splitBefore[i]?.user ?? 0), 0);
    const bench = process.cpuUsage(bench0);
    const loadRss = peaks.stop();

    const latencies: number[] = [];
    for (let i = 1; i < n; i++) {
      const r = receivedAt[i]!;
      for (let k = 0; k < m; k++) if (!Number.isNaN(r[k]!)) latencies.push(r[k]! - sentAt[k]!);
    }
    const statusAfter = await Promise.all(net.nodes.map((d) => p2pStatus(d.statusPort)));
    const delta = (f: (s: StatusP2P) => number) => statusAfter.reduce((a, s, i) => a + f(s) - f(statusBefore[i]!), 0);
    const copies = delta((s) => s.notificationsIn);
    const lazyPerItem = {
      ihaveIds: delta((s) => s.lazyPush?.ihaveIdsSent ?? 0) / m,
      graftIds: delta((s) => s.lazyPush?.graftIdsSent ?? 0) / m,
      prunes: delta((s) => s.lazyPush?.prunesSent ?? 0) / m,
    };
    for (const mod of modules) await mod.close();
    await net.stop();
    const perNode = net.nodes.map((d) => p2pStats(d.finalStats));
    const stats = addStats(perNode);
    const allEverywhereMs = lastDelivery - first;
    const loadCpuMs = cpuAfter.map((c, i) => (c ?? NaN) - (cpuBefore[i] ?? NaN));
    const profileFile = o.cpuProfDir ? await findProfile(o.cpuProfDir, pids[profiled]) : undefined;
    return {
      nodes: n,
      items: m,
      degree: o.degree,
      powDifficulty: o.powDifficulty,
      ttl: o.ttl,
      dataBytes: o.dataBytes,
      mode: o.pace > 0 ? `paced ${o.pace}/s` : 'burst',
      links: o.hostkey ? `tls (${o.hostkey})` : 'plaintext',
      startSeconds,
      connectSeconds,
      neighbours: { min: Math.min(...degrees), mean: degrees.reduce((a, b) => a + b, 0) / n, max: Math.max(...degrees) },
      deliveryRatio: delivered / expected,
      delivered,
      expected,
      duplicatesAtModules: duplicates,
      latencyMs: summarise(latencies),
      allEverywhereMs,
      announceMs,
      deliveriesPerSec: (delivered / allEverywhereMs) * 1000,
      messagesPerItemPerNode: (stats.messagesSent['PEER NOTIFICATION'] ?? 0) / (m * n),
      duplicatesPerItemPerNode: stats.itemsDuplicate / (m * n),
      copiesPerItemPerNode: copies / (m * (n - 1)),
      warmUp: o.warmUp,
      lazyPush: o.lazyPush ?? true,
      lazyPerItem,
      idle,
      loadRssMiB: loadRss.map((b) => b / 2 ** 20),
      loadCpuMs,
      cpuMsPerItem: loadCpuMs.reduce((a, b) => a + b, 0) / m,
      cpuUsPerItemPerNode: (loadCpuMs.reduce((a, b) => a + b, 0) / m / n) * 1000,
      kernelCpuShare: kernel / Math.max(1, kernel + userland),
      helperCpuShare: helpers / Math.max(1, helpers + mainThreads),
      mainThreadCpuMs: mainThreads,
      wakeUpsPerItemPerNode: sleeps / (m * n),
      helperThreadCpuMs: helperThreads,
      loadSeconds,
      benchCpuMs: (bench.user + bench.system) / 1000,
      linkChangesDuringLoad,
      drops: { ...stats.drops },
      stats,
      ...(profileFile ? { profile: summariseProfile(profileFile, { markers: ['onNotification'], top: 25 }) } : {}),
    };
  } finally {
    await Promise.all(modules.map((mod) => mod.close().catch(() => undefined)));
    await net.stop();
  }
}
