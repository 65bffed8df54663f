/** RSS and CPU of idle processes over a window of wall time. */
import { setTimeout as sleep } from 'node:timers/promises';
import { read } from './proc.js';

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
