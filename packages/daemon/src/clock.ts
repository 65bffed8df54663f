import type { Clock } from '@gossip5/p2p';

export type { Clock };

/**
 * The real clock for the daemon's own timers (stats line, stop deadline, parent watch).
 * Its timers are unref'd: the listeners keep the process alive, a timer alone does not.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Calls `fn` every `ms` on `clock` until the returned function is called. */
export function every(clock: Clock, ms: number, fn: () => void): () => void {
  let handle: unknown;
  let live = true;
  const tick = () => {
    if (!live) return;
    fn();
    if (live) handle = clock.setTimeout(tick, ms);
  };
  handle = clock.setTimeout(tick, ms);
  return () => {
    live = false;
    clock.clearTimeout(handle);
  };
}
