/**
 * Resource readings of a process from Linux /proc: resident memory from
 * /proc/<pid>/status (VmRSS) and CPU time from /proc/<pid>/stat (utime + stime,
 * in clock ticks of 1/CLK_TCK s). Off Linux, every reading is undefined.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (`getconf CLK_TCK`; 100 on Linux almost everywhere). */
export const CLK_TCK: number = (() => {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
})();

/** Resident set size in bytes, or undefined when the process is gone. */
export function rssBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** User and system (kernel) CPU time used so far, in ms (resolution 1000/CLK_TCK ms), or undefined. */
export function cpuSplitMs(pid: number | undefined): { user: number; system: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: fields start after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
    const user = (Number(rest[11]) * 1000) / CLK_TCK;
    const system = (Number(rest[12]) * 1000) / CLK_TCK;
    return Number.isFinite(user) && Number.isFinite(system) ? { user, system } : undefined;
  } catch {
    return undefined;
  }
}

/** User + system CPU time used so far, in ms, or undefined. */
export function cpuMs(pid: number | undefined): number | undefined {
  const split = cpuSplitMs(pid);
  return split && split.user + split.system;
}

/** A reading of several processes at one moment. */
export interface Reading {
  at: number;
  rss: Array<number | undefined>;
  cpu: Array<number | undefined>;
}

export function read(pids: Array<number | undefined>): Reading {
  return { at: performance.now(), rss: pids.map(rssBytes), cpu: pids.map(cpuMs) };
}

/**
 * Samples the RSS of some processes every `intervalMs` and keeps each one's
 * peak, until stopped.
 */
export class PeakSampler {
  readonly peaks: number[];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pids: Array<number | undefined>,
    intervalMs = 100,
  ) {
    this.peaks = pids.map(() => 0);
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  sample(): void {
    this.pids.forEach((pid, i) => {
      const r = rssBytes(pid);
      if (r !== undefined && r > this.peaks[i]!) this.peaks[i] = r;
    });
  }

  stop(): number[] {
    clearInterval(this.timer);
    this.sample();
    return this.peaks;
  }
}

/**
 * CPU time (user + system, ms) of a process's event-loop thread (the task whose id is the pid) and of
 * all its other threads (V8 compiler and GC helpers, libuv workers), or undefined.
 */
export function cpuThreadsMs(
  pid: number | undefined,
): { main: number; helpers: number; byName: Record<string, number> } | undefined {
  if (pid === undefined) return undefined;
  try {
    let main = 0;
    let helpers = 0;
    /** Helper CPU by thread name (`V8 DefaultWorke`, `libuv-worker`, ...). */
    const byName: Record<string, number> = {};
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = ((Number(rest[11]) + Number(rest[12])) * 1000) / CLK_TCK;
      if (Number(tid) === pid) main += ms;
      else {
        helpers += ms;
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        byName[name] = (byName[name] ?? 0) + ms;
      }
    }
    return { main, helpers, byName };
  } catch {
    return undefined;
  }
}

/**
 * Context switches of a process's event-loop thread (voluntary: it slept, mostly in epoll, and was
 * woken; each is one event-loop wake-up at most), or undefined.
 */
export function wakeUps(pid: number | undefined): { voluntary: number; involuntary: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8');
    const field = (name: string): number => Number(new RegExp(`^${name}:\\s*(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return { voluntary: field('voluntary_ctxt_switches'), involuntary: field('nonvoluntary_ctxt_switches') };
  } catch {
    return undefined;
  }
}
