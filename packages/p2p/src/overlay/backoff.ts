import type { Clock } from '../types.js';

/**
 * Exponential back-off timer: `schedule` runs a task after the current delay,
 * which starts at `minMs` and doubles with every scheduling up to `maxMs`;
 * `reset` goes back to `minMs`. At most one task is pending.
 */
export class Backoff {
  private delay: number;
  private timer: unknown;
  private armed = false;
  private count = 0;

  constructor(
    private readonly clock: Clock,
    private readonly minMs: number,
    private readonly maxMs: number,
  ) {
    this.delay = minMs;
  }

  /** Delay the next `schedule` will use. */
  get nextDelay(): number {
    return this.delay;
  }

  /** Tasks scheduled since the last reset. */
  get attempts(): number {
    return this.count;
  }

  get pending(): boolean {
    return this.armed;
  }

  /** Run `task` after the current delay, then double the delay. False if one is already pending. */
  schedule(task: () => void): boolean {
    if (this.armed) return false;
    this.armed = true;
    this.count++;
    const ms = this.delay;
    this.delay = Math.min(this.maxMs, this.delay * 2);
    this.timer = this.clock.setTimeout(() => {
      this.armed = false;
      task();
    }, ms);
    return true;
  }

  cancel(): void {
    if (!this.armed) return;
    this.armed = false;
    this.clock.clearTimeout(this.timer);
  }

  /** Back to the shortest delay (a pending task keeps its time). */
  reset(): void {
    this.delay = this.minMs;
    this.count = 0;
  }
}
