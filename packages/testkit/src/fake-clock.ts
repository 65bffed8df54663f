/** Handle returned by a Clock's setTimeout. */
export type TimerHandle = { readonly id: number } | ReturnType<typeof setTimeout>;

/** The clock interface every Gossip-5 component takes (structurally). */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

/**
 * A manual clock for deterministic tests: time moves only when `advance` or
 * `runAll` is called, and due timers fire in order of their deadline.
 */
export class FakeClock implements Clock {
  private current: number;
  private nextId = 1;
  private timers = new Map<number, Timer>();

  constructor(start = 1_000_000) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): { id: number } {
    const id = this.nextId++;
    this.timers.set(id, { id, at: this.current + Math.max(0, ms), fn });
    return { id };
  }

  clearTimeout(handle: unknown): void {
    if (handle && typeof handle === 'object' && 'id' in handle) this.timers.delete((handle as { id: number }).id);
  }

  /** Number of timers not yet fired or cleared. */
  get pending(): number {
    return this.timers.size;
  }

  /** Move time forward by `ms`, firing every timer that falls due, in deadline order. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      let next: Timer | undefined;
      for (const t of this.timers.values()) if (t.at <= target && (!next || t.at < next.at)) next = t;
      if (!next) break;
      this.timers.delete(next.id);
      this.current = next.at;
      next.fn();
    }
    this.current = target;
  }
}
