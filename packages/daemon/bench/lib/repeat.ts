/**
 * Repeated runs: on a shared 2-core machine one run of a scenario can differ
 * from the next by tens of percent, so a scenario runs several times and the
 * tables show the median run together with the range of its key figures.
 */

/** The run whose `key` is the median (the lower middle for an even count). */
export function medianBy<T>(runs: T[], key: (run: T) => number): T {
  const sorted = [...runs].sort((a, b) => key(a) - key(b));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** [min, max] of `key` over the runs. */
export function range<T>(runs: T[], key: (run: T) => number): [number, number] {
  const values = runs.map(key);
  return [Math.min(...values), Math.max(...values)];
}

/** What the other runs of a repeated scenario said. */
export interface Repeats {
  runs: number;
  /** The key that chose the median run. */
  medianOf: string;
  ranges: Record<string, [number, number]>;
  /** The worst value over the runs, for figures with a pass/fail target. */
  worst: Record<string, number>;
  /** Each run's key figures, in run order. */
  each: Array<Record<string, number>>;
}

export function repeats<T>(
  runs: T[],
  medianOf: string,
  figures: Record<string, (run: T) => number>,
  worst: Record<string, (runs: T[]) => number> = {},
): Repeats {
  const ranges: Record<string, [number, number]> = {};
  for (const [name, key] of Object.entries(figures)) ranges[name] = range(runs, key);
  const w: Record<string, number> = {};
  for (const [name, f] of Object.entries(worst)) w[name] = f(runs);
  return {
    runs: runs.length,
    medianOf,
    ranges,
    worst: w,
    each: runs.map((r) => Object.fromEntries(Object.entries(figures).map(([name, key]) => [name, key(r)]))),
  };
}
