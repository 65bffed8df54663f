import type { Clock } from '../types.js';

interface Event {
  fn: (() => void) | undefined;
}

/** The events due at one millisecond, in the order they were scheduled; `next` is the first not yet run. */
interface Bucket {
  events: Event[];
  next: number;
}

/** Yield to the event loop once, so every pending nextTick and promise continuation runs. */
const drain = (): Promise<void> =>
  // The one real timer here: not a clock, a yield (the engine's promise chains must settle between batches).
  // eslint-disable-next-line no-restricted-globals
  new Promise((resolve) => setImmediate(resolve));

/**
 * A discrete-event scheduler over virtual time: a Clock whose timers fire only when `run*` is called,
 * in order of (deadline, order of scheduling), with a 1 ms resolution (deadlines are rounded up to whole
 * milliseconds, so the events of one millisecond run as a batch). Between batches it yields to the event
 * loop, so the promise chains the engine starts settle before time moves on. With a seeded random source
 * and nothing real underneath (in-memory transport, inline proof of work), a run is the same every time.
 */
export class Scheduler implements Clock {
  private current: number;
  /**
   * A calendar queue: one bucket per millisecond that has events, and a min-heap of those
   * milliseconds. Deadlines are whole milliseconds, so events of one millisecond share a bucket and
   * run in the order they were scheduled: the same order as a heap keyed by (deadline, sequence),
   * with one heap operation per busy millisecond instead of two per event.
   */
  private readonly buckets = new Map<number, Bucket>();
  private readonly times: number[] = [];
  private live = 0;
  /** Events run so far. */
  executed = 0;

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): Event {
    const at = Math.ceil(this.current + (ms > 0 ? ms : 0));
    const ev: Event = { fn };
    let bucket = this.buckets.get(at);
    if (bucket === undefined) {
      bucket = { events: [], next: 0 };
      this.buckets.set(at, bucket);
      this.pushTime(at);
    }
    bucket.events.push(ev);
    this.live++;
    return ev;
  }

  clearTimeout(handle: unknown): void {
    const ev = handle as Event | undefined;
    if (ev && ev.fn) {
      ev.fn = undefined;
      this.live--;
    }
  }

  /** Timers not yet fired or cleared. */
  get pending(): number {
    return this.live;
  }

  /** Deadline of the next live event, or undefined. */
  next(): number | undefined {
    while (this.times.length > 0) {
      const at = this.times[0]!;
      const bucket = this.buckets.get(at)!;
      const { events } = bucket;
      while (bucket.next < events.length && !events[bucket.next]!.fn) bucket.next++;
      if (bucket.next < events.length) return at;
      this.buckets.delete(at);
      this.popTime();
    }
    return undefined;
  }

  /**
   * Run events until `done()` holds (checked after each batch), or virtual time would pass `limit`.
   * Resolves with true when `done()` held, false at the limit or when nothing is left to run.
   * Time ends at the last batch run (or at `limit` when it was reached).
   */
  async runUntil(done: () => boolean, limit = Number.POSITIVE_INFINITY): Promise<boolean> {
    await drain();
    for (;;) {
      if (done()) return true;
      const at = this.next();
      if (at === undefined) return false;
      if (at > limit) {
        this.current = Math.max(this.current, limit);
        return false;
      }
      this.current = at;
      // The batch: everything due now, including what it schedules for now (appended to this bucket).
      for (;;) {
        const bucket = this.buckets.get(at);
        if (bucket !== undefined) {
          const { events } = bucket;
          while (bucket.next < events.length) {
            const ev = events[bucket.next++]!;
            const fn = ev.fn;
            if (!fn) continue;
            ev.fn = undefined;
            this.live--;
            this.executed++;
            fn();
          }
        }
        await drain();
        const again = this.next();
        if (again === undefined || again > at) break;
      }
    }
  }

  /** Run every event due within the next `ms` of virtual time; time then stands at now + ms. */
  async runFor(ms: number): Promise<void> {
    const end = this.current + ms;
    await this.runUntil(() => false, end);
    this.current = end;
  }

  private pushTime(at: number): void {
    const h = this.times;
    h.push(at);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]! <= at) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = at;
  }

  private popTime(): void {
    const h = this.times;
    const last = h.pop()!;
    const n = h.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && h[r]! < h[l]! ? r : l;
      if (h[c]! >= last) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
  }
}
