import type { Clock } from './types.js';

/** A timer started through Timers; clear it with Timers.clear. */
export interface TimerRef {
  live: boolean;
  handle: unknown;
}

/**
 * Timers on the injected clock, with a count of the ones still armed, so a
 * leak shows up in stats() instead of in a process that will not exit.
 */
export class Timers {
  private armed = 0;

  constructor(private readonly clock: Clock) {}

  /** Timers started and neither fired nor cleared. */
  get active(): number {
    return this.armed;
  }

  set(fn: () => void, ms: number): TimerRef {
    const ref: TimerRef = { live: true, handle: undefined };
    this.armed++;
    ref.handle = this.clock.setTimeout(() => {
      if (!ref.live) return;
      ref.live = false;
      this.armed--;
      fn();
    }, ms);
    return ref;
  }

  clear(ref: TimerRef | undefined): void {
    if (!ref?.live) return;
    ref.live = false;
    this.armed--;
    this.clock.clearTimeout(ref.handle);
  }
}

/** The real clock: Date.now and the global timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};
