/** The tables printed at the end of a run, and the verdicts against the issue's targets. */
import type { CeilingResult } from '../ceiling.js';
import type { DisseminationResult } from '../dissemination.js';
import type { OverloadResult } from '../overload.js';
import type { TlsCostResult } from '../tls-cost.js';
import type { ProfileSummary } from './cpuprofile.js';
import type { Repeats } from './repeat.js';
import { fixed, si, table } from './stats.js';

export interface Results {
  dissemination: DisseminationResult[];
  ceiling?: CeilingResult;
  blast?: CeilingResult;
  memory?: CeilingResult;
  profile?: ProfileSummary;
  /** A node inside a dissemination network, profiled during a burst. */
  networkProfile?: ProfileSummary;
  /** The figures of that (profiled) run, kept apart from the clean ones. */
  networkProfileRun?: Omit<DisseminationResult, 'profile' | 'stats'>;
  overload?: OverloadResult;
  tlsCost?: TlsCostResult;
}

export interface Target {
  what: string;
  target: string;
  value: string;
  met: boolean | undefined;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const max = (xs: number[]) => Math.max(...xs);

/** `value` with the range over repeated runs: `1.71 (1.39-2.40)`. */
function ranged(value: number, r: Repeats | undefined, name: string, digits: number, scale = 1): string {
  const range = r?.ranges[name];
  if (!range || r!.runs < 2) return fixed(value / scale, digits);
  return `${fixed(value / scale, digits)} (${fixed(range[0] / scale, digits)}-${fixed(range[1] / scale, digits)})`;
}

export function disseminationTable(rows: DisseminationResult[]): string {
  return table(
    [
      'N',
      'degree',
      'lazy push',
      'announce',
      'links',
      'runs',
      'delivery (worst)',
      'p50 ms',
      'p99 ms (range)',
      'max ms',
      'all everywhere s (range)',
      'deliveries/s',
      'copies/item/node',
      'msgs/item/node',
      'dups/item/node',
      'CPU us/item/node (range)',
      'CPU ms/item (range)',
      'kernel',
      'helper threads',
      'modules CPU',
      'link changes',
    ],
    rows.map((r) => [
      String(r.nodes),
      String(r.degree),
      r.lazyPush === false ? 'off' : 'on',
      r.mode,
      r.links ?? 'plaintext',
      String(r.repeats?.runs ?? 1),
      (r.repeats?.worst['deliveryRatio'] ?? r.deliveryRatio).toFixed(4),
      fixed(r.latencyMs.p50),
      ranged(r.latencyMs.p99, r.repeats, 'p99Ms', 0),
      fixed(r.latencyMs.max, 0),
      ranged(r.allEverywhereMs, r.repeats, 'allEverywhereMs', 2, 1000),
      si(r.deliveriesPerSec),
      fixed(r.copiesPerItemPerNode, 2),
      fixed(r.messagesPerItemPerNode, 2),
      fixed(r.duplicatesPerItemPerNode, 2),
      ranged(r.cpuUsPerItemPerNode, r.repeats, 'cpuUsPerItemPerNode', 1),
      ranged(r.cpuMsPerItem, r.repeats, 'cpuMsPerItem', 2),
      `${fixed(100 * r.kernelCpuShare, 0)} %`,
      r.helperCpuShare === undefined ? '-' : `${fixed(100 * r.helperCpuShare, 0)} %`,
      `${fixed((100 * r.benchCpuMs) / (r.loadSeconds * 1000), 0)} %`,
      String(r.linkChangesDuringLoad),
    ]),
  );
}

export function ceilingTable(rows: CeilingResult[]): string {
  return table(
    ['send mode', 'runs', 'offered/s', 'accepted/s (range)', 'forwarded/s', 'fwd msgs/s', 'node CPU', 'µs CPU/item (range)', 'bench CPU', 'dropped'],
    rows.map((r) => [
      r.mode === 'window' ? `window ${r.window}` : 'blast',
      String(r.repeats?.runs ?? 1),
      si(r.offeredPerSec),
      r.repeats && r.repeats.runs > 1
        ? `${si(r.acceptedPerSec)} (${si(r.repeats.ranges['acceptedPerSec']![0])}-${si(r.repeats.ranges['acceptedPerSec']![1])})`
        : si(r.acceptedPerSec),
      si(r.forwardedPerSec),
      si(r.forwardMessagesPerSec),
      `${fixed(100 * r.nodeCpuShare, 0)} %`,
      ranged(r.cpuUsPerItem, r.repeats, 'cpuUsPerItem', 1),
      `${fixed(100 * r.benchCpuShare, 0)} %`,
      String(Object.values(r.drops).reduce((a, b) => a + b, 0)),
    ]),
  );
}

export function resourcesTable(res: Results): string {
  const rows: string[][] = [];
  const big = [...res.dissemination].sort((a, b) => b.nodes - a.nodes).find((r) => r.mode === 'burst') ?? res.dissemination[0];
  if (big) {
    rows.push([
      `idle node (N=${big.nodes}, ${big.idle.seconds.toFixed(0)} s)`,
      fixed(mean(big.idle.rssMiB)),
      fixed(max(big.idle.rssMiB)),
      `${fixed(mean(big.idle.cpuPct), 2)} %`,
    ]);
    const cpuPct = big.loadCpuMs.map((c) => (100 * c) / (big.loadSeconds * 1000));
    rows.push([
      `dissemination load (N=${big.nodes}, ${big.mode}, ${big.loadSeconds.toFixed(1)} s)`,
      fixed(mean(big.loadRssMiB)),
      fixed(max(big.loadRssMiB)),
      `${fixed(mean(cpuPct), 1)} %`,
    ]);
  }
  const single = res.ceiling ?? res.memory ?? res.blast;
  if (single) {
    const rss = fixed(single.idle.rssMiB[0]);
    rows.push(['single node, idle, 8 neighbours + 1 module', rss, rss, `${fixed(single.idle.cpuPct[0], 2)} %`]);
  }
  if (res.ceiling) {
    rows.push([
      `single node after ${si(res.ceiling.accepted)} items (window)`,
      fixed(res.ceiling.rssAfterMiB),
      fixed(Math.max(res.ceiling.rssAfterMiB, ...res.ceiling.rssByItems.map((x) => x[1]))),
      `${fixed(100 * res.ceiling.nodeCpuShare, 0)} %`,
    ]);
  }
  if (res.memory) {
    rows.push([
      `single node after ${si(res.memory.accepted)} items (-s ${res.memory.spreadSuppression ?? 'default'})`,
      fixed(res.memory.rssAfterMiB),
      fixed(Math.max(res.memory.rssAfterMiB, ...res.memory.rssByItems.map((x) => x[1]))),
      `${fixed(100 * res.memory.nodeCpuShare, 0)} %`,
    ]);
  }
  return table(['node', 'RSS MiB (mean)', 'RSS MiB (max)', 'CPU (of one core)'], rows);
}

export function rssSeriesTable(series: Array<{ label: string; points: Array<[number, number]> }>): string {
  const lines: string[] = [];
  for (const s of series) {
    if (s.points.length === 0) continue;
    lines.push(`${s.label}: ${s.points.map(([n, mb]) => `${si(n)}:${mb.toFixed(0)}`).join('  ')}  (items:MiB)`);
  }
  return lines.join('\n');
}

export function profileTable(p: ProfileSummary, top = 15): string {
  const head =
    `${p.samples} samples every ${p.intervalUs.toFixed(0)} µs (${p.window}; ${p.wallMs.toFixed(0)} ms of wall time): ` +
    `busy ${p.busyMs.toFixed(0)} ms, idle ${p.idleMs.toFixed(0)} ms`;
  const self = table(
    ['self time: function', 'where', 'ms', '% busy'],
    p.self.slice(0, top).map((f) => [f.fn, f.where || f.category, f.ms.toFixed(0), f.pct.toFixed(1)]),
  );
  const ours = p.total.filter((f) => f.category.startsWith('@gossip5/')).slice(0, 12);
  const total = table(
    ['total (self + callees): function', 'where', 'ms', '% busy'],
    ours.map((f) => [f.fn, f.where, f.ms.toFixed(0), f.pct.toFixed(1)]),
  );
  const cats = table(
    ['by package', 'ms', '% busy'],
    p.categories.map((c) => [c.category, c.ms.toFixed(0), c.pct.toFixed(1)]),
  );
  return `${head}\n\n${self}\n\n${total}\n\n${cats}`;
}

/** How flat the RSS series is after the caches fill: MiB gained over its second half. */
export function secondHalfGrowth(points: Array<[number, number]>): number | undefined {
  if (points.length < 4) return undefined;
  const half = points.slice(Math.floor(points.length / 2));
  return half[half.length - 1]![1] - half[0]![1];
}

function disseminationTargets(dissemination: Results['dissemination'], items: number, degree: number, meshDegree: number): Target[] {
  const out: Target[] = [];
  // Issue 10 (lazy push): N=10 full mesh and N=30 degree 6 bursts, paced 100/s at N=30.
  const lazyOn = dissemination.filter((r) => r.lazyPush !== false && r.items === items);
  const mesh = lazyOn.find((r) => r.nodes === 10 && r.degree === meshDegree && r.mode === 'burst');
  const d30 = lazyOn.find((r) => r.nodes === 30 && r.degree === degree && r.mode === 'burst');
  for (const r of [mesh, d30]) {
    if (!r) continue;
    const at = `N=${r.nodes} degree ${r.degree} burst`;
    out.push({ what: `payload copies per node per item after ${r.warmUp} items (${at})`, target: '<= 1.2', value: fixed(r.copiesPerItemPerNode, 2), met: r.copiesPerItemPerNode <= 1.2 });
    const worst = r.repeats?.worst['deliveryRatio'] ?? r.deliveryRatio;
    out.push({ what: `delivery (${at}, worst run)`, target: '1.0', value: worst.toFixed(4), met: worst === 1 });
  }
  if (mesh) out.push({ what: 'CPU per item per node (N=10 full mesh burst, median run)', target: '<= 25 us', value: `${fixed(mesh.cpuUsPerItemPerNode, 1)} us`, met: mesh.cpuUsPerItemPerNode <= 25 });
  const paced100 = lazyOn.find((r) => r.nodes === 30 && r.mode === 'paced 100/s');
  if (paced100) out.push({ what: 'p99 latency, paced 100 items/s at N=30 (median run)', target: '<= 10 ms', value: `${fixed(paced100.latencyMs.p99)} ms`, met: paced100.latencyMs.p99 <= 10 });
  const at30 = dissemination.filter((r) => r.nodes === 30 && r.items === items && r.lazyPush !== false);
  const burst = at30.find((r) => r.mode === 'burst' && r.degree === degree) ?? at30.find((r) => r.mode === 'burst');
  const paced = at30.filter((r) => r.mode !== 'burst' && r.degree === burst?.degree);
  if (burst) {
    const worst = burst.repeats?.worst['deliveryRatio'] ?? burst.deliveryRatio;
    out.push({ what: `delivery ratio, N=30, M=${items}, validation on (burst, worst run)`, target: '1.0', value: worst.toFixed(4), met: worst === 1 });
    out.push({ what: 'p99 latency, burst of M items (median run)', target: '< 50 ms', value: `${fixed(burst.latencyMs.p99)} ms`, met: burst.latencyMs.p99 < 50 });
  }
  for (const p of paced) {
    const worst = p.repeats?.worst['deliveryRatio'] ?? p.deliveryRatio;
    out.push({ what: `delivery ratio (${p.mode}, worst run)`, target: '1.0', value: worst.toFixed(4), met: worst === 1 });
    out.push({ what: `p99 latency (${p.mode}, median run)`, target: '< 50 ms', value: `${fixed(p.latencyMs.p99)} ms`, met: p.latencyMs.p99 < 50 });
  }
  if (burst) {
    out.push({ what: 'whole batch everywhere (burst, median run)', target: '< 5 s', value: `${fixed(burst.allEverywhereMs / 1000, 2)} s`, met: burst.allEverywhereMs < 5000 });
    const idleMax = burst.repeats?.worst['idleRssMiB'] ?? max(burst.idle.rssMiB);
    out.push({ what: 'idle RSS per node (max over the N=30 nodes and runs)', target: '< 80 MB', value: `${fixed(idleMax)} MiB`, met: idleMax * 1.048576 < 80 });
  }
  return out;
}

export function targets(res: Results, items: number, degree: number, meshDegree = 9): Target[] {
  const out: Target[] = [];
  // The dissemination targets hold for every link mode (plaintext and TLS): judged per mode.
  const modes = [...new Set(res.dissemination.map((r) => r.links ?? 'plaintext'))];
  for (const links of modes) {
    const rows = res.dissemination.filter((r) => (r.links ?? 'plaintext') === links);
    const tag = modes.length > 1 ? `[${links}] ` : '';
    out.push(...disseminationTargets(rows, items, degree, meshDegree).map((t) => ({ ...t, what: `${tag}${t.what}` })));
  }
  if (res.memory) {
    const g = secondHalfGrowth(res.memory.rssByItems);
    out.push({
      what: `memory flat after the caches fill (${si(res.memory.accepted)} items, -s ${res.memory.spreadSuppression ?? 'default'})`,
      target: 'flat',
      value: g === undefined ? '-' : `${g >= 0 ? '+' : ''}${g.toFixed(1)} MiB over the second half`,
      met: g === undefined ? undefined : g < 8,
    });
  }
  if (res.overload) out.push(...overloadTargets(res.overload));
  return out;
}

export function tlsCostTable(r: TlsCostResult): string {
  const range = (xs: number[]) => `${fixed(Math.min(...xs), 2)}..${fixed(Math.max(...xs), 2)}`;
  const rows = [
    ['plain TCP', `${fixed(r.plainUsPerFrame, 2)} (${range(r.plainRuns)})`, si(r.plainFramesPerSec), '-'],
    ['TLS 1.3', `${fixed(r.tlsUsPerFrame, 2)} (${range(r.tlsRuns)})`, si(r.tlsFramesPerSec), `${r.tlsUsPerFrame >= r.plainUsPerFrame ? '+' : ''}${fixed(r.tlsUsPerFrame - r.plainUsPerFrame, 2)} µs`],
  ];
  const hs = r.handshakes.map((h) => [`handshake ${h.key}`, `${fixed(h.cpuMs, 2)} ms CPU`, `${fixed(h.wallMs, 2)} ms wall`, '']);
  return table(['link', 'CPU µs/frame, both ends (range)', 'frames/s', 'encryption per frame per hop'], [...rows, ...hs]);
}

export function overloadTable(r: OverloadResult): string {
  return table(
    ['case', 'items', 'sent /s', 'got', 'all in by', 'RSS 50 % -> 100 % (peak)'],
    r.cases.map((c) => [
      c.case,
      `${si(c.items)} x ${c.dataBytes} B`,
      si(c.sendPerSec),
      Object.entries(c.got)
        .map(([who, n]) => `${who}: ${n}`)
        .join('; '),
      `${fixed(c.allInS, 1)} s`,
      `${fixed(c.rssHalfMiB)} -> ${fixed(c.rssFullMiB)} MiB (${fixed(c.rssPeakMiB)})`,
    ]),
  );
}

/** The overload issue's targets, judged from one overload run. */
function overloadTargets(r: OverloadResult): Target[] {
  const out: Target[] = [];
  const all = (c: { got: Record<string, number>; items: number }) => Object.values(c.got).every((n) => n >= c.items);
  for (const c of r.cases) {
    if (c.case === 'announce') {
      out.push({ what: `announce flood: every module gets ${si(c.items)}`, target: `${c.items}`, value: Object.values(c.got).join(' / '), met: all(c) });
      const growth = ((c.rssFullMiB - c.rssHalfMiB) / c.rssHalfMiB) * 100;
      out.push({ what: 'announce flood: node 0 RSS from 50 % to 100 %', target: '< +20 %', value: `${growth >= 0 ? '+' : ''}${fixed(growth, 0)} %`, met: growth < 20 });
    } else if (c.case === 'stuck') {
      const share = Object.values(c.got)[0]! / c.items;
      out.push({ what: 'stuck module: the healthy one gets', target: '>= 99.9 %', value: `${fixed(share * 100, 2)} %`, met: share >= 0.999 });
      out.push({ what: 'stuck module: node RSS (peak)', target: '< 300 MB', value: `${fixed(c.rssPeakMiB * 1.048576)} MB`, met: c.rssPeakMiB * 1.048576 < 300 });
    } else {
      out.push({ what: `neighbour flood: all ${si(c.items)} delivered`, target: `${c.items}`, value: Object.values(c.got).join(' / '), met: all(c) });
    }
  }
  return out;
}

export function targetsTable(ts: Target[]): string {
  return table(
    ['target', 'wanted', 'measured', 'met'],
    ts.map((t) => [t.what, t.target, t.value, t.met === undefined ? '?' : t.met ? 'yes' : 'NO']),
  );
}
