import type { Progress } from './options.js';

const WIDTH = 30;

/** A one-line progress bar on a TTY stream (stderr); does nothing when the stream is not a TTY. */
export function progressBar(stream: NodeJS.WriteStream, started: number): { update(p: Progress): void; end(): void } {
  if (!stream.isTTY) return { update: () => {}, end: () => {} };
  let drawn = false;
  return {
    update(p) {
      const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
      const full = Math.round(frac * WIDTH);
      const bar = '#'.repeat(full) + '-'.repeat(WIDTH - full);
      const wall = ((Date.now() - started) / 1000).toFixed(0);
      const rss = Math.round(process.memoryUsage.rss() / 1048576);
      const line = `${p.phase.padEnd(7)} [${bar}] ${Math.round(p.done)}/${Math.round(p.total)}  virtual ${(p.virtualMs / 1000).toFixed(1)} s  wall ${wall} s  rss ${rss} MB`;
      stream.write(`\r${line.slice(0, (stream.columns || 120) - 1)}\x1b[K`);
      drawn = true;
    },
    end() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
