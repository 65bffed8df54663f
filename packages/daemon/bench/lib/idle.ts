/** RSS and CPU of idle processes over a window of wall time. */
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '@gossip5/testkit';
import { cpuMs, read } from './proc.js';

export interface IdleReading {
  seconds: number;
  /** Per process, MiB, at the end of the window. */
  rssMiB: number[];
  /** Per process, CPU time over wall time in % of one core. */
  cpuPct: number[];
}

export async function idleReading(pids: Array<number | undefined>, ms: number): Promise<IdleReading> {
  const a = read(pids);
  await sleep(ms);
  const b = read(pids);
  const seconds = (b.at - a.at) / 1000;
  return {
    seconds,
    rssMiB: b.rss.map((r) => (r ?? NaN) / 2 ** 20),
    cpuPct: b.cpu.map((c, i) => (100 * ((c ?? NaN) - (a.cpu[i] ?? NaN))) / (b.at - a.at)),
  };
}

/**
 * Resolve once none of the processes used more than 10 ms of CPU in 300 ms (a network is quiet:
 * duplicates and pulls still in flight are counted); rejects after `timeoutMs`.
 */
export async function waitUntilQuiet(pids: Array<number | undefined>, what: string, timeoutMs = 30_000): Promise<void> {
  let prev = pids.map(cpuMs);
  await waitFor(
    async () => {
      await sleep(300);
      const now = pids.map(cpuMs);
      const busy = now.some((c, i) => (c ?? 0) - (prev[i] ?? 0) > 10);
      prev = now;
      return !busy;
    },
    { what, timeoutMs },
  );
}
