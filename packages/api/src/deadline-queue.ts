import type { TimerRef, Timers } from './timers.js';

/**
 * Deadlines that all lie the same `delayMs` after they are added, served by
 * one timer instead of one each. With a fixed delay and a clock that does not
 * go back, insertion order is deadline order, so an insertion-ordered Map is
 * the queue: add and delete are O(1), and it holds exactly the live entries.
 */
export class DeadlineQueue<K> {
  private readonly entries = new Map<K, { at: number; fn: () => void }>();
  private timer: TimerRef | undefined;
  /** Deadline the armed timer was set for. */
  private armedFor = 0;

  constructor(
    private readonly timers: Timers,
    private readonly now: () => number,
    readonly delayMs: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Call `fn` once `delayMs` has passed, unless `key` is deleted first. Re-adding a key moves it to the back. */
  add(key: K, fn: () => void): void {
    this.entries.delete(key);
    this.entries.set(key, { at: this.now() + this.delayMs, fn });
    if (!this.timer) this.arm();
  }

  delete(key: K): void {
    if (!this.entries.delete(key)) return;
    if (this.entries.size === 0) this.disarm();
  }

  private arm(): void {
    const head = this.entries.values().next();
    if (head.done) return;
    this.armedFor = head.value.at;
    this.timer = this.timers.set(() => this.fire(), Math.max(0, this.armedFor - this.now()));
  }

  private disarm(): void {
    this.timers.clear(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    this.timer = undefined;
    // Entries whose deadline is the one the timer was set for, or earlier, are due; a clock that
    // fires a timer a little early must not make us wait another full round.
    const due = Math.max(this.armedFor, this.now());
    for (const [key, entry] of this.entries) {
      if (entry.at > due) break;
      this.entries.delete(key);
      entry.fn();
    }
    if (!this.timer) this.arm();
  }
}
