import type { Progress } from './options.js';

const WIDTH = 30;
/** Off a TTY, one plain progress line at most this often (wall ms): a log of a long run, not a bar. */
export const PLAIN_PROGRESS_EVERY_MS = 30_000;

/** The stream the progress goes to: stderr, or anything with the same members. */
export interface ProgressStream {
  write(text: string): boolean;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

function describe(p: Progress, wallMs: number, bar?: string): string {
  const rss = Math.round(process.memoryUsage.rss() / 1048576);
  const where = bar === undefined ? `${p.phase} ${Math.round(p.done)}/${Math.round(p.total)}` : `${p.phase.padEnd(7)} [${bar}] ${Math.round(p.done)}/${Math.round(p.total)}`;
  const note = p.note === undefined ? '' : `  ${p.note}`;
  return `${where}${note}  virtual ${(p.virtualMs / 1000).toFixed(1)} s  wall ${(wallMs / 1000).toFixed(0)} s  rss ${rss} MB`;
}

/**
 * Progress of a run on `stream` (stderr): a one-line bar redrawn in place on a TTY; elsewhere (a log
 * file, CI) a plain line every PLAIN_PROGRESS_EVERY_MS of wall time, so a long run shows that it moves.
 */
export function progressBar(stream: ProgressStream, started: number, now: () => number = Date.now): { update(p: Progress): void; end(): void } {
  if (!stream.isTTY) {
    let next = started + PLAIN_PROGRESS_EVERY_MS;
    return {
      update(p) {
        const t = now();
        if (t < next) return;
        next = t + PLAIN_PROGRESS_EVERY_MS;
        stream.write(`gossip5-sim: ${describe(p, t - started)}\n`);
      },
      end: () => {},
    };
  }
  let drawn = false;
  return {
    update(p) {
      const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
      const full = Math.round(frac * WIDTH);
      const line = describe(p, now() - started, '#'.repeat(full) + '-'.repeat(WIDTH - full));
      stream.write(`\r${line.slice(0, (stream.columns || 120) - 1)}\x1b[K`);
      drawn = true;
    },
    end() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
