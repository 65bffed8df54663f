/**
 * The yardstick of issue 10, in one run: N Python toys (bench/toy/gossip_toy.py: eager push over a
 * full mesh, the same API) and then N daemons (runDissemination, full mesh, lazy push as configured),
 * the same harness for both: one FakeModule per node subscribed and validating, node 0's module
 * announcing a burst of M items of 64 B after a warm-up, CPU per item per node from /proc from the
 * first announce until the network is quiet, latency from the announce write to each NOTIFICATION.
 *
 *   pnpm --filter @gossip5/daemon exec tsx bench/toy.ts [--nodes 10] [--items 1000] [--repeat 3] [--no-daemon]
 *     [--warm-up 20] [--daemon OTHER/dist/main.js] [--node-args '--max-semi-space-size=16']
 *
 * With --daemon, each run also runs that other build (e.g. a checkout of main) right after this one,
 * so an A/B of two builds alternates with the toy under the same load.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { FakeModule, freePort, waitFor } from '@gossip5/testkit';
import type { GossipNotification } from '@gossip5/protocol';
import { runDissemination } from './dissemination.js';
import { installCleanup } from './lib/cleanup.js';
import { waitUntilQuiet } from './lib/idle.js';
import { load, machine } from './lib/machine.js';
import { cpuMs } from './lib/proc.js';
import { summarise, type Summary } from './lib/stats.js';

const DATA_TYPE = 42;
const WARM_UP_BASE = 0x7000_0000;
const PROBE_BASE = 0x7800_0000;
const TOY = join(dirname(fileURLToPath(import.meta.url)), 'toy', 'gossip_toy.py');

export interface ToyResult {
  nodes: number;
  items: number;
  deliveryRatio: number;
  cpuUsPerItemPerNode: number;
  latencyMs: Summary;
  allEverywhereMs: number;
}

interface Toy {
  proc: ChildProcess;
  apiPort: number;
  links: number;
}

async function startToys(n: number): Promise<Toy[]> {
  const ports = await Promise.all(Array.from({ length: 2 * n }, () => freePort()));
  const p2p = ports.slice(n);
  return p2p.map((port, i) => {
    const proc = spawn('python3', [TOY, '--api-port', String(ports[i]), '--p2p-port', String(port), '--peers', p2p.join(',')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const toy: Toy = { proc, apiPort: ports[i]!, links: 0 };
    let rest = '';
    proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      rest += chunk;
      for (let nl = rest.indexOf('\n'); nl >= 0; nl = rest.indexOf('\n')) {
        const m = /^links (\d+)$/.exec(rest.slice(0, nl));
        if (m) toy.links = Number(m[1]);
        rest = rest.slice(nl + 1);
      }
    });
    return toy;
  });
}

export async function runToy(n: number, m: number, warmUp: number): Promise<ToyResult> {
  const toys = await startToys(n);
  const modules: FakeModule[] = [];
  try {
    await waitFor(() => toys.every((t) => t.links === n - 1), { what: 'the toys full mesh', timeoutMs: 30_000, intervalMs: 20 });
    const sentAt = new Float64Array(m).fill(NaN);
    const receivedAt = toys.map(() => new Float64Array(m).fill(NaN));
    const probed = new Uint8Array(n).fill(0);
    probed[0] = 1;
    let delivered = 0;
    let warmDelivered = 0;
    let lastDelivery = 0;
    for (const [i, toy] of toys.entries()) {
      const seen = receivedAt[i]!;
      const policy = (note: GossipNotification) => {
        const k = note.data.length >= 4 ? new DataView(note.data.buffer, note.data.byteOffset).getUint32(0) : -1;
        if (k >= 0 && k < m && Number.isNaN(seen[k]!)) {
          seen[k] = lastDelivery = performance.now();
          delivered++;
        } else if (k >= PROBE_BASE) probed[i] = 1;
        else if (k >= WARM_UP_BASE) warmDelivered++;
        return true;
      };
      const connect = () => FakeModule.connect(toy.apiPort, '127.0.0.1', { policy }).catch(() => undefined);
      const mod: FakeModule = (await waitFor(connect, { what: 'a toy API port', timeoutMs: 10_000, intervalMs: 20 }))!;
      mod.subscribe(DATA_TYPE);
      modules.push(mod);
    }
    const item = (k: number) => {
      const data = new Uint8Array(64).fill(0x62);
      new DataView(data.buffer).setUint32(0, k);
      return data;
    };
    // The toys have no status port and NOTIFY has no answer: probe items until each module got one, so every
    // subscription is in place before the warm-up.
    let probes = 0;
    await waitFor(
      () => {
        modules[0]!.announce({ ttl: 0, dataType: DATA_TYPE, data: item(PROBE_BASE + probes++) });
        return probed.every((p) => p === 1);
      },
      { what: 'every toy subscription in place', timeoutMs: 30_000, intervalMs: 20 },
    );
    for (let k = 0; k < warmUp; k++) modules[0]!.announce({ ttl: 0, dataType: DATA_TYPE, data: item(WARM_UP_BASE + k) });
    await waitFor(() => warmDelivered >= (n - 1) * warmUp, { what: 'the warm-up items everywhere', timeoutMs: 30_000, intervalMs: 5 });
    await sleep(500);
    const pids = toys.map((t) => t.proc.pid);
    const before = pids.map(cpuMs);
    const first = performance.now();
    for (let k = 0; k < m; k++) {
      sentAt[k] = performance.now();
      modules[0]!.announce({ ttl: 0, dataType: DATA_TYPE, data: item(k) });
    }
    const expected = (n - 1) * m;
    await waitFor(() => delivered >= expected, { what: 'every item on every toy', timeoutMs: 60_000, intervalMs: 2 });
    await waitUntilQuiet(pids, 'the toys to be quiet');
    const after = pids.map(cpuMs);
    const cpu = after.reduce<number>((a, c, i) => a + (c ?? NaN) - (before[i] ?? NaN), 0);
    const latencies: number[] = [];
    for (let i = 1; i < n; i++) for (let k = 0; k < m; k++) latencies.push(receivedAt[i]![k]! - sentAt[k]!);
    return {
      nodes: n,
      items: m,
      deliveryRatio: delivered / expected,
      cpuUsPerItemPerNode: (cpu / m / n) * 1000,
      latencyMs: summarise(latencies),
      allEverywhereMs: lastDelivery - first,
    };
  } finally {
    await Promise.all(modules.map((mod) => mod.close().catch(() => undefined)));
    for (const t of toys) t.proc.kill('SIGTERM');
  }
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const { values } = parseArgs({
    options: {
      nodes: { type: 'string', default: '10' },
      items: { type: 'string', default: '1000' },
      repeat: { type: 'string', default: '3' },
      'warm-up': { type: 'string', default: '20' },
      'no-daemon': { type: 'boolean', default: false },
      daemon: { type: 'string' },
      'node-args': { type: 'string' },
    },
  });
  const n = Number(values.nodes);
  const m = Number(values.items);
  const warmUp = Number(values['warm-up']);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  installCleanup();
  const info = machine();
  log(`toy bench: ${info.nproc} cores (${info.cpuModel}), Node ${info.node}, commit ${info.commit}${info.dirty ? ' (uncommitted changes)' : ''}; load ${load().join(' ')}`);
  const rows: string[] = ['| run | implementation | CPU us / item / node | p50 ms | p99 ms | all everywhere s | delivery |', '|---|---|---:|---:|---:|---:|---:|'];
  const row = (k: number, who: string, cpu: number, l: Summary, all: number, d: number) =>
    rows.push(`| ${k} | ${who} | ${cpu.toFixed(0)} | ${l.p50.toFixed(0)} | ${l.p99.toFixed(0)} | ${(all / 1000).toFixed(2)} | ${d.toFixed(3)} |`);
  for (let k = 1; k <= Number(values.repeat); k++) {
    // Toy and daemon alternate run by run, so slow drift of the machine hits both alike.
    const t = await runToy(n, m, warmUp);
    row(k, 'Python toy (eager, full mesh)', t.cpuUsPerItemPerNode, t.latencyMs, t.allEverywhereMs, t.deliveryRatio);
    log(rows.at(-1)!);
    if (values['no-daemon']) continue;
    const builds: { who: string; main: string | undefined }[] = [{ who: 'gossip-5 daemon (lazy push)', main: undefined }];
    if (values.daemon !== undefined) builds.push({ who: `other build (${values.daemon})`, main: values.daemon });
    for (const b of builds) {
      const d = await runDissemination({
        nodes: n,
        items: m,
        degree: n - 1,
        powDifficulty: 8,
        dataBytes: 64,
        ttl: 0,
        pace: 0,
        idleMs: 1000,
        timeoutMs: 60_000,
        warmUp,
        daemonMain: b.main,
        nodeArgs: values['node-args']?.split(' ').filter((a) => a !== ''),
        log,
      });
      row(k, b.who, d.cpuUsPerItemPerNode, d.latencyMs, d.allEverywhereMs, d.deliveryRatio);
      log(`${rows.at(-1)!} (load ${load().join(' ')})`);
    }
  }
  log(`load after: ${load().join(' ')}`);
  process.stdout.write(`${rows.join('\n')}\n`);
}
