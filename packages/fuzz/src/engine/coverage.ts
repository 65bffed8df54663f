/**
 * Coverage feedback from the istanbul counters of the instrumented packages:
 * every statement, branch arm and function counter is one edge; an input is
 * interesting when some edge is hit with a count in a bucket (1, 2, 3, 4-7,
 * 8-15, 16-31, 32-127, 128+) that no earlier input reached, as libFuzzer does.
 */

type FileCoverage = {
  s: Record<string, number>;
  f: Record<string, number>;
  b: Record<string, number[]>;
};

/** Name of the global the instrumenting hook writes to. */
export const COVERAGE_VARIABLE = '__gossip5FuzzCoverage__';

interface Counters {
  /** Counter objects (istanbul keys them "0".."n-1", so they are read by index) and their lengths. */
  flat: Array<{ obj: Record<number, number>; n: number }>;
  size: number;
}

function bucket(n: number): number {
  if (n === 0) return 0;
  if (n <= 3) return 1 << (n - 1);
  if (n <= 7) return 8;
  if (n <= 15) return 16;
  if (n <= 31) return 32;
  if (n <= 127) return 64;
  return 128;
}

export class CoverageMap {
  private counters: Counters = { flat: [], size: 0 };
  private filesSeen = 0;
  /** Bucket bits ever seen per edge. */
  private seen = new Uint8Array(0);
  /** Edges ever hit. */
  private covered = 0;

  /** True when the packages under test were instrumented (the hook is installed). */
  get instrumented(): boolean {
    return this.counters.size > 0;
  }

  /** Edges hit by any input so far, and edges known. */
  summary(): { covered: number; total: number } {
    return { covered: this.covered, total: this.counters.size };
  }

  /** Pick up counter objects of files loaded since the last call (in load order, so positions stay). */
  private refresh(): void {
    const all = (globalThis as Record<string, unknown>)[COVERAGE_VARIABLE] as Record<string, FileCoverage> | undefined;
    if (!all) return;
    const files = Object.keys(all);
    if (files.length === this.filesSeen) return;
    const flat: Counters['flat'] = [];
    let size = 0;
    for (const file of files) {
      const fc = all[file]!;
      flat.push({ obj: fc.s, n: Object.keys(fc.s).length });
      flat.push({ obj: fc.f, n: Object.keys(fc.f).length });
      for (const key of Object.keys(fc.b)) flat.push({ obj: fc.b[key]!, n: fc.b[key]!.length });
    }
    for (const c of flat) size += c.n;
    // Files load in a fixed order per target, so earlier edges keep their positions.
    const seen = new Uint8Array(size);
    seen.set(this.seen.subarray(0, Math.min(this.seen.length, size)));
    this.seen = seen;
    this.counters = { flat, size };
    this.filesSeen = files.length;
  }

  /** Zero every counter before running one input. */
  reset(): void {
    this.refresh();
    for (const { obj, n } of this.counters.flat) for (let k = 0; k < n; k++) obj[k] = 0;
  }

  /** After one input: record its buckets; true when it reached something new. */
  collect(): boolean {
    this.refresh();
    let fresh = false;
    let i = 0;
    const seen = this.seen;
    for (const { obj, n: len } of this.counters.flat) {
      for (let k = 0; k < len; k++) {
        const n = obj[k]!;
        if (n !== 0) {
          const b = bucket(n);
          const old = seen[i]!;
          if ((old & b) === 0) {
            if (old === 0) this.covered++;
            seen[i] = old | b;
            fresh = true;
          }
        }
        i++;
      }
    }
    return fresh;
  }
}
