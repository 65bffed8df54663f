import { systemClock, type Clock } from '@gossip5/p2p';

export type { Clock };
/** The real clock, with unref'd timers: the one the p2p package defines, shared, not written twice. */
export { systemClock };

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
