/**
 * The daemon's benchmark suite: dissemination over N real daemons, the
 * single-node ceiling (with a CPU profile), and resources (idle, under load,
 * after 100 000 items). Prints tables on stdout (progress on stderr) and writes
 * bench-results/daemon.json at the repository root.
 *
 *   pnpm --filter @gossip5/daemon bench                 # the full suite (a few minutes)
 *   pnpm --filter @gossip5/daemon bench -- --quick      # a smoke run (under a minute)
 *   pnpm --filter @gossip5/daemon bench -- --only dissemination --nodes 50 --items 2000
 *   pnpm --filter @gossip5/daemon bench -- --help
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { profileDir, runCeiling, type CeilingOptions, type CeilingResult } from './ceiling.js';
import { runDissemination, type DisseminationResult } from './dissemination.js';
import { runOverload } from './overload.js';
import { runTlsCost } from './tls-cost.js';
import { installCleanup } from './lib/cleanup.js';
import { load, machine } from './lib/machine.js';
import { medianBy, repeats } from './lib/repeat.js';
import {
  ceilingTable,
  disseminationTable,
  overloadTable,
  profileTable,
  resourcesTable,
  rssSeriesTable,
  tlsCostTable,
  targets,
  targetsTable,
  type Results,
} from './lib/report.js';

const HELP = `Usage: tsx bench/main.ts [options]

  --quick                 smoke run: N=10, M=200, short single-node runs
  --only LIST             comma list of: dissemination, ceiling, blast, profile, memory, overload, tls
                          (overload is not in the default run: --only overload)
  --nodes LIST            dissemination network sizes (default 10,30; quick 10)
  --items M               items announced per dissemination run (default 1000; quick 200)
  --degree D              degree of every node (default 6)
  --full-mesh LIST        network sizes run as a full mesh, degree N-1 (default 10)
  --lazy-push MODE        lazy_push of every node: on, off, or both (each case run with each; default on)
  --warm-up K             items spread (and awaited) before the measured ones (default 20)
  --degrees LIST          extra degrees tried at the largest N, burst only (default 4,8; quick none)
  --pace LIST             paced runs at the largest N, in announces per second (default 100,200; 0 or '' = none)
  --pow D                 pow_difficulty of every node (default 8)
  --links LIST            dissemination link modes, each case run in every mode, interleaved run by run:
                          plaintext, tls (Ed25519 hostkeys), tls-rsa (RSA-2048) (default plaintext,tls)
  --ceiling-items K       items for the closed-loop single-node run (default 100000; quick 20000)
  --window W              closed loop: items in flight at most (default 512; the node holds 1024 pending)
  --blast-seconds S       length of the open-loop single-node run (default 3; quick 1)
  --profile-items K       items for the profiled single-node run (default 50000; quick 10000)
  --memory-items K        items for the memory-plateau run (default 300000; quick 30000)
  --memory-s S            -s (spread suppression, seconds) of the memory-plateau run (default 2)
  --overload-items K      overload: items announced flat out on node 0 of 2 (default 100000; quick 20000)
  --stuck-items K         overload: 4 KiB items sent past a module that never reads (default 20000; quick 5000)
  --flood-items K         overload: PEER NOTIFICATIONs a neighbour writes flat out (default 10000)
  --tls-frames K          tls: frames sent over one link per run, plain TCP then TLS (default 200000; quick 50000)
  --daemon FILE           run another build's dist/main.js (to compare builds; default this package's)
  --node-args LIST        dissemination and ceiling: extra node options for every daemon, space-separated (diagnostics,
                          e.g. --node-args=--single-threaded-gc)
  --network-profile       with profile: also profile node 1 of the smallest network (N=10 full mesh by default)
                          during a burst
  --profile-pace P        with --network-profile: announce at P items/s instead of a burst (where a paced item's CPU goes)
  --repeat R              runs of each dissemination, ceiling and blast case; the median run is shown (default 3; quick 1)
  --out FILE              JSON output (default bench-results/daemon.json; quick: daemon-quick.json)`;

const { values } = parseArgs({
  // `pnpm --filter @gossip5/daemon bench -- --quick` hands the `--` on: skip it.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    nodes: { type: 'string' },
    items: { type: 'string' },
    degree: { type: 'string', default: '6' },
    'full-mesh': { type: 'string' },
    'lazy-push': { type: 'string', default: 'on' },
    'warm-up': { type: 'string' },
    degrees: { type: 'string' },
    pace: { type: 'string' },
    pow: { type: 'string', default: '8' },
    links: { type: 'string', default: 'plaintext,tls' },
    'ceiling-items': { type: 'string' },
    'blast-seconds': { type: 'string' },
    window: { type: 'string' },
    'profile-items': { type: 'string' },
    'memory-items': { type: 'string' },
    'memory-s': { type: 'string', default: '2' },
    'overload-items': { type: 'string' },
    'stuck-items': { type: 'string' },
    'flood-items': { type: 'string' },
    'tls-frames': { type: 'string' },
    out: { type: 'string' },
    repeat: { type: 'string' },
    daemon: { type: 'string' },
    'network-profile': { type: 'boolean', default: false },
    'profile-pace': { type: 'string', default: '0' },
    'node-args': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}

const quick = values.quick;
const args = process.argv.slice(2).filter((a) => a !== '--');
const list = (text: string | undefined, fallback: number[]) =>
  text === undefined ? fallback : text === '' ? [] : text.split(',').map((x) => Number(x.trim()));
const int = (text: string | undefined, fallback: number, what: string, min = 0) => {
  const n = text === undefined ? fallback : Number(text);
  if (!Number.isFinite(n) || n < min) {
    console.error(`bench: ${what} must be a number >= ${min}\n\n${HELP}`);
    process.exit(2);
  }
  return n;
};
const SCENARIOS = ['dissemination', 'ceiling', 'blast', 'profile', 'memory', 'overload', 'tls'] as const;
/** Scenarios run only when named in --only. */
const ON_REQUEST: ReadonlyArray<(typeof SCENARIOS)[number]> = ['overload'];
const only = values.only?.split(',').map((s) => s.trim());
for (const s of only ?? []) {
  if (!(SCENARIOS as readonly string[]).includes(s)) {
    console.error(`bench: unknown scenario ${s} (one of ${SCENARIOS.join(', ')})`);
    process.exit(2);
  }
}
const runs = (s: (typeof SCENARIOS)[number]) => (only === undefined ? !ON_REQUEST.includes(s) : only.includes(s));
const nodes = list(values.nodes, quick ? [10] : [10, 30]);
const items = int(values.items, quick ? 200 : 1000, '--items', 1);
const degree = int(values.degree, 6, '--degree', 1);
const degrees = list(values.degrees, quick ? [] : [4, 8]).filter((d) => d !== degree);
const fullMesh = list(values['full-mesh'], [10]);
const warmUp = int(values['warm-up'], 20, '--warm-up');
const lazyModes: boolean[] = values['lazy-push'] === 'both' ? [true, false] : values['lazy-push'] === 'off' ? [false] : [true];
if (!['on', 'off', 'both'].includes(values['lazy-push'] ?? 'on')) {
  console.error('bench: --lazy-push must be on, off or both');
  process.exit(2);
}
const degreeFor = (n: number) => (fullMesh.includes(n) ? n - 1 : degree);
const paces = list(values.pace, quick ? [200] : [100, 200]).filter((r) => r > 0);
if (paces.some((r) => !Number.isFinite(r))) {
  console.error('bench: --pace must be a list of numbers');
  process.exit(2);
}
const pow = int(values.pow, 8, '--pow');
const LINK_MODES = { plaintext: undefined, tls: 'ed25519', 'tls-rsa': 'rsa' } as const;
const linkModes = values.links.split(',').map((s) => s.trim()).filter((s) => s !== '');
for (const m of linkModes) {
  if (!(m in LINK_MODES)) {
    console.error(`bench: --links: unknown mode ${m} (plaintext, tls, tls-rsa)`);
    process.exit(2);
  }
}
const ceilingItems = int(values['ceiling-items'], quick ? 20_000 : 100_000, '--ceiling-items', 1);
const repeat = int(values.repeat, quick ? 1 : 3, '--repeat', 1);
const window = int(values.window, 512, '--window', 256);
const blastSeconds = int(values['blast-seconds'], quick ? 1 : 3, '--blast-seconds');
const profileItems = int(values['profile-items'], quick ? 10_000 : 50_000, '--profile-items', 1);
const memoryItems = int(values['memory-items'], quick ? 30_000 : 300_000, '--memory-items', 1);
const memoryS = int(values['memory-s'], 2, '--memory-s');
const overloadItems = int(values['overload-items'], quick ? 20_000 : 100_000, '--overload-items', 2);
const stuckItems = int(values['stuck-items'], quick ? 5_000 : 20_000, '--stuck-items', 2);
const floodItems = int(values['flood-items'], 10_000, '--flood-items', 2);
const tlsFrames = int(values['tls-frames'], quick ? 50_000 : 200_000, '--tls-frames', 1);
if (nodes.some((n) => !Number.isInteger(n) || n < 2 || n > 200)) {
  console.error('bench: --nodes must be integers 2..200');
  process.exit(2);
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const outFile = resolve(values.out ?? join(root, 'bench-results', quick ? 'daemon-quick.json' : 'daemon.json'));
const log = (line: string) => process.stderr.write(`${line}\n`);
const daemonMain = values.daemon === undefined ? undefined : resolve(process.env.INIT_CWD ?? process.cwd(), values.daemon);
const nodeArgs = values['node-args']?.split(' ').filter((a) => a !== '');

installCleanup();
const started = performance.now();
const info = machine();
const loadBefore = load();
log(`daemon bench: ${info.nproc} cores (${info.cpuModel}), Node ${info.node}, commit ${info.commit}${info.dirty ? ' (uncommitted changes)' : ''}; load ${loadBefore.join(' ')}`);

const res: Results = { dissemination: [] };
const single = (o: Partial<CeilingOptions> & Pick<CeilingOptions, 'mode' | 'items'>): Promise<CeilingResult> =>
  runCeiling({ neighbours: 8, ttl: 2, dataBytes: 64, window, blastMs: 0, rssEvery: 0, idleMs: quick ? 1000 : 2000, daemonMain, nodeArgs, log, ...o });

/** Run a single-node scenario `repeat` times; keep the median run by CPU per item, with the ranges. */
async function repeatSingle(run: () => Promise<CeilingResult>): Promise<CeilingResult> {
  const all: CeilingResult[] = [];
  for (let k = 0; k < repeat; k++) all.push(await run());
  const figures = {
    cpuUsPerItem: (r: CeilingResult) => r.cpuUsPerItem,
    acceptedPerSec: (r: CeilingResult) => r.acceptedPerSec,
    forwardedPerSec: (r: CeilingResult) => r.forwardedPerSec,
    nodeCpuShare: (r: CeilingResult) => r.nodeCpuShare,
    rssAfterMiB: (r: CeilingResult) => r.rssAfterMiB,
  };
  return { ...medianBy(all, figures.cpuUsPerItem), repeats: repeats(all, 'cpuUsPerItem', figures) };
}

if (runs('dissemination')) {
  const largest = Math.max(...nodes);
  const base: Array<{ n: number; d: number; pace: number }> = nodes.map((n) => ({ n, d: degreeFor(n), pace: 0 }));
  for (const pace of paces) base.push({ n: largest, d: degreeFor(largest), pace });
  for (const d of degrees) base.push({ n: largest, d, pace: 0 });
  const plan = base.flatMap((p) => lazyModes.map((lazyPush) => ({ ...p, lazyPush })));
  for (const p of plan) {
    // Every link mode of a case runs in turn, run by run, so slow drift of the shared machine hits them alike.
    const runsByMode = new Map<string, DisseminationResult[]>(linkModes.map((m) => [m, []]));
    for (let k = 1; k <= repeat; k++) for (const linkMode of linkModes) {
      const runsOf = runsByMode.get(linkMode)!;
      log(`dissemination: N=${p.n}, M=${items}, degree ${p.d}, ${p.pace > 0 ? `paced ${p.pace}/s` : 'burst'}, lazy_push ${p.lazyPush ? 'on' : 'off'}, ${linkMode} links, pow_difficulty ${pow}, run ${k} of ${repeat}`);
      const r: DisseminationResult = await runDissemination({
        hostkey: LINK_MODES[linkMode as keyof typeof LINK_MODES],
        nodes: p.n,
        items,
        degree: p.d,
        powDifficulty: pow,
        dataBytes: 64,
        ttl: 0,
        pace: p.pace,
        idleMs: quick ? 1000 : 3000,
        timeoutMs: 60_000,
        daemonMain,
        lazyPush: p.lazyPush,
        warmUp,
        nodeArgs,
        log,
      });
      log(
        `  delivery ${r.deliveryRatio.toFixed(4)}, p50 ${r.latencyMs.p50.toFixed(1)} ms, p99 ${r.latencyMs.p99.toFixed(1)} ms, ` +
          `everywhere in ${(r.allEverywhereMs / 1000).toFixed(2)} s, ${r.copiesPerItemPerNode.toFixed(2)} copies/item/node, ` +
          `${r.cpuUsPerItemPerNode.toFixed(1)} us CPU/item/node (${(100 * r.helperCpuShare).toFixed(0)} % off the main threads), ${r.wakeUpsPerItemPerNode.toFixed(1)} wake-ups/item/node, ${r.messagesPerItemPerNode.toFixed(2)} msgs/item/node, ` +
          `${r.linkChangesDuringLoad} link changes meanwhile`,
      );
      runsOf.push(r);
    }
    for (const runsOf of runsByMode.values()) {
    // Burst runs are judged by when everything arrived, paced runs by their tail latency.
    const medianOf = p.pace > 0 ? 'p99Ms' : 'allEverywhereMs';
    const figures = {
      p50Ms: (r: DisseminationResult) => r.latencyMs.p50,
      p99Ms: (r: DisseminationResult) => r.latencyMs.p99,
      maxMs: (r: DisseminationResult) => r.latencyMs.max,
      allEverywhereMs: (r: DisseminationResult) => r.allEverywhereMs,
      cpuMsPerItem: (r: DisseminationResult) => r.cpuMsPerItem,
      cpuUsPerItemPerNode: (r: DisseminationResult) => r.cpuUsPerItemPerNode,
      copiesPerItemPerNode: (r: DisseminationResult) => r.copiesPerItemPerNode,
      messagesPerItemPerNode: (r: DisseminationResult) => r.messagesPerItemPerNode,
      deliveryRatio: (r: DisseminationResult) => r.deliveryRatio,
      linkChangesDuringLoad: (r: DisseminationResult) => r.linkChangesDuringLoad,
    };
    const median = medianBy(runsOf, figures[medianOf]);
    res.dissemination.push({
      ...median,
      repeats: repeats(runsOf, medianOf, figures, {
        deliveryRatio: (rs) => Math.min(...rs.map((r) => r.deliveryRatio)),
        idleRssMiB: (rs) => Math.max(...rs.flatMap((r) => r.idle.rssMiB)),
        loadRssMiB: (rs) => Math.max(...rs.flatMap((r) => r.loadRssMiB)),
      }),
    });
    }
  }
}
if (runs('ceiling')) {
  log(`single-node ceiling, closed loop: ${ceilingItems} items, 8 neighbours, RSS every ${ceilingItems / 10} items`);
  res.ceiling = await repeatSingle(() =>
    single({ mode: 'window', items: ceilingItems, rssEvery: Math.max(1, Math.floor(ceilingItems / 10)) }),
  );
}
if (runs('blast')) {
  log(`single-node ceiling, open loop: ${blastSeconds} s of PEER NOTIFICATIONs as fast as the socket takes them`);
  res.blast = await repeatSingle(() => single({ mode: 'blast', items: 50_000_000, blastMs: blastSeconds * 1000 }));
}
if (runs('memory')) {
  log(`memory: ${memoryItems} items into one node with -s ${memoryS}, RSS every ${memoryItems / 10} items`);
  res.memory = await single({
    mode: 'window',
    items: memoryItems,
    spreadSuppression: memoryS,
    rssEvery: Math.max(1, Math.floor(memoryItems / 10)),
  });
}
if (runs('tls')) {
  log(`tls: ${tlsFrames} PEER NOTIFICATION frames over one loopback link, plain TCP then TLS 1.3, ${repeat} runs each; handshakes per key type`);
  res.tlsCost = await runTlsCost({ frames: tlsFrames, batch: 16, repeat, handshakes: quick ? 5 : 20, log });
}
if (runs('overload')) {
  res.overload = await runOverload({ items: overloadItems, stuckItems, floodItems, daemonMain, log });
}
let profileFile: string | undefined;
let networkProfileFile: string | undefined;
if (runs('profile')) {
  log(`profile: ${profileItems} items, closed loop, node run with --cpu-prof`);
  const prof = await profileDir();
  try {
    const r = await single({ mode: 'window', items: profileItems, cpuProfDir: prof.dir });
    if (r.profile) {
      res.profile = r.profile;
      const dest = join(root, 'bench-results', 'profiles');
      await mkdir(dest, { recursive: true });
      profileFile = join(dest, quick ? 'ceiling-quick.cpuprofile' : 'ceiling.cpuprofile');
      await copyFile(r.profile.file, profileFile);
      res.profile.file = profileFile;
    } else log('  no profile was written');
    if (values['network-profile']) {
      const n = Math.min(...nodes);
      const profilePace = Number(values['profile-pace']);
      const how = profilePace > 0 ? `${profilePace} items/s` : 'burst';
      log(`profile: node 1 of an N=${n} network (degree ${degreeFor(n)}), ${items} items (${how}), run with --cpu-prof`);
      const d = await runDissemination({
        nodes: n,
        items,
        degree: degreeFor(n),
        lazyPush: lazyModes[0],
        warmUp,
        powDifficulty: pow,
        dataBytes: 64,
        ttl: 0,
        pace: profilePace,
        idleMs: 500,
        timeoutMs: 60_000,
        cpuProfDir: prof.dir,
        profileNode: 1,
        daemonMain,
        log,
      });
      if (d.profile) {
        const dest = join(root, 'bench-results', 'profiles');
        await mkdir(dest, { recursive: true });
        networkProfileFile = join(dest, quick ? `network-node1-quick.cpuprofile` : `network-node1.cpuprofile`);
        await copyFile(d.profile.file, networkProfileFile);
        d.profile.file = networkProfileFile;
        res.networkProfile = d.profile;
        const { profile: _profile, stats: _stats, ...figures } = d;
        res.networkProfileRun = figures;
      }
    }
  } finally {
    await prof.remove();
  }
}

const loadAfter = load();
const seconds = (performance.now() - started) / 1000;
const ts = targets(res, items, degree, degreeFor(10));
const out: string[] = [];
out.push(`\nGossip-5 daemon benchmarks (${quick ? 'quick' : 'full'} run, ${seconds.toFixed(0)} s)`);
out.push(`${info.nproc} x ${info.cpuModel}, ${info.memGiB} GiB, Node ${info.node}, commit ${info.commit}${info.dirty ? '+changes' : ''}, ${info.date}`);
out.push(`load average before ${loadBefore.join(' ')}, after ${loadAfter.join(' ')}; every daemon and this process share these cores`);
if (res.dissemination.length > 0) {
  out.push(`\nDissemination (M=${items} items of 64 B from node 0, ttl 0, one validating module per node, pow_difficulty ${pow}; latency = announce write to NOTIFICATION arrival, in this process)`);
  out.push(disseminationTable(res.dissemination));
}
const ceilings = [res.ceiling, res.blast].filter((r): r is CeilingResult => r !== undefined);
if (ceilings.length > 0) {
  out.push('\nSingle-node ceiling (1 daemon, 8 FakePeer neighbours, 1 validating module; items of 64 B with ttl 2, forwarded to 7)');
  out.push(ceilingTable(ceilings));
}
out.push('\nResources (RSS from /proc/<pid>/status, CPU from /proc/<pid>/stat)');
out.push(resourcesTable(res));
const series = [
  ...(res.ceiling ? [{ label: `RSS, -s default, closed loop`, points: res.ceiling.rssByItems }] : []),
  ...(res.memory ? [{ label: `RSS, -s ${memoryS}, closed loop`, points: res.memory.rssByItems }] : []),
];
if (series.length > 0) out.push(rssSeriesTable(series));
if (res.profile) {
  out.push(`\nCPU profile of the node (closed loop, ${profileItems} items): ${profileFile}`);
  out.push(profileTable(res.profile));
}
if (res.networkProfile) {
  out.push(`\nCPU profile of node 1 in an N=${Math.max(...nodes)} network during a burst of ${items} items: ${networkProfileFile}`);
  out.push(profileTable(res.networkProfile));
}
if (res.tlsCost) {
  out.push(`\nEncryption on one link (this process is both ends; ${res.tlsCost.frames} frames of ${res.tlsCost.frameBytes} B, ${res.tlsCost.batch} per write batch; CPU of both ends per frame, median of ${repeat})`);
  out.push(tlsCostTable(res.tlsCost));
}
if (res.overload) {
  out.push('\nOverload (real daemons on 127.0.0.1; every module answers valid; RSS of the loaded node when the watched module had 50 % and 100 %)');
  out.push(overloadTable(res.overload));
}
if (ts.length > 0) {
  out.push('\nTargets (the issues\' figures, on this 2-core machine)');
  out.push(targetsTable(ts));
}
console.log(out.join('\n'));

await mkdir(dirname(outFile), { recursive: true });
const json = {
  machine: info,
  command: `pnpm --filter @gossip5/daemon bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`,
  quick,
  seconds,
  load: { before: loadBefore, after: loadAfter },
  settings: { repeat, linkModes, daemonMain: daemonMain ?? 'packages/daemon/dist/main.js', nodes, items, degree, fullMesh, lazyPush: values['lazy-push'], warmUp, degrees, paces, powDifficulty: pow, ceilingItems, window, blastSeconds, profileItems, memoryItems, memoryS, overloadItems, stuckItems, floodItems, tlsFrames },
  targets: ts,
  ...res,
};
await writeFile(outFile, `${JSON.stringify(json, null, 2)}\n`);
console.log(`\nwrote ${outFile}`);
process.exit(0);
