/** What the figures were measured on: machine, Node, commit, load. */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';

export interface Machine {
  nproc: number;
  cpuModel: string;
  memGiB: number;
  node: string;
  platform: string;
  commit: string;
  /** `git status --porcelain` is not empty: the figures are of uncommitted code. */
  dirty: boolean;
  date: string;
}

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

export function machine(): Machine {
  return {
    nproc: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    commit: git(['rev-parse', '--short', 'HEAD']) ?? 'unknown',
    dirty: (git(['status', '--porcelain', '--untracked-files=no']) ?? '') !== '',
    date: new Date().toISOString(),
  };
}

/** 1, 5 and 15 minute load averages. */
export function load(): number[] {
  return loadavg().map((x) => Math.round(x * 100) / 100);
}
