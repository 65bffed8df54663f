import type { Clock } from '../types.js';

interface Event {
  at: number;
  seq: number;
  fn: (() => void) | undefined;
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
  private seq = 0;
  private heap: Event[] = [];
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
    const ev: Event = { at, seq: this.seq++, fn };
    this.push(ev);
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
    while (this.heap.length > 0 && !this.heap[0]!.fn) this.pop();
    return this.heap[0]?.at;
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
      // The batch: everything due now, including what it schedules for now.
      for (;;) {
        while (this.heap.length > 0 && this.heap[0]!.at <= at) {
          const ev = this.pop();
          const fn = ev.fn;
          if (!fn) continue;
          ev.fn = undefined;
          this.live--;
          this.executed++;
          fn();
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

  private push(ev: Event): void {
    const h = this.heap;
    h.push(ev);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(ev, h[p]!)) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = ev;
  }

  private pop(): Event {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      const n = h.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && before(h[r]!, h[l]!) ? r : l;
        if (!before(h[c]!, last)) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

function before(a: Event, b: Event): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
