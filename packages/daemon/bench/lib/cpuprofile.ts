/**
 * Reads a V8 .cpuprofile (what `node --cpu-prof` writes) and says where the
 * time went: self time per function (the number of samples that stopped in it,
 * times the sampling interval), total (inclusive) time per function, and self
 * time per package. Positions in bundled dist files are mapped back to the
 * TypeScript sources through their .map files when those exist.
 *
 * Samples are counted rather than weighted by the time since the previous
 * sample: when the process is descheduled (many processes on few cores), that
 * time lands on whichever sample comes next, usually right after a system
 * call, and would inflate it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionTime {
  fn: string;
  where: string;
  category: string;
  ms: number;
  /** Share of the busy (non-idle) time in the window, in %. */
  pct: number;
}

export interface ProfileSummary {
  file: string;
  /** Samples in the window times the sampling interval, ms. */
  windowMs: number;
  /** Wall time from the first to the last sample of the window, ms. */
  wallMs: number;
  /** Median time between samples, µs. */
  intervalUs: number;
  /** Length of the whole profile, ms. */
  profileMs: number;
  /** How the window was chosen. */
  window: string;
  idleMs: number;
  busyMs: number;
  samples: number;
  self: FunctionTime[];
  total: FunctionTime[];
  categories: Array<{ category: string; ms: number; pct: number }>;
}

const maps = new Map<string, SourceMap | null>();

function sourceMapFor(url: string): SourceMap | null {
  if (maps.has(url)) return maps.get(url)!;
  let map: SourceMap | null = null;
  try {
    const file = fileURLToPath(url);
    if (existsSync(`${file}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
  } catch {
    map = null;
  }
  maps.set(url, map);
  return map;
}

/** `p2p/src/spread/spreader.ts:42` for our packages, `pino/lib/proto.js:10`, `node:net:300`, or ''. */
function locate(cf: CallFrame): string {
  if (!cf.url) return '';
  let file = cf.url;
  let line = cf.lineNumber + 1;
  if (file.startsWith('file://')) {
    const map = sourceMapFor(file);
    const entry = map?.findEntry(cf.lineNumber, cf.columnNumber) as
      | { originalSource?: string; originalLine?: number }
      | undefined;
    if (entry?.originalSource) {
      // Sources in a map are relative to the map's own location.
      file = new URL(entry.originalSource, cf.url).pathname;
      line = (entry.originalLine ?? 0) + 1;
    }
  }
  const pkg = /packages\/([^/]+)\/(.*)$/.exec(file);
  if (pkg) return `${pkg[1]}/${pkg[2]}:${line}`;
  const mod = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(file);
  if (mod) return `${mod[1]}/${mod[2]}:${line}`;
  return `${file.replace(/^.*\/src\//, 'src/')}:${line}`;
}

function categorise(cf: CallFrame): string {
  const { url, functionName } = cf;
  if (!url) return functionName.startsWith('(') ? functionName : 'V8/native';
  if (url.startsWith('node:')) return 'node internals';
  const mod = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (url.includes('/packages/')) {
    const pkg = /packages\/([^/]+)\//.exec(url);
    // A workspace package reached through node_modules is still ours.
    if (pkg) return `@gossip5/${pkg[1]}`;
  }
  if (mod) return mod[1]!;
  return 'other';
}

/**
 * Summarise `file`. With `markers`, the window runs from the first to the last
 * sample whose stack holds a function of one of those names (the load phase),
 * so start-up and shutdown do not count; without, or when none is found, the
 * whole profile is used.
 */
export function summariseProfile(file: string, options: { markers?: string[]; top?: number } = {}): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const top = options.top ?? 20;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  // Sample i lasts until sample i+1 (the last until the profile's end).
  const times: number[] = [];
  let t = profile.startTime;
  for (const d of profile.timeDeltas) times.push((t += d));
  const interval = medianInterval(profile.timeDeltas);

  let from = 0;
  let to = profile.samples.length - 1;
  let window = 'whole profile';
  if (options.markers && options.markers.length > 0) {
    const marker = new Set(options.markers);
    const markedNodes = new Set<number>();
    for (const n of profile.nodes) {
      let id: number | undefined = n.id;
      while (id !== undefined) {
        if (marker.has(byId.get(id)!.callFrame.functionName)) {
          markedNodes.add(n.id);
          break;
        }
        id = parent.get(id);
      }
    }
    const first = profile.samples.findIndex((s) => markedNodes.has(s));
    let last = profile.samples.length - 1;
    while (last > first && !markedNodes.has(profile.samples[last]!)) last--;
    if (first >= 0) {
      from = first;
      to = last;
      window = `from the first to the last sample under ${options.markers.join('/')}`;
    }
  }

  const keyOf = new Map<number, { key: string; fn: string; where: string; category: string }>();
  for (const n of profile.nodes) {
    const fn = n.callFrame.functionName || '(anonymous)';
    const where = locate(n.callFrame);
    keyOf.set(n.id, { key: `${fn} ${where}`, fn, where, category: categorise(n.callFrame) });
  }
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const cats = new Map<string, number>();
  let idle = 0;
  let windowUs = 0;
  for (let i = from; i <= to; i++) {
    const d = interval;
    windowUs += d;
    const id = profile.samples[i]!;
    const k = keyOf.get(id)!;
    if (k.fn === '(idle)') {
      idle += d;
      continue;
    }
    self.set(k.key, (self.get(k.key) ?? 0) + d);
    cats.set(k.category, (cats.get(k.category) ?? 0) + d);
    const onStack = new Set<string>();
    for (let p: number | undefined = id; p !== undefined; p = parent.get(p)) {
      const pk = keyOf.get(p)!;
      if (pk.fn === '(root)') continue;
      onStack.add(pk.key);
    }
    for (const key of onStack) total.set(key, (total.get(key) ?? 0) + d);
  }
  const busy = windowUs - idle;
  const info = new Map([...keyOf.values()].map((k) => [k.key, k]));
  const rank = (m: Map<string, number>): FunctionTime[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, us]) => {
        const k = info.get(key)!;
        return { fn: k.fn, where: k.where, category: k.category, ms: us / 1000, pct: (100 * us) / busy };
      });
  return {
    file,
    window,
    windowMs: windowUs / 1000,
    wallMs: (times[to]! - times[from]!) / 1000,
    intervalUs: interval,
    profileMs: (profile.endTime - profile.startTime) / 1000,
    idleMs: idle / 1000,
    busyMs: busy / 1000,
    samples: to - from + 1,
    self: rank(self),
    total: rank(total),
    categories: [...cats.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([category, us]) => ({ category, ms: us / 1000, pct: (100 * us) / busy })),
  };
}

/**
 * The main-thread profile of process `pid` in `dir` (files are named
 * CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; thread 0 is the main one).
 */
export async function findProfile(dir: string, pid: number | undefined): Promise<string | undefined> {
  if (pid === undefined) return undefined;
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile') && f.includes(`.${pid}.`));
  const main = files.find((f) => new RegExp(`\\.${pid}\\.0\\.\\d+\\.cpuprofile$`).test(f)) ?? files[0];
  return main === undefined ? undefined : join(dir, main);
}

function medianInterval(deltas: number[]): number {
  const sorted = deltas.filter((d) => d > 0).sort((a, b) => a - b);
  return sorted.length === 0 ? 1000 : sorted[Math.floor(sorted.length / 2)]!;
}
